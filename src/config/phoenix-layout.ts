/**
 * Seam for the existing Phoenix Hypervisor layout (SPEC section 2): a stack that is not in the
 * config's `stacks` block is looked up in `phoenix_stacks_config.json` beside the config
 * (`docker_stacks.<s>.compose_file_path`, `environments.<env>.variables: [{name, value}]`), then
 * in `stacks/<s>/docker-compose.yml`. Another issue implements it; resolution already calls it.
 */
import { EnvValue } from './types';

export interface LayoutStack {
  /** Absolute path of the compose file. */
  composeFile: string;
  /** The stack's env for the requested environment (`production` when none is given). */
  env: Record<string, EnvValue>;
}

/**
 * The stack `name` as the Phoenix layout beside the config defines it, or undefined when the
 * layout does not define it. Not implemented yet: always undefined.
 */
export async function findPhoenixLayoutStack(_configDir: string, _name: string, _environment?: string): Promise<LayoutStack | undefined> {
  return undefined;
}
