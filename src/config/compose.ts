/**
 * Reading and checking compose text before anything is sent: on Portainer 2.15+ a failed stack
 * update takes the running stack down, so text that is not YAML with a `services` mapping is
 * refused here, with the line of the mistake.
 */
import { readFile } from 'node:fs/promises';
import { Document, isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import { interpolationIssues, parseTemplate, referencedNames } from './compose-spec/interpolation';
import type { InterpolationIssue, Lookup } from './compose-spec/interpolation';
import { composeSchemaProblems } from './compose-spec/schema-check';
import { readFailure } from './errno';
import { formatPath, PathSegment } from './problems';
import type { EnvValue } from './types';

/** Reads a compose file; a missing file is a config problem (exit 65) naming the resolved path. */
export async function readComposeFile(absolutePath: string, where: string): Promise<string> {
  try {
    return await readFile(absolutePath, 'utf8');
  } catch (error) {
    const why = readFailure(error);
    throw new ConfigError(`${where}: compose file ${absolutePath}: ${why}`, { code: 'COMPOSE_NOT_FOUND', cause: error });
  }
}

export interface ComposeProblem {
  message: string;
  /** Where in the compose document, `services.web.ports[0]`, for a Compose Specification problem. */
  path?: string;
  /** 1-based position in the compose text, when the YAML parser gave one. */
  line?: number;
  column?: number;
}

/**
 * The one parse of a compose text. Every text is checked by `composeProblem` and then, when that
 * passed, by `checkCompose`, one right after the other: the last parse is kept for that second
 * call (1,000 texts: 440-540 ms of CPU for both checks, against 570-740 ms when each parsed on its
 * own). One entry only, so no document outlives the next text.
 */
let lastParse: { text: string; document: Document; lines: LineCounter } | undefined;

function parseCompose(text: string): { document: Document; lines: LineCounter } {
  if (lastParse?.text === text) return lastParse;
  const lines = new LineCounter();
  // merge: true so `<<: *defaults` (YAML merge keys, which Compose supports) is merged, not a key.
  lastParse = { text, document: parseDocument(text, { lineCounter: lines, merge: true }), lines };
  return lastParse;
}

/**
 * Undefined when `text` is YAML whose top level has a non-empty `services` mapping; otherwise
 * what is wrong and, for a YAML error, where. The caller says which file or inline block.
 */
export function composeProblem(text: string): ComposeProblem | undefined {
  const { document } = parseCompose(text);
  const error = document.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return { message: `invalid YAML: ${message}`, line: position?.line, column: position?.col };
  }
  const root = document.contents;
  if (!isMap(root)) return { message: 'not a compose file: the top level must be a mapping with "services"' };
  const services = root.get('services', true);
  if (!isMap(services)) {
    return { message: `not a compose file: ${services === undefined ? 'no "services" mapping' : '"services" must be a mapping of service names'}` };
  }
  if (services.items.length === 0) return { message: 'not a compose file: "services" is empty' };
  return undefined;
}

export interface ComposeCheck {
  /** Compose Specification problems (schema and depends_on), in file order, each with its path. */
  spec: ComposeProblem[];
  /** Unset variables, failed `${VAR:?msg}`, invalid `${...}`: what Compose would do wrong or refuse. */
  interpolation: ComposeProblem[];
  /** Env names the file never references, when it does not pass the whole env (`env_file: stack.env`). */
  unusedEnv: string[];
  /**
   * The top-level service names, in file order (undefined without a `services` mapping): what
   * the plan holds the containers that run against, taken from this one parse of the file.
   */
  services?: string[];
}

function lineOf(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** The node at `path`, else the nearest ancestor that exists (a missing key points at its parent). */
function nodeAt(document: Document, path: readonly PathSegment[]): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? document.contents : document.getIn(path.slice(0, n), true);
    if (node !== null && typeof node === 'object' && 'range' in node) return node as Node;
  }
  return undefined;
}

function lookupIn(env: Record<string, EnvValue>): Lookup {
  return (name) => {
    if (!Object.prototype.hasOwnProperty.call(env, name)) return { set: false };
    const value = env[name];
    // A secret's value is read later, from the store; for this check it is set and not empty.
    return { set: true, empty: typeof value === 'string' && value === '' };
  };
}

function usesStackEnv(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return false;
  const services = (data as { services?: unknown }).services;
  if (services === null || typeof services !== 'object') return false;
  const isStackEnv = (entry: unknown) => {
    const path = typeof entry === 'string' ? entry : entry !== null && typeof entry === 'object' ? (entry as { path?: unknown }).path : undefined;
    return typeof path === 'string' && path.replace(/^\.\//, '') === 'stack.env';
  };
  return Object.values(services).some((service) => {
    const envFile: unknown = service !== null && typeof service === 'object' ? (service as { env_file?: unknown }).env_file : undefined;
    return Array.isArray(envFile) ? envFile.some(isStackEnv) : isStackEnv(envFile);
  });
}

function issueMessage(issue: InterpolationIssue): string {
  switch (issue.kind) {
    case 'unset':
      return `${issue.raw} is not set by the stack's env, and Compose would put an empty string there; set ${issue.name} in the stack's env, or give a default: \${${issue.name}:-value}`;
    case 'required':
      return `${issue.raw}: ${issue.name} is required${issue.message === '' ? '' : ` (${issue.message})`} and the stack's env does not set it${issue.raw.includes(':?') ? ' to a non-empty value' : ''}; Compose would refuse the file`;
    case 'invalid':
      return `${issue.raw} is not a valid interpolation (Compose knows \${VAR}, \${VAR:-default}, \${VAR-default}, \${VAR:?error}, \${VAR?error}, \${VAR:+alt}, \${VAR+alt}); write $$ for a literal $`;
  }
}

/**
 * The checks after `composeProblem` passed: the Compose Specification (the pinned schema and
 * depends_on), and interpolation against the stack's resolved env. Interpolation applies to
 * values only, never to keys, as in Compose; comments are not values, so the ownership marker and
 * commented-out lines are never read as references.
 */
export function checkCompose(text: string, env: Record<string, EnvValue>): ComposeCheck {
  const { document, lines } = parseCompose(text);
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // yaml refuses documents whose aliases expand too far (a "billion laughs" file).
    return { spec: [{ message: `cannot be read: ${error instanceof Error ? error.message : String(error)}` }], interpolation: [], unusedEnv: [], ...serviceNames(document) };
  }
  const spec = composeSchemaProblems(data).map((problem): ComposeProblem => {
    const node = nodeAt(document, problem.path);
    const at = node?.range ? lineOf(lines, node.range[0]) : {};
    return { message: problem.message, path: formatPath(problem.path), ...at };
  });
  const lookup = lookupIn(env);
  const interpolation: ComposeProblem[] = [];
  const referenced = new Set<string>();
  const visit = (node: unknown): void => {
    if (isMap(node)) for (const pair of node.items) visit(pair.value);
    else if (isSeq(node)) for (const item of node.items) visit(item);
    else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      const parts = parseTemplate(node.value);
      referencedNames(parts, referenced);
      for (const issue of interpolationIssues(parts, lookup)) {
        const start = node.range?.[0] ?? 0;
        const found = text.indexOf(issue.raw, start);
        const offset = found >= 0 && found < (node.range?.[2] ?? text.length) ? found : start;
        interpolation.push({ message: issueMessage(issue), ...lineOf(lines, offset) });
      }
    }
  };
  visit(document.contents);
  const unusedEnv = usesStackEnv(data)
    ? []
    : Object.keys(env)
        .filter((name) => !referenced.has(name))
        .sort();
  return { spec, interpolation, unusedEnv, ...serviceNames(document) };
}

function serviceNames(document: Document): { services?: string[] } {
  const root = document.contents;
  const services = isMap(root) ? root.get('services', true) : undefined;
  return isMap(services) ? { services: services.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : [])) } : {};
}
