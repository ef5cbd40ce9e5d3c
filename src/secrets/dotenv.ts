/**
 * `./.env` of the current directory, loaded by bin/run.js before anything else. A `.env` is
 * read from wherever phoenix is started, so it is trusted only as far as a credential file:
 * a planted one could set PORTAINER_URL to another server, which would then receive the token.
 *
 * Decisions (docs/reliability.md):
 * - only a regular file, opened without following a symlink (O_NOFOLLOW): a link in the current
 *   directory may point anywhere, and checking its target first would leave a race between the
 *   check and the read; the checks run on the open descriptor (fstat), so what is checked is
 *   what is read;
 * - owned by root or the user running phoenix, with no group or other write bit (others may
 *   read it: it is the token file's rule for writes, not for reads);
 * - variables already set in the environment win over `.env`, as with Node's own loader;
 * - the names it did set are recorded, so `token status` can say the token came from `.env`.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

import { AuthError } from '../errors';
import { ownedByRootOrMe } from './root-only-file';
import type { FileIdentity } from './root-only-file';

export interface DotEnvResult {
  /** Absolute path of the file that was loaded. */
  path: string;
  /** The variables it set (those not already in the environment). */
  keys: string[];
}

let loaded: DotEnvResult | undefined;

/** The `.env` loaded at start-up, if any, and the variables it set. */
export function loadedDotEnv(): DotEnvResult | undefined {
  return loaded;
}

/** Where a variable came from, for messages: `PORTAINER_API_KEY (set by /srv/x/.env)`. */
export function describeVariable(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return env === process.env && loaded?.keys.includes(name) ? `${name} (set by ${loaded.path})` : name;
}

function unsafe(message: string, hint: string): AuthError {
  return new AuthError(message, { code: 'DOTENV_UNSAFE', hint });
}

/**
 * Load `file` (default `./.env`) into `env` when it passes the checks; nothing when it does not
 * exist; an AuthError (exit 77) naming the reason and the fix when it is unsafe.
 */
export function loadDotEnv(file = '.env', env: NodeJS.ProcessEnv = process.env, me: FileIdentity = { uid: userInfo().uid, userName: userInfo().username }): DotEnvResult | undefined {
  const path = resolve(file);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') {
      throw unsafe(
        `${path} is a symbolic link; phoenix does not follow it (a planted .env could point PORTAINER_URL at another server and send it the token)`,
        `Replace the link with a copy of the file: cp --remove-destination "$(readlink -f ${path})" ${path}; or start phoenix from another directory.`,
      );
    }
    throw unsafe(`cannot read ${path}: ${code ?? (error as Error).message}`, `Fix its permissions, or start phoenix from another directory.`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw unsafe(`${path} is not a regular file`, `Remove it, or start phoenix from another directory.`);
    if (!ownedByRootOrMe(info.uid, me)) {
      throw unsafe(
        `${path} is owned by uid ${info.uid}, not by root or by you (a planted .env could point PORTAINER_URL at another server and send it the token)`,
        `If you trust its content, fix it with: chown ${me.userName} ${path}; else remove it.`,
      );
    }
    if ((info.mode & 0o022) !== 0) {
      throw unsafe(`${path} is writable by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}); anyone who can write it can send the token elsewhere`, `Fix it with: chmod go-w ${path}`);
    }
    const parsed = parseEnv(readFileSync(fd, 'utf8'));
    const keys: string[] = [];
    for (const [key, value] of Object.entries(parsed)) {
      if (env[key] !== undefined) continue; // the environment wins
      env[key] = value;
      keys.push(key);
    }
    loaded = { path, keys };
    return loaded;
  } finally {
    closeSync(fd);
  }
}
