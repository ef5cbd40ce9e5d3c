/**
 * The lock is per Portainer origin and vmid, and lives where PHOENIX_LOCK_DIR says or fails
 * loudly: never a silent fallback, never a directory another user can write to.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { acquireVmLock, lockDirectory, lockName } from '../../src/app/lock';
import { ExitCode, LockError, PhoenixError } from '../../src/errors';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'phoenix-lockkey-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function thrown(work: () => unknown): PhoenixError {
  try {
    work();
  } catch (error) {
    if (error instanceof PhoenixError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('lock key: Portainer origin and vmid', () => {
  it('the same vmid on two Portainers does not block; the same Portainer does (75)', async () => {
    const a = await acquireVmLock(1002, { waitMs: 0, dir, portainerUrl: 'https://a.internal:9443' });
    const b = await acquireVmLock(1002, { waitMs: 0, dir, portainerUrl: 'https://b.internal:9443' });
    const again = await acquireVmLock(1002, { waitMs: 0, dir, portainerUrl: 'https://A.internal:9443/', command: 'phoenix portainer 1002 converge' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(LockError);
    expect((again as LockError).exitCode).toBe(ExitCode.LOCKED);
    expect((again as LockError).message).toMatch(/^VM 1002 is locked by pid \d+ \(converge, started /);
    await Promise.all([a.release(), b.release()]);
  });

  it('the origin is scheme://host:port, lower-cased: path, letter case and an explicit default port do not split it', () => {
    const key = lockName('https://portainer.internal:9443', 7);
    expect(lockName('HTTPS://Portainer.Internal:9443/api/', 7)).toBe(key);
    expect(lockName('https://portainer.internal:9443/some/path', 7)).toBe(key);
    expect(lockName('https://portainer.internal', 7)).toBe(lockName('https://portainer.internal:443', 7));
    expect(lockName('http://portainer.internal:9443', 7)).not.toBe(key);
    expect(lockName('https://portainer.internal:9000', 7)).not.toBe(key);
    expect(lockName('https://portainer.internal:9443', 70)).not.toBe(key);
    expect(key).toMatch(/^vm-[0-9a-f]{12}-7$/);
  });

  it('a symlink planted as the holder file is never followed (77), and the lock is released', async () => {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, `${lockName('https://a.internal', 5)}.holder.json`));
    const error = await acquireVmLock(5, { waitMs: 0, dir, portainerUrl: 'https://a.internal' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.AUTH, code: 'LOCK_DIR_UNSAFE' });
    expect(readdirSync(dir).some((f) => f.endsWith('.lock'))).toBe(false);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });
});

describe('PHOENIX_LOCK_DIR', () => {
  it('is used when it exists, and created (0700) when missing', () => {
    expect(lockDirectory({ PHOENIX_LOCK_DIR: dir })).toBe(dir);
    const fresh = join(dir, 'a', 'b');
    expect(lockDirectory({ PHOENIX_LOCK_DIR: fresh })).toBe(fresh);
  });

  it('naming a file is a usage error (64), not a fallback to /run/phoenix', () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    const error = thrown(() => lockDirectory({ PHOENIX_LOCK_DIR: file }));
    expect(error).toMatchObject({ exitCode: ExitCode.USAGE, code: 'LOCK_DIR_INVALID' });
    expect(error.message).toContain(`PHOENIX_LOCK_DIR=${file} cannot hold the per-VM locks`);
    expect(error.hint).toContain('unset it');
  });

  it('under a file (not creatable) is a usage error (64)', () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(thrown(() => lockDirectory({ PHOENIX_LOCK_DIR: join(file, 'locks') }))).toMatchObject({ exitCode: ExitCode.USAGE, code: 'LOCK_DIR_INVALID' });
  });

  it('a directory other users can write to is refused (77)', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const error = thrown(() => lockDirectory({ PHOENIX_LOCK_DIR: open }));
    expect(error).toMatchObject({ exitCode: ExitCode.AUTH, code: 'LOCK_DIR_UNSAFE' });
    expect(error.message).toContain('other users can write to it (mode 777)');
    expect(error.hint).toContain(`chmod 700 ${open}`);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('a directory owned by another user is refused (77)', () => {
    const theirs = join(dir, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, 65534, 65534);
    expect(thrown(() => lockDirectory({ PHOENIX_LOCK_DIR: theirs }))).toMatchObject({ exitCode: ExitCode.AUTH, code: 'LOCK_DIR_UNSAFE' });
  });

  it('an empty value means "not set": the default places apply', () => {
    expect(() => lockDirectory({ PHOENIX_LOCK_DIR: '', XDG_RUNTIME_DIR: dir })).not.toThrow();
  });
});
