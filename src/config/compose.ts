/**
 * Reading and checking compose text before anything is sent: on Portainer 2.15+ a failed stack
 * update takes the running stack down, so text that is not YAML with a `services` mapping is
 * refused here, with the line of the mistake.
 */
import { readFile } from 'node:fs/promises';
import { isMap, parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import { errnoCode } from './read-text';

/** Reads a compose file; a missing file is a config problem (exit 65) naming the resolved path. */
export async function readComposeFile(absolutePath: string, where: string): Promise<string> {
  try {
    return await readFile(absolutePath, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(error);
    throw new ConfigError(`${where}: compose file ${absolutePath}: ${why}`, { code: 'COMPOSE_NOT_FOUND', cause: error });
  }
}

/**
 * Undefined when `text` is YAML whose top level has a non-empty `services` mapping; otherwise
 * the problem, prefixed with `source` (a path, or `inline compose of stack x`) and the line.
 */
export function composeProblem(text: string, source: string): string | undefined {
  const document = parseDocument(text, { prettyErrors: false });
  const error = document.errors[0];
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const at = position === undefined ? '' : `:${position.line}:${position.col}`;
    const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    return `${source}${at}: invalid YAML: ${message}`;
  }
  const root = document.contents;
  if (!isMap(root)) return `${source}: not a compose file: the top level must be a mapping with "services"`;
  const services = root.get('services', true);
  if (!isMap(services)) {
    return `${source}: not a compose file: ${services === undefined ? 'no "services" mapping' : '"services" must be a mapping of service names'}`;
  }
  if (services.items.length === 0) return `${source}: not a compose file: "services" is empty`;
  return undefined;
}
