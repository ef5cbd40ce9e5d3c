/**
 * Signals during apply, end to end. Ctrl-C: the built CLI against a simulator with slow deploys gets
 * SIGINT once the simulator has seen the first write. It must start no new write, let the
 * in-flight one finish, print what was done and what was not attempted, and exit 130.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { ownershipMarker } from '../../src/plan';
import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { baseEnv, lockDir, REPO, writeConfig } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
const VM = 4712;
let sim: Simulator;

afterEach(async () => {
  await sim.stop();
});

it('SIGINT during apply: no write after the signal but the in-flight one, results printed, exit 130', async () => {
  sim = await startSimulator({ endpoints: [{ id: 3, name: 'sigvm', type: 2 }], faults: { deployMs: 1_500 } });
  const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;
  const config = writeConfig({ alpha: { compose: compose('a') }, bravo: { compose: compose('b') }, charlie: { compose: compose('c') } }, [
    { vmid: VM, name: 'sigvm', portainer_environment_name: 'sigvm', docker_stacks: ['alpha', 'bravo', 'charlie'] },
  ]);
  const child = spawn(process.execPath, [join(REPO, 'bin/run.js'), 'portainer', String(VM), 'converge', '--yes', '--concurrency', '1', '--config', config, '--url', sim.url], {
    cwd: REPO,
    env: { ...baseEnv(), PORTAINER_API_KEY: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));

  const deadline = Date.now() + 20_000;
  while (sim.writes().length === 0) {
    if (Date.now() > deadline) throw new Error(`no write seen; phoenix said: ${stdout}${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const signalledAt = Date.now();
  const inFlight = sim.writes()[0];
  expect(inFlight.status).toBe(0); // still deploying when the signal goes
  child.kill('SIGINT');

  expect(await exited).toBe(130);
  expect(sim.writes()).toEqual([inFlight]); // nothing started after the signal
  expect(inFlight.at).toBeLessThan(signalledAt);
  expect(inFlight.status).toBe(200); // the in-flight create was allowed to finish
  expect(sim.stacks().map((s) => s.name)).toEqual(['alpha']);
  expect(stderr).toContain('Interrupted: no new writes start; waiting for the ones in flight...');
  expect(stdout).toContain('done   create alpha');
  expect(stdout).toContain('skipped create bravo: not attempted');
  expect(stdout).toContain('skipped create charlie: not attempted');
  expect(stdout).toContain('Apply: 1 done, 0 failed, 2 not attempted.');
  expect(stdout + stderr).not.toContain(TOKEN);
});

type SimulatorStacks = NonNullable<NonNullable<Parameters<typeof startSimulator>[0]>['stacks']>;

/** The built CLI converging three slow stacks one at a time, with stdout and stderr kept apart. */
async function startConverge(faults: { deployMs?: number; latencyMs?: number }, extra: string[] = [], stacks: SimulatorStacks = []) {
  sim = await startSimulator({ endpoints: [{ id: 3, name: 'sigvm', type: 2 }], faults, stacks });
  const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;
  const config = writeConfig({ alpha: { compose: compose('a') }, bravo: { compose: compose('b') }, charlie: { compose: compose('c') } }, [
    { vmid: VM, name: 'sigvm', portainer_environment_name: 'sigvm', docker_stacks: ['alpha', 'bravo', 'charlie'] },
  ]);
  const child = spawn(process.execPath, [join(REPO, 'bin/run.js'), 'portainer', String(VM), 'converge', '--yes', '--concurrency', '1', '--config', config, '--url', sim.url, ...extra], {
    cwd: REPO,
    env: { ...baseEnv(), PORTAINER_API_KEY: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { child, out, exited };
}

async function firstWrite(out: { stdout: string; stderr: string }) {
  const deadline = Date.now() + 20_000;
  while (sim.writes().length === 0) {
    if (Date.now() > deadline) throw new Error(`no write seen; phoenix said: ${out.stdout}${out.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return sim.writes()[0];
}

/** proper-lockfile's lock of the VM is a directory `vm-<origin hash>-<vmid>.lock` in the lock dir. */
const lockHeld = () => readdirSync(lockDir()).some((name) => new RegExp(`^vm-[0-9a-f]{12}-${VM}\\.lock$`).test(name));

it('SIGTERM during apply (cron, systemd, CI timeout): like SIGINT, one JSON document, lock released, exit 143', async () => {
  const { child, out, exited } = await startConverge({ deployMs: 1_500 }, ['--json']);
  const inFlight = await firstWrite(out);
  expect(inFlight.status).toBe(0);
  expect(lockHeld()).toBe(true);
  child.kill('SIGTERM');

  expect(await exited).toBe(143);
  expect(sim.writes()).toEqual([inFlight]);
  expect(inFlight.status).toBe(200);
  expect(sim.stacks().map((s) => s.name)).toEqual(['alpha']);
  expect(out.stderr).toContain('Interrupted: no new writes start; waiting for the ones in flight... (SIGTERM; send it again to exit at once)');
  const doc = JSON.parse(out.stdout); // exactly one JSON document on stdout
  expect(doc).toMatchObject({ ok: false, exitCode: 143, command: 'portainer:converge', result: { applied: true } });
  expect(doc.result.vms[0].results.map((r: { stack: string; outcome: string }) => `${r.stack} ${r.outcome}`)).toEqual(['alpha done', 'bravo not-attempted', 'charlie not-attempted']);
  expect(lockHeld()).toBe(false);
  expect(out.stdout + out.stderr).not.toContain(TOKEN);
});

it('a second signal while writes are in flight exits at once, warns what may still land, releases the lock', async () => {
  const { child, out, exited } = await startConverge({ deployMs: 4_000 });
  await firstWrite(out);
  child.kill('SIGINT');
  const waiting = Date.now() + 5_000;
  while (!out.stderr.includes('waiting for the ones in flight')) {
    if (Date.now() > waiting) throw new Error(`no interrupt notice; phoenix said: ${out.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const secondAt = Date.now();
  child.kill('SIGTERM');

  expect(await exited).toBe(143);
  expect(Date.now() - secondAt).toBeLessThan(2_000); // did not wait for the 4 s deploy
  expect(sim.writes()).toHaveLength(1);
  expect(out.stderr).toContain('Error: SIGTERM again: exiting without waiting; writes still in flight');
  expect(out.stderr).toContain('phoenix portainer <vmid> status');
  expect(out.stderr).not.toContain('internal error');
  expect(lockHeld()).toBe(false);
  // The abandoned create still lands in Portainer: what the warning says may happen.
  const landed = Date.now() + 10_000;
  while (sim.writes()[0].status === 0 && Date.now() < landed) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(sim.writes()[0].status).toBe(200);
});

it('SIGTERM before any write (while planning): exits 143 at once with one JSON error document, nothing written, lock released', async () => {
  // The lock is taken once the stacks list is read; the files of the three live stacks are read
  // after it (one at a time, 1.5 s each), so the signal lands while the plan is still being made.
  const live = ['alpha', 'bravo', 'charlie'].map((name) => ({ name, endpointId: 3, composeText: `${ownershipMarker(VM)}\nservices:\n  app:\n    image: old\n` }));
  const { child, out, exited } = await startConverge({ latencyMs: 1_500 }, ['--json'], live);
  const deadline = Date.now() + 10_000;
  while (!lockHeld()) {
    if (Date.now() > deadline) throw new Error(`lock never taken; phoenix said: ${out.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  child.kill('SIGTERM');

  expect(await exited).toBe(143);
  expect(sim.writes()).toEqual([]);
  const doc = JSON.parse(out.stdout);
  expect(doc).toMatchObject({ ok: false, exitCode: 143, error: { code: 'INTERRUPTED', message: 'SIGTERM: exiting; no write to Portainer was in progress' } });
  expect(lockHeld()).toBe(false);
});
