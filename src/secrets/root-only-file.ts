import { lstat, realpath, stat } from 'node:fs/promises';

import { AuthError } from '../errors';
import type { ErrorCode } from '../errors';

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
  codePrefix: 'TOKEN_FILE' | 'SECRET_FILE';
  /** The command that writes a good file, for the hint of an unfixable case. */
  storeCommand: string;
}

/**
 * Check that a file holding a credential is one only its owner can read or write, as ssh does
 * for keys (README.md#the-token-and-secrets), and return the path to read. Decisions, each tested:
 * - a symlink is followed only when the link itself is owned by root or the running user
 *   (anyone who may write the directory could plant one to any root-only file), and the checks
 *   then apply to the file it points to (as ssh does);
 * - a directory, a device or a FIFO is refused;
 * - the owner must be root or the running user, with no group or other permission bits;
 *   the hint is the exact chown or chmod that fixes it.
 */
export async function checkRootOnlyFile(path: string, me: FileIdentity, kind: FileKind): Promise<string> {
  let target = path;
  try {
    const link = await lstat(path);
    if (link.isSymbolicLink()) {
      if (!ownedByRootOrMe(link.uid, me)) {
        throw new AuthError(`${kind.label} ${path} is a symbolic link owned by uid ${link.uid}, not by root or by you; it is not followed`, {
          code: `${kind.codePrefix}_UNSAFE`,
          hint: `Check where it points (ls -l ${path}); if it is yours, fix it with: chown -h ${me.userName} ${path}; else remove it and store the value again: ${kind.storeCommand}`,
        });
      }
      target = await realpath(path);
    }
  } catch (error) {
    if (error instanceof AuthError) throw error;
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
  if (!ownedByRootOrMe(info.uid, me)) {
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

export function ownedByRootOrMe(uid: number, me: FileIdentity): boolean {
  return uid === 0 || uid === me.uid;
}

/**
 * Check a directory that holds credential files (the secrets directory), as ssh's StrictModes
 * does: owned by root or the running user, and no group or other write bit (whoever may write
 * it may replace or plant a file, or a symlink to any root-only file). A symlink to a directory
 * is followed under the same rule as a file's link. A directory that does not exist passes:
 * there is nothing in it to trust, and each lookup then says the value is not stored.
 */
export async function checkPrivateDirectory(path: string, me: FileIdentity, label: string, code: ErrorCode): Promise<void> {
  let info;
  try {
    const link = await lstat(path);
    if (link.isSymbolicLink() && !ownedByRootOrMe(link.uid, me)) {
      throw new AuthError(`${label} ${path} is a symbolic link owned by uid ${link.uid}, not by root or by you; it is not followed`, {
        code,
        hint: `Check where it points (ls -l ${path}); if it is yours, fix it with: chown -h ${me.userName} ${path}`,
      });
    }
    info = await stat(path);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new AuthError(`cannot read ${label} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { code, cause: error });
  }
  if (!info.isDirectory()) throw new AuthError(`${label} ${path} is not a directory`, { code, hint: `Point it at a directory only you can write (mkdir -m 700 ...).` });
  if (!ownedByRootOrMe(info.uid, me)) {
    throw new AuthError(`${label} ${path} is owned by uid ${info.uid}, not by root or by you`, { code, hint: `Fix it with: chown ${me.userName} ${path}` });
  }
  if ((info.mode & 0o022) !== 0) {
    throw new AuthError(`${label} ${path} is writable by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`, {
      code,
      hint: `Fix it with: chmod go-w ${path} (or chmod 700 ${path})`,
    });
  }
}
