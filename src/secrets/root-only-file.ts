import { lstat, realpath, stat } from 'node:fs/promises';

import { AuthError } from '../errors';

export interface FileIdentity {
  uid: number;
  /** The user's name for the chown hint; falls back to the uid. */
  userName: string;
}

/** How a kind of root-only file is named in messages and error codes. */
export interface FileKind {
  /** e.g. "token file", "secret file". */
  label: string;
  /** e.g. "TOKEN_FILE", "SECRET_FILE": codes are `${prefix}_MISSING`, `_UNSAFE`, ... */
  codePrefix: string;
  /** The command that writes a good file, for the hint of an unfixable case. */
  storeCommand: string;
}

/**
 * Check that a file holding a credential is one only its owner can read or write, as ssh does
 * for keys (SPEC section 6), and return the path to read. Decisions, each tested:
 * - a symlink is followed, and the checks apply to the file it points to (as ssh does);
 * - a directory, a device or a FIFO is refused;
 * - the owner must be root or the running user, with no group or other permission bits;
 *   the hint is the exact chown or chmod that fixes it.
 */
export async function checkRootOnlyFile(path: string, me: FileIdentity, kind: FileKind): Promise<string> {
  let target = path;
  try {
    const link = await lstat(path);
    if (link.isSymbolicLink()) target = await realpath(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AuthError(`${kind.label} ${path} does not exist`, { code: `${kind.codePrefix}_MISSING`, cause: error, hint: `Store it with: ${kind.storeCommand}` });
    }
    throw new AuthError(`cannot read ${kind.label} ${path}: ${(error as Error).message}`, { code: `${kind.codePrefix}_UNREADABLE`, cause: error });
  }
  const info = await stat(target);
  const shown = target === path ? path : `${path} (-> ${target})`;
  if (!info.isFile()) {
    throw new AuthError(`${kind.label} ${shown} is not a regular file`, {
      code: `${kind.codePrefix}_UNSAFE`,
      hint: `Put it in a regular file: ${kind.storeCommand}`,
    });
  }
  if (info.uid !== 0 && info.uid !== me.uid) {
    throw new AuthError(`${kind.label} ${shown} is owned by uid ${info.uid}, not by root or by you`, {
      code: `${kind.codePrefix}_UNSAFE`,
      hint: `Fix it with: chown ${me.userName} ${target}`,
    });
  }
  if ((info.mode & 0o077) !== 0) {
    throw new AuthError(`${kind.label} ${shown} is readable or writable by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`, {
      code: `${kind.codePrefix}_UNSAFE`,
      hint: `Fix it with: chmod 600 ${target}`,
    });
  }
  return target;
}
