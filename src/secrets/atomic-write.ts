import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { AuthError } from '../errors';

/** The file operations the writer uses; injectable so a test can fail one midway. */
export interface WriteIo {
  open: typeof fs.open;
  rename: typeof fs.rename;
}

const realIo: WriteIo = { open: fs.open, rename: fs.rename };

/**
 * Write a credential so that no reader ever sees a partial file and no other user ever can read
 * it, not even for a moment: a temp file in the same directory, created exclusively with mode
 * 0600 (never chmod-ed afterwards), written, fsync-ed, then renamed over the target. A missing
 * directory is created with mode 0700. On any failure the temp file is removed and the old file,
 * if any, is untouched. A symlinked target is written through (the link stays a link).
 */
export async function writeFileAtomic(path: string, content: string, io: WriteIo = realIo): Promise<void> {
  const target = await fs.realpath(path).catch(() => path);
  const dir = dirname(target);
  await ensurePrivateDir(dir);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await io.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await io.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw new AuthError(`cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      code: 'SECRET_WRITE_FAILED',
      cause: error,
      hint: `Check that you may write to ${dir} (run as root for /etc/phoenix), or choose another path.`,
    });
  }
  // Make the rename itself durable; a directory that cannot be opened for fsync is not fatal.
  const dirHandle = await fs.open(dir, 'r').catch(() => undefined);
  await dirHandle?.sync().catch(() => undefined);
  await dirHandle?.close();
}

/** Create a missing directory (and parents) with mode 0700; an existing one is left as it is. */
async function ensurePrivateDir(dir: string): Promise<void> {
  const existing = await fs.stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isDirectory()) return;
  if (existing) throw new AuthError(`${dir} is not a directory`, { code: 'SECRET_WRITE_FAILED', hint: 'Choose a file path inside a directory.' });
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode passes through the umask; 0700 is what was promised, whatever the umask.
    await fs.chmod(dir, 0o700);
  } catch (error) {
    throw new AuthError(`cannot create ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      code: 'SECRET_WRITE_FAILED',
      cause: error,
      hint: 'Run as root to create directories under /etc, or choose another path.',
    });
  }
}

/** Remove a stored credential file; false when there was none. */
export async function removeFile(path: string): Promise<boolean> {
  try {
    await fs.unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new AuthError(`cannot remove ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { code: 'SECRET_WRITE_FAILED', cause: error });
  }
}
