import { readFile } from 'node:fs/promises';

import { AuthError } from '../errors';
import { checkRootOnlyFile } from './root-only-file';
import type { FileIdentity, FileKind } from './root-only-file';

export type { FileIdentity } from './root-only-file';

export const DEFAULT_TOKEN_FILE = '/etc/phoenix/portainer-api-key';

export const TOKEN_FILE_KIND: FileKind = { label: 'token file', codePrefix: 'TOKEN_FILE', storeCommand: 'phoenix portainer token set --store file' };

/** The token file in force: PHOENIX_TOKEN_FILE, then `portainer.token_file`, then the default. */
export function tokenFilePath(env: NodeJS.ProcessEnv, configTokenFile: string | undefined): string {
  return env.PHOENIX_TOKEN_FILE || configTokenFile || DEFAULT_TOKEN_FILE;
}

/**
 * Read the token from a root-only file (checks in `checkRootOnlyFile`: symlink followed and its
 * target checked, regular file only, owner root or you, no group/other bits). Then:
 * - surrounding whitespace (the trailing newline `echo ... > file` adds) is trimmed;
 * - an empty file, or whitespace inside the token, is refused.
 */
export async function readTokenFile(path: string, me: FileIdentity): Promise<string> {
  const target = await checkRootOnlyFile(path, me, TOKEN_FILE_KIND);
  const shown = target === path ? path : `${path} (-> ${target})`;
  const token = (await readFile(target, 'utf8')).trim();
  if (token === '') {
    throw new AuthError(`token file ${shown} is empty`, { code: 'TOKEN_FILE_EMPTY', hint: 'Store a token with: phoenix portainer token set' });
  }
  if (/\s/.test(token)) {
    throw new AuthError(`token file ${shown} holds more than one word; it must hold only the API token`, {
      code: 'TOKEN_FILE_INVALID',
      hint: 'Store the token again with: phoenix portainer token set --store file',
    });
  }
  return token;
}
