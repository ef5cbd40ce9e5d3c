import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { acquireVmLock } from '../../src/app/lock';
import { ExitCode, LockError } from '../../src/errors';

const URL_A = 'https://portainer-a.internal:9443';
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'phoenix-lock-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('per-VM lock', () => {
  it('a second converge of the same VM exits 75 at once, naming the holder', async () => {
    const first = await acquireVmLock(1002, { waitMs: 0, dir, portainerUrl: URL_A, command: 'phoenix portainer 1002 converge' });
    const error = await acquireVmLock(1002, { waitMs: 0, dir, portainerUrl: URL_A }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockError);
    expect((error as LockError).exitCode).toBe(ExitCode.LOCKED);
    expect((error as LockError).message).toContain(`pid ${process.pid} (phoenix portainer 1002 converge, started `);
    expect((error as LockError).hint).toContain('--wait-lock');
    await first.release();
    const again = await acquireVmLock(1002, { waitMs: 0, dir, portainerUrl: URL_A });
    await again.release();
  });

  it('locks per VM: another VM is not blocked', async () => {
    const a = await acquireVmLock(1, { waitMs: 0, dir, portainerUrl: URL_A });
    const b = await acquireVmLock(2, { waitMs: 0, dir, portainerUrl: URL_A });
    await Promise.all([a.release(), b.release()]);
  });

  it('--wait-lock waits for the holder to finish', async () => {
    const first = await acquireVmLock(7, { waitMs: 0, dir, portainerUrl: URL_A });
    setTimeout(() => void first.release(), 300);
    const started = Date.now();
    const second = await acquireVmLock(7, { waitMs: 5_000, dir, portainerUrl: URL_A });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await second.release();
  });

  it('recovers a lock left by a killed process', async () => {
    const script = `require(${JSON.stringify(resolve(__dirname, '../../dist/app/lock.js'))}).acquireVmLock(9, { waitMs: 0, portainerUrl: ${JSON.stringify(URL_A)}, dir: ${JSON.stringify(dir)} }).then(() => console.log('locked'))`;
    const child = spawn(process.execPath, ['-e', `${script}; setInterval(() => {}, 1000)`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    child.kill('SIGKILL');
    await new Promise((done) => child.once('exit', done));
    const lock = await acquireVmLock(9, { waitMs: 0, dir, portainerUrl: URL_A });
    await lock.release();
  }, 30_000);
});
