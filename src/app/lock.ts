import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

import { AuthError, LockError, UsageError } from '../errors';

const STALE_MS = 10_000;

export interface LockHolder {
  pid: number;
  startedAt: string;
  command: string;
}

export interface VmLock {
  /** True when another run held the lock first: what was read before it may be stale now. */
  waited: boolean;
  release(): Promise<void>;
}

export interface LockOptions {
  /**
   * The Portainer the run writes to: the lock is per Portainer and vmid, so configs for two
   * Portainers whose VMs share vmids do not block each other.
   */
  portainerUrl: string;
  /** How long to wait for a held lock; 0 fails at once (exit 75). */
  waitMs: number;
  /** Lock directory; by default /run/phoenix when writable, else a user runtime or temp dir. */
  dir?: string;
  command?: string;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Where locks live: PHOENIX_LOCK_DIR, else /run/phoenix (root on the hypervisor), else
 * $XDG_RUNTIME_DIR/phoenix, else a per-user directory in tmp. An explicit PHOENIX_LOCK_DIR that
 * cannot be used is an error, never a silent fallback: two runs would then lock in different
 * places and interleave. A directory that another user could write to (or that someone else
 * owns) is refused too: whoever can write there can hold every lock, or plant a symlink where
 * phoenix writes its holder file.
 */
export function lockDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.PHOENIX_LOCK_DIR;
  if (explicit !== undefined && explicit !== '') {
    const problem = unusable(explicit);
    if (problem) throw explicitDirError(explicit, problem);
    return explicit;
  }
  const candidates = ['/run/phoenix', env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'phoenix') : undefined, join(tmpdir(), `phoenix-${userInfo().uid}`)];
  for (const dir of candidates) if (dir && !unusable(dir)) return dir;
  throw new LockError('no writable directory for the per-VM lock', { hint: 'Make /run/phoenix writable, or set PHOENIX_LOCK_DIR (or XDG_RUNTIME_DIR) to a directory only you can write to.' });
}

type DirProblem = { kind: 'not-a-directory' | 'cannot-create' | 'permission' | 'unsafe'; detail: string };

/** Why `dir` cannot hold the locks (created with mode 0700 when missing), or undefined when it can. */
function unusable(dir: string): DirProblem | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'EEXIST' || code === 'ENOTDIR') return { kind: 'not-a-directory', detail: 'it (or a parent of it) is not a directory' };
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return { kind: 'permission', detail: `${code}: it cannot be created` };
    return { kind: 'cannot-create', detail: `${code}: it cannot be created` };
  }
  const stats = statSync(dir);
  if (!stats.isDirectory()) return { kind: 'not-a-directory', detail: 'it is not a directory' };
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return { kind: 'unsafe', detail: `it is owned by uid ${stats.uid}, not by this user (uid ${uid})` };
  if ((stats.mode & 0o022) !== 0) return { kind: 'unsafe', detail: `other users can write to it (mode ${(stats.mode & 0o777).toString(8)})` };
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    return { kind: 'permission', detail: `${(error as NodeJS.ErrnoException).code ?? 'error'}: it is not writable` };
  }
  return undefined;
}

function explicitDirError(dir: string, problem: DirProblem): UsageError | AuthError {
  const message = `PHOENIX_LOCK_DIR=${dir} cannot hold the per-VM locks: ${problem.detail}`;
  if (problem.kind === 'permission' || problem.kind === 'unsafe') {
    return new AuthError(message, {
      code: 'LOCK_DIR_UNSAFE',
      hint: `Use a directory that only this user owns and can write to (chmod 700 ${dir}), or unset PHOENIX_LOCK_DIR to use /run/phoenix.`,
    });
  }
  return new UsageError(message, { code: 'LOCK_DIR_INVALID', hint: 'Point PHOENIX_LOCK_DIR at a directory (it is created when missing), or unset it to use /run/phoenix.' });
}

/** The lock file's name: a short hash of the Portainer origin (scheme://host:port, lower-cased), then the vmid. */
export function lockName(portainerUrl: string, vmid: number): string {
  let origin: string;
  try {
    origin = new URL(portainerUrl).origin.toLowerCase();
  } catch {
    origin = portainerUrl.toLowerCase();
  }
  return `vm-${createHash('sha256').update(origin).digest('hex').slice(0, 12)}-${vmid}`;
}

/** Create (and with `truncate`, rewrite) a file without following a symlink planted in its place. */
function writeNoFollow(path: string, text: string, truncate: boolean): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (truncate ? constants.O_TRUNC : 0), 0o600);
  try {
    if (text !== '') writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** Locks being taken (proper-lockfile has made the directory but not yet registered it) and held. */
const taking = new Set<Promise<unknown>>();
const held = new Set<VmLock>();

/**
 * For a process about to exit on a signal: wait for a lock being taken, then release every lock
 * this process holds. proper-lockfile's exit hook removes only locks it has registered, and it
 * registers one only after a stat that follows the mkdir: an exit in between left the lock behind.
 */
export async function releaseAllVmLocks(): Promise<void> {
  await Promise.allSettled([...taking]);
  await Promise.all([...held].map((lock) => lock.release()));
}

/**
 * Two converges of the same VM never interleave. The lock is a proper-lockfile lock on
 * `vm-<hash of the Portainer origin>-<vmid>` (see lockName); beside it a small JSON file names the holder, so the
 * second run can say who holds it. A lock left by a killed process is recovered by
 * proper-lockfile once it is stale (its holder refreshes its mtime every 2 s; after 10 s without
 * a refresh it is taken over). When the named holder no longer runs, we wait for that instead of
 * failing at once; taking the lock over by pid alone would race with a new holder.
 */
export async function acquireVmLock(vmid: number, options: LockOptions): Promise<VmLock> {
  const dir = options.dir ?? lockDirectory();
  const target = join(dir, lockName(options.portainerUrl, vmid));
  const holderFile = `${target}.holder.json`;
  writeNoFollow(target, '', false);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let deadline = Date.now() + options.waitMs;
  let waitedForDead = false;
  let waited = false;
  for (;;) {
    try {
      const attempt = lockfile.lock(target, { stale: STALE_MS, update: 2_000, realpath: false });
      taking.add(attempt);
      const release = await attempt.finally(() => taking.delete(attempt));
      const holder: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), command: options.command ?? 'converge' };
      try {
        writeNoFollow(holderFile, JSON.stringify(holder), true);
      } catch (error) {
        await release().catch(() => undefined);
        throw new AuthError(`cannot write the lock holder file ${holderFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
          code: 'LOCK_DIR_UNSAFE',
          hint: `Something other than phoenix's holder file is in its place (a symlink is never followed): remove it, and check who can write to ${dir}.`,
        });
      }
      const lock: VmLock = {
        waited,
        release: async () => {
          held.delete(lock);
          rmSync(holderFile, { force: true });
          await release().catch(() => undefined);
        },
      };
      held.add(lock);
      return lock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = readHolder(holderFile);
      if (holder && !alive(holder.pid) && !waitedForDead) {
        // Killed without releasing: the lock turns stale within STALE_MS, so wait that long once.
        waitedForDead = true;
        deadline = Math.max(deadline, Date.now() + STALE_MS + 1_000);
      }
      waited = true;
      if (Date.now() >= deadline) {
        const who = holder ? `pid ${holder.pid} (${holder.command}, started ${holder.startedAt})` : 'another phoenix process';
        throw new LockError(`VM ${vmid} is locked by ${who}`, {
          hint: options.waitMs > 0 ? 'It is still running; try again later or wait longer with --wait-lock.' : 'Wait for it to finish, or pass --wait-lock 5m to wait for it.',
        });
      }
      await sleep(Math.min(500, Math.max(0, deadline - Date.now())));
    }
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, startedAt: String(parsed.startedAt), command: String(parsed.command) } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
