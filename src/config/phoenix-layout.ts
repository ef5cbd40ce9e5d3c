/**
 * The existing Phoenix Hypervisor layout (docs/configuration.md, the existing Phoenix Hypervisor layout), read as it is and never written:
 *
 * - a stack that is not in the config's `stacks` block is looked up in `phoenix_stacks_config.json`
 *   beside the config (`docker_stacks.<s>.compose_file_path`, `environments.<env>.variables:
 *   [{name, value}]`), then in `stacks/<s>/docker-compose.yml`;
 * - without `portainer.url`, the URL comes from `phoenix_hypervisor_config.json` beside it
 *   (`network.portainer_server_ip` and `network.portainer_server_port`, HTTPS). Credentials kept
 *   in that Git-tracked file are never used: the caller is warned and told where they belong.
 *
 * Relative paths are relative to the config file's directory, like every path of the config.
 * Both files belong to the Phoenix scripts, so only the fields used here are checked, loosely.
 */
import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { parse, ParseError, printParseErrorCode } from 'jsonc-parser';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { errnoCode, readFailure } from './errno';
import { didYouMean, formatPath } from './problems';
import { envNameProblem, envValueProblem } from './schema';
import { EnvValue } from './types';

export const STACKS_CONFIG_FILE = 'phoenix_stacks_config.json';
export const HYPERVISOR_CONFIG_FILE = 'phoenix_hypervisor_config.json';
/** The environment the Phoenix scripts deploy when a VM names none. */
export const LAYOUT_DEFAULT_ENVIRONMENT = 'production';

export interface LayoutStack {
  /** Absolute path of the compose file. */
  composeFile: string;
  /** The stack's env for the requested environment (`production` when none is given). */
  env: Record<string, EnvValue>;
}

const variableSchema = z.looseObject({ name: z.string().min(1), value: z.union([z.string(), z.number(), z.boolean()]).transform(String) });

const stacksFileSchema = z.looseObject({
  docker_stacks: z
    .record(
      z.string(),
      z.looseObject({
        compose_file_path: z.string().min(1).optional(),
        environments: z.record(z.string(), z.looseObject({ variables: z.array(variableSchema).optional() })).optional(),
      }),
    )
    .optional(),
});

const hypervisorFileSchema = z.looseObject({
  network: z
    .looseObject({
      portainer_server_ip: z.string().min(1).optional(),
      portainer_server_port: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).optional(),
      // The Phoenix scripts write ports as numbers or digit strings alike; a port outside 1-65535 is refused.
      portainer_agent_port: z
        .union([z.number(), z.string().regex(/^\d+$/, { error: 'expected a port number' }).transform(Number)])
        .pipe(z.number().int().min(1, { error: 'expected a TCP port from 1 to 65535' }).max(65535, { error: 'expected a TCP port from 1 to 65535' }))
        .optional(),
    })
    .optional(),
  portainer_api: z.looseObject({ api_key: z.unknown().optional(), admin_password: z.unknown().optional() }).optional(),
});

/** The parsed JSON(C) file, or undefined when it does not exist. Any other failure is exit 65. */
async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read ${path}: ${readFailure(error)}`, { code: 'LAYOUT_UNREADABLE', cause: error });
  }
  const errors: ParseError[] = [];
  const data: unknown = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    throw new ConfigError(`${path}: syntax error: ${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}`, { code: 'LAYOUT_INVALID' });
  }
  return data;
}

function invalid(path: string, error: z.ZodError): ConfigError {
  const lines = error.issues.map((issue) => `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  return new ConfigError(`${path} is not a Phoenix Hypervisor file phoenix can read`, { code: 'LAYOUT_INVALID', details: lines });
}

function keyOf<T>(record: Record<string, T> | undefined, name: string): string | undefined {
  return Object.keys(record ?? {}).find((key) => key.toLowerCase() === name.toLowerCase());
}

/**
 * The stack `name` as the Phoenix layout beside the config defines it, or undefined when the
 * layout does not define it. `environment` picks `environments.<env>.variables`; without one,
 * `production` applies, as the Phoenix scripts assume. A stack that lists environments but not
 * the requested one is an error rather than a stack deployed without its variables.
 */
export async function findPhoenixLayoutStack(configDir: string, name: string, environment?: string): Promise<LayoutStack | undefined> {
  const stacksPath = nodePath.join(configDir, STACKS_CONFIG_FILE);
  const data = await readJsonFile(stacksPath);
  if (data !== undefined) {
    const parsed = stacksFileSchema.safeParse(data);
    if (!parsed.success) throw invalid(stacksPath, parsed.error);
    const stacks = parsed.data.docker_stacks;
    const key = keyOf(stacks, name);
    if (key !== undefined && stacks !== undefined) {
      const stack = stacks[key];
      const composeFile = nodePath.resolve(configDir, stack.compose_file_path ?? nodePath.join('stacks', key, 'docker-compose.yml'));
      return { composeFile, env: layoutEnv(stacksPath, key, stack.environments, environment) };
    }
  }
  const conventional = nodePath.join(configDir, 'stacks', name, 'docker-compose.yml');
  try {
    await readFile(conventional);
    return { composeFile: conventional, env: {} };
  } catch {
    return undefined;
  }
}

type LayoutEnvironments = Record<string, { variables?: Array<{ name: string; value: string }> }> | undefined;

function layoutEnv(file: string, stack: string, environments: LayoutEnvironments, environment: string | undefined): Record<string, EnvValue> {
  const wanted = environment ?? LAYOUT_DEFAULT_ENVIRONMENT;
  const names = Object.keys(environments ?? {});
  if (names.length === 0) return {};
  const key = keyOf(environments, wanted);
  if (key === undefined || environments === undefined) {
    throw new ConfigError(`${file}: docker_stacks.${stack} has no environment "${wanted}"; it defines ${names.sort().join(', ')}${didYouMean(wanted, names)}`, {
      code: 'UNKNOWN_ENVIRONMENT',
      hint: `Set "environment" on the VM or its docker_stacks entry to one of these (with neither, "${LAYOUT_DEFAULT_ENVIRONMENT}" applies).`,
    });
  }
  const env: Record<string, EnvValue> = {};
  const problems: string[] = [];
  (environments[key].variables ?? []).forEach((variable, i) => {
    // The same rule as the config's own env: these lines go into stack.env as they are.
    const at = `${file}: ${formatPath(['docker_stacks', stack, 'environments', key, 'variables', i])}`;
    const nameProblem = envNameProblem(variable.name);
    if (nameProblem !== undefined) problems.push(`${at}.name: ${nameProblem}`);
    const valueProblem = envValueProblem(variable.value);
    if (valueProblem !== undefined) problems.push(`${at}.value: ${valueProblem}`);
    env[variable.name] = variable.value;
  });
  if (problems.length > 0) {
    throw new ConfigError(problems.length === 1 ? problems[0] : `${file} has ${problems.length} problems`, {
      code: 'LAYOUT_ENV_INVALID',
      hint: `fix the variables in ${file}; nothing was sent to Portainer`,
      details: problems,
    });
  }
  return env;
}

export interface LayoutPortainer {
  /** `https://<ip>:<port>`, or undefined when the file or its network fields are missing. */
  url?: string;
  /** Absolute path of phoenix_hypervisor_config.json. */
  source: string;
  /** Why credentials found in the file are ignored, and where to put them instead. */
  warnings: string[];
}

/**
 * Portainer's URL from `phoenix_hypervisor_config.json` beside the config. The file is tracked
 * in Git, so an API key or admin password in it is reported and never used.
 */
export async function phoenixLayoutPortainer(configDir: string): Promise<LayoutPortainer> {
  const source = nodePath.join(configDir, HYPERVISOR_CONFIG_FILE);
  const data = await readJsonFile(source);
  if (data === undefined) return { source, warnings: [] };
  const parsed = hypervisorFileSchema.safeParse(data);
  if (!parsed.success) throw invalid(source, parsed.error);
  const warnings: string[] = [];
  const credentials = parsed.data.portainer_api ?? {};
  for (const field of ['api_key', 'admin_password'] as const) {
    const value = credentials[field];
    if (value === undefined || value === null || value === '') continue;
    warnings.push(
      `${source} holds portainer_api.${field}: phoenix never uses credentials from a Git-tracked file. ` +
        'Store an API token with `phoenix portainer token set` (OS keyring, or `--store file` for the root-only token file /etc/phoenix/portainer-api-key), ' +
        `then remove portainer_api.${field} from the file and rotate it: it is in the Git history.`,
    );
  }
  const network = parsed.data.network;
  const ip = network?.portainer_server_ip;
  const port = network?.portainer_server_port;
  if (ip === undefined) return { source, warnings };
  const host = ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip;
  return { url: `https://${host}${port === undefined ? '' : `:${port}`}`, source, warnings };
}

/**
 * `network.portainer_agent_port` of phoenix_hypervisor_config.json beside the config: the port of
 * every agent VM that does not set `portainer_agent_port`. Undefined when the file or field is missing.
 */
export async function phoenixLayoutAgentPort(configDir: string): Promise<number | undefined> {
  const source = nodePath.join(configDir, HYPERVISOR_CONFIG_FILE);
  const data = await readJsonFile(source);
  if (data === undefined) return undefined;
  const parsed = hypervisorFileSchema.safeParse(data);
  if (!parsed.success) throw invalid(source, parsed.error);
  return parsed.data.network?.portainer_agent_port;
}

/** The layout's URL, warning about every credential found beside it; undefined when there is none. */
export async function layoutPortainerUrl(config: { dir: string }, warn: (line: string) => void): Promise<string | undefined> {
  const layout = await phoenixLayoutPortainer(config.dir);
  for (const line of layout.warnings) warn(line);
  return layout.url;
}
