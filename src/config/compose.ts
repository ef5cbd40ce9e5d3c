/**
 * Reading and checking compose text before anything is sent: on Portainer 2.15+ a failed stack
 * update takes the running stack down, so text that is not YAML with a `services` mapping is
 * refused here, with the line of the mistake.
 */
import { readFile } from 'node:fs/promises';
import { isMap, parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import { readFailure } from './errno';

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
  /** 1-based position in the compose text, when the YAML parser gave one. */
  line?: number;
  column?: number;
}

/**
 * Undefined when `text` is YAML whose top level has a non-empty `services` mapping; otherwise
 * what is wrong and, for a YAML error, where. The caller says which file or inline block.
 */
export function composeProblem(text: string): ComposeProblem | undefined {
  const document = parseDocument(text);
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
