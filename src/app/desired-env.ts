import type { DesiredStack } from '../config';
import { ConfigError } from '../errors';
import type { DesiredStackInput, EnvPair } from '../plan';

/**
 * The planner's view of a desired stack: every env value resolved to a string. Secret values
 * (`{ "secret": "<name>" }`) are refused until the secret store exists (SPEC section 6).
 */
export function desiredInput(stack: DesiredStack): DesiredStackInput {
  const env: EnvPair[] = [];
  for (const [name, value] of Object.entries(stack.env)) {
    if (typeof value !== 'string') {
      throw new ConfigError(`stack ${stack.name}: env ${name} refers to secret "${value.secret}", and this build has no secret store yet`, {
        code: 'SECRET_UNSUPPORTED',
        hint: 'Use a plain value for now; secret values arrive with `phoenix secret set`.',
      });
    }
    env.push({ name, value });
  }
  return { name: stack.name, composeText: stack.composeText, env };
}
