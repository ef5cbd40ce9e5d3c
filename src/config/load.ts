/**
 * Finding and loading phoenix_vm_configs.json. The file is read as JSONC (the sample
 * phoenix_vm_configs.json has comments; docs/configuration.md), validated with every problem reported at once, and its relative paths are resolved
 * against the file's own directory: phoenix runs from cron, CI and shells in any directory.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { findNodeAtLocation, Node, ParseError, parseTree, printParseErrorCode, getNodeValue } from 'jsonc-parser';
import { ConfigError } from '../errors';
import { PathSegment, Problem } from './problems';
import { readFailure } from './errno';
import { LoadedConfig, PortainerSettings } from './types';
import { problemsError, validateDocument } from './validate';
import { ConfigDocument } from './schema';

export const CONFIG_FILE_NAME = 'phoenix_vm_configs.json';
/** Where Phoenix Hypervisor installs the file. */
export const SYSTEM_CONFIG_PATH = '/usr/local/phoenix_hypervisor/etc/phoenix_vm_configs.json';
const POINT_AT_ONE = 'pass --config <path> or set PHOENIX_CONFIG to the phoenix_vm_configs.json to use';

/**
 * Which config file to use: `--config`, else PHOENIX_CONFIG, else ./phoenix_vm_configs.json,
 * else the Phoenix Hypervisor install path. Throws a ConfigError naming where it looked when the
 * chosen file does not exist, so "file not found" never hides which rule picked the path.
 */
export function findConfigPath(flag?: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const explicit: Array<[string | undefined, string]> = [
    [flag, '--config'],
    [env.PHOENIX_CONFIG, 'PHOENIX_CONFIG'],
  ];
  for (const [value, source] of explicit) {
    if (value === undefined || value === '') continue;
    const chosen = nodePath.resolve(cwd, value);
    if (!existsSync(chosen)) {
      throw new ConfigError(`config file not found: ${chosen} (from ${source})`, { code: 'CONFIG_NOT_FOUND', hint: POINT_AT_ONE });
    }
    return chosen;
  }
  const local = nodePath.resolve(cwd, CONFIG_FILE_NAME);
  if (existsSync(local)) return local;
  if (existsSync(SYSTEM_CONFIG_PATH)) return SYSTEM_CONFIG_PATH;
  throw new ConfigError(`no config file found: looked for ${local} and ${SYSTEM_CONFIG_PATH}`, {
    code: 'CONFIG_NOT_FOUND',
    hint: POINT_AT_ONE,
  });
}

/** The path as users should see it in messages: relative when under the cwd, like compilers print. */
export function displayPath(absolute: string, cwd: string = process.cwd()): string {
  const relative = nodePath.relative(cwd, absolute);
  return relative !== '' && !relative.startsWith('..') && !nodePath.isAbsolute(relative) ? relative : absolute;
}

function lineAndColumn(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return [line, offset - before.lastIndexOf('\n')];
}

const SYNTAX_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'invalid symbol',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected content after the end of the document',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  InvalidCharacter: 'invalid character in a string',
};

function syntaxLines(file: string, text: string, errors: ParseError[]): string[] {
  return errors.map((error) => {
    const [line, column] = lineAndColumn(text, error.offset);
    const name = printParseErrorCode(error.error);
    return `${file}:${line}:${column}: syntax error: ${SYNTAX_MESSAGES[name] ?? name}`;
  });
}

const PHOENIX_TOP_KEYS = new Set(['portainer', 'environments', 'stacks', 'vms']);
const PHOENIX_VM_KEYS = new Set([
  'vmid',
  'name',
  'portainer_role',
  'portainer_environment_name',
  'portainer_endpoint_id',
  'portainer_agent_hostname',
  'portainer_agent_port',
  'environment',
  'docker_stacks',
]);

/** Whether keys of the object at `path` are phoenix's (so a repeated key is a problem), and which. */
function ownedKeys(path: PathSegment[]): ((key: string) => boolean) | undefined {
  if (path.length === 0) return (key) => PHOENIX_TOP_KEYS.has(key);
  if (path[0] === 'vms') {
    if (path.length === 2) return (key) => PHOENIX_VM_KEYS.has(key);
    return path[2] === 'docker_stacks' ? () => true : undefined;
  }
  return PHOENIX_TOP_KEYS.has(String(path[0])) ? () => true : undefined;
}

/** JSON lets a key repeat and keeps the last; in phoenix's blocks that silently drops a stack. */
function duplicateKeyProblems(node: Node, path: PathSegment[] = []): Problem[] {
  const problems: Problem[] = [];
  if (node.type === 'array') {
    node.children?.forEach((child, i) => problems.push(...duplicateKeyProblems(child, [...path, i])));
  }
  if (node.type !== 'object') return problems;
  const owned = ownedKeys(path);
  const seen = new Set<string>();
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (keyNode === undefined || typeof keyNode.value !== 'string') continue;
    const key = keyNode.value;
    if (owned?.(key) && seen.has(key)) {
      problems.push({ path: [...path, key], message: `duplicate key "${key}" (JSON keeps only the last one)` });
    }
    if (owned?.(key) && key === '__proto__') {
      // Reading JSON into a JavaScript object turns this key into the object's prototype: the
      // entry (an env variable, a stack) would vanish without a word.
      problems.push({ path: [...path, key], message: 'the key "__proto__" cannot be used: it would be dropped silently when the file is read; rename it' });
    }
    seen.add(key);
    if (valueNode !== undefined && (owned === undefined ? false : owned(key))) {
      problems.push(...duplicateKeyProblems(valueNode, [...path, key]));
    }
  }
  return problems;
}

/** The offset of the deepest existing node on the problem's path, for document order. */
function offsetOf(root: Node, problem: Problem): number {
  for (let length = problem.path.length; length > 0; length--) {
    const node = findNodeAtLocation(root, problem.path.slice(0, length));
    if (node !== undefined) return node.parent?.type === 'property' ? node.parent.offset : node.offset;
  }
  return 0;
}

function portainerSettings(document: ConfigDocument, dir: string): PortainerSettings {
  const block = document.portainer ?? {};
  const absolute = (value: string | undefined) => (value === undefined ? undefined : nodePath.resolve(dir, value));
  return {
    url: block.url,
    caFile: absolute(block.ca_file),
    insecure: block.insecure_skip_tls_verify ?? false,
    tokenFile: absolute(block.token_file),
    secretsDir: absolute(block.secrets_dir),
    ...(block.agent_tls_skip_verify === undefined ? {} : { agentTlsSkipVerify: block.agent_tls_skip_verify }),
    ...(block.agent_tls_skip_client_verify === undefined ? {} : { agentTlsSkipClientVerify: block.agent_tls_skip_client_verify }),
    ...(block.agent_group_id === undefined ? {} : { agentGroupId: block.agent_group_id }),
  };
}

/** Parses JSONC text and validates it; `file` is the name used in every message. */
export function parseConfigText(text: string, file: string): { data: unknown; document: ConfigDocument } {
  if (text.trim() === '') throw problemsError(file, [`${file}:1:1: syntax error: the file is empty`]);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0 || root === undefined) {
    const lines = errors.length > 0 ? syntaxLines(file, text, errors) : [`${file}:1:1: syntax error: the file is empty`];
    throw problemsError(file, lines);
  }
  const data: unknown = getNodeValue(root);
  const document = validateDocument(data, file, duplicateKeyProblems(root), (problem) => offsetOf(root, problem));
  return { data, document };
}

/**
 * Reads and validates the config file. Throws one ConfigError (exit 65) listing every problem
 * as `file: path: message`; nothing downstream has to re-check the shape.
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  const absolute = nodePath.resolve(path);
  const file = displayPath(absolute);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const why = readFailure(error);
    throw new ConfigError(`cannot read config file ${absolute}: ${why}`, { code: 'CONFIG_NOT_FOUND', hint: POINT_AT_ONE, cause: error });
  }
  const { data, document } = parseConfigText(text.replace(/^\uFEFF/, ''), file);
  const dir = nodePath.dirname(absolute);
  const environments: LoadedConfig['environments'] = {};
  for (const [name, settings] of Object.entries(document.environments ?? {})) {
    environments[name] = { protected: settings.protected ?? false };
  }
  return { path: absolute, dir, portainer: portainerSettings(document, dir), environments, data };
}
