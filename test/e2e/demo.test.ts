import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { REPO } from '../helpers/cli';

/** `npm run demo` (after the build) must converge the sample config and then find nothing to do. */
it('the demo converges the sample config, then a second run sends no write', async () => {
  const child = spawn(process.execPath, [join(REPO, 'simulator/dist/demo/demo.js')], { cwd: REPO, env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  expect(code).toBe(0);
  expect(out).toMatch(/~ monitoring +compose and env differ/);
  expect(out).toMatch(/\+ qdrant +not in Portainer/);
  expect(out).toMatch(/= whoami +in sync/);
  expect(out).not.toContain('legacy-nginx  ');
  // uptime-kuma is stopped in Portainer with the right file and env: started, with one request and no PUT.
  expect(out).toMatch(/> uptime-kuma +in sync, but stopped in Portainer: start it/);
  expect(out).toContain('  done   start uptime-kuma');
  // whoami's container exited: shown under the stack, and not redeployed.
  expect(out).toContain('      whoami: 0/1 service running; whoami exited (1)');
  expect(out).toContain('Plan: 1 to create, 1 to update, 0 to delete, 1 to start, 1 unchanged.');
  expect(out).toMatch(/whoami-whoami-1 +Exited \(1\)/);
  expect(out).toContain('Plan: 0 to create, 0 to update, 0 to delete, 4 unchanged.');
  // VM 1003 (dev-box) is onboarded: its agent environment is registered, then its stacks created on it.
  expect(out).toContain('  + environment dev-box (agent at tcp://10.0.0.103:9001)  not in Portainer: converge registers it first');
  expect(out).toContain('Plan: 1 environment to register, 3 to create, 0 to update, 0 to delete, 0 unchanged.');
  expect(out).toContain('  done   register environment dev-box (id 3)');
  expect(out).toContain('Plan: 0 to create, 0 to update, 0 to delete, 3 unchanged.');
  expect(out).toContain('Second run sent 0 write requests. legacy-nginx is still there, untouched.');
  expect(out).not.toContain('ptr_demo_token');
});

/**
 * Run as root on a real hypervisor, the demo's phoenix runs would otherwise take their locks in
 * the host's /run/phoenix (or PHOENIX_LOCK_DIR, or $XDG_RUNTIME_DIR/phoenix), beside real
 * converges. They get a temporary lock directory of their own: an inherited PHOENIX_LOCK_DIR that
 * cannot hold locks (a file) does not stop them, and the inherited XDG_RUNTIME_DIR stays untouched.
 */
it('the demo locks in a directory of its own, never in the host lock directory', async () => {
  const host = mkdtempSync(join(tmpdir(), 'phoenix-demo-host-'));
  const notADir = join(host, 'lock-dir-is-a-file');
  writeFileSync(notADir, '');
  const child = spawn(process.execPath, [join(REPO, 'simulator/dist/demo/demo.js')], {
    cwd: REPO,
    env: { PATH: process.env.PATH, NO_COLOR: '1', PHOENIX_LOCK_DIR: notADir, XDG_RUNTIME_DIR: host },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  expect(out).not.toContain('PHOENIX_LOCK_DIR');
  expect(code).toBe(0);
  expect(out).toContain('Second run sent 0 write requests.');
  expect(existsSync(join(host, 'phoenix'))).toBe(false);
});
