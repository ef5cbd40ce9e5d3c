import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

import { LockError } from '../errors';

const STALE_MS = 10_000;

export interface LockHolder {
  pid: number;
  startedAt: string;
  command: string;
}

export interface VmLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to wait for a held lock; 0 fails at once (exit 75). */
  waitMs: number;
  /** Lock directory; by default /run/phoenix when writable, else a user runtime or temp dir. */
  dir?: string;
  command?: string;
  sleep?: (ms: number) => Promise<void>;
}

/** Where locks live: PHOENIX_LOCK_DIR, else /run/phoenix (root on the hypervisor), else $XDG_RUNTIME_DIR, else tmp. */
export function lockDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.PHOENIX_LOCK_DIR || undefined, '/run/phoenix', env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'phoenix') : undefined, join(tmpdir(), `phoenix-${userInfo().uid}`)];
  for (const dir of candidates) {
    if (!dir) continue;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      accessSync(dir, constants.W_OK);
      return dir;
    } catch {
      // not writable here: try the next place
    }
  }
  throw new LockError('no writable directory for the per-VM lock', { hint: 'Make /run/phoenix writable, or set XDG_RUNTIME_DIR.' });
}

/**
 * Two converges of the same VM never interleave (SPEC section 5). The lock is a
 * proper-lockfile lock on `vm-<vmid>`; beside it a small JSON file names the holder, so the
 * second run can say who holds it. A lock left by a killed process is recovered by
 * proper-lockfile once it is stale (its holder refreshes its mtime every 2 s; after 10 s without
 * a refresh it is taken over). When the named holder no longer runs, we wait for that instead of
 * failing at once; taking the lock over by pid alone would race with a new holder.
 */
export async function acquireVmLock(vmid: number, options: LockOptions): Promise<VmLock> {
  const dir = options.dir ?? lockDirectory();
  const target = join(dir, `vm-${vmid}`);
  const holderFile = `${target}.holder.json`;
  writeFileSync(target, '', { flag: 'a', mode: 0o600 });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let deadline = Date.now() + options.waitMs;
  let waitedForDead = false;
  for (;;) {
    try {
      const release = await lockfile.lock(target, { stale: STALE_MS, update: 2_000, realpath: false });
      const holder: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), command: options.command ?? 'converge' };
      writeFileSync(holderFile, JSON.stringify(holder), { mode: 0o600 });
      return {
        release: async () => {
          rmSync(holderFile, { force: true });
          await release().catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = readHolder(holderFile);
      if (holder && !alive(holder.pid) && !waitedForDead) {
        // Killed without releasing: the lock turns stale within STALE_MS, so wait that long once.
        waitedForDead = true;
        deadline = Math.max(deadline, Date.now() + STALE_MS + 1_000);
      }
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
