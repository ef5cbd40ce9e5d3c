import { lstat, readFile, realpath, stat } from 'node:fs/promises';

import { AuthError } from '../errors';

export const DEFAULT_TOKEN_FILE = '/etc/phoenix/portainer-api-key';

export interface FileIdentity {
  uid: number;
  /** The user's name for the chown hint; falls back to the uid. */
  userName: string;
}

/**
 * Read the token from a root-only file, refusing anything another user could read or write,
 * as ssh does for keys (SPEC section 6). Decisions, each tested:
 * - a symlink is followed, and the checks apply to the file it points to (as ssh does);
 * - a directory, a device or a FIFO is refused;
 * - the owner must be root or the running user, with no group or other permission bits;
 * - one trailing newline (and surrounding spaces) is trimmed, since `echo ... > file` adds it;
 *   whitespace inside the token, or an empty file, is refused.
 */
export async function readTokenFile(path: string, me: FileIdentity): Promise<string> {
  let target = path;
  try {
    const link = await lstat(path);
    if (link.isSymbolicLink()) target = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AuthError(`token file ${path} does not exist`, { code: 'TOKEN_FILE_MISSING', cause: error });
    }
    throw new AuthError(`cannot read token file ${path}: ${(error as Error).message}`, { code: 'TOKEN_FILE_UNREADABLE', cause: error });
  }
  const info = await stat(target);
  const shown = target === path ? path : `${path} (-> ${target})`;
  if (!info.isFile()) {
    throw new AuthError(`token file ${shown} is not a regular file`, {
      code: 'TOKEN_FILE_UNSAFE',
      hint: `Put the token in a regular file: phoenix portainer token set --store file`,
    });
  }
  if (info.uid !== 0 && info.uid !== me.uid) {
    throw new AuthError(`token file ${shown} is owned by uid ${info.uid}, not by root or by you`, {
      code: 'TOKEN_FILE_UNSAFE',
      hint: `Fix it with: chown ${me.userName} ${target}`,
    });
  }
  if ((info.mode & 0o077) !== 0) {
    throw new AuthError(`token file ${shown} is readable or writable by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`, {
      code: 'TOKEN_FILE_UNSAFE',
      hint: `Fix it with: chmod 600 ${target}`,
    });
  }
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
