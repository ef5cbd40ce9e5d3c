/**
 * Ctrl-C during apply, end to end: the built CLI against a simulator with slow deploys gets
 * SIGINT once the simulator has seen the first write. It must start no new write, let the
 * in-flight one finish, print what was done and what was not attempted, and exit 130.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { startSimulator } from '../../src/simulator';
import type { Simulator } from '../../src/simulator';
import { baseEnv, REPO, writeConfig } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
const VM = 4712;
let sim: Simulator;

afterEach(async () => {
  await sim.stop();
});

it('SIGINT during apply: no write after the signal but the in-flight one, results printed, exit 130', async () => {
  sim = await startSimulator({ endpoints: [{ id: 3, name: 'sigvm', type: 2 }], faults: { deployMs: 1_500 } });
  const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;
  const config = writeConfig(
    { alpha: { compose: compose('a') }, bravo: { compose: compose('b') }, charlie: { compose: compose('c') } },
    [{ vmid: VM, name: 'sigvm', portainer_environment_name: 'sigvm', docker_stacks: ['alpha', 'bravo', 'charlie'] }],
  );
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
