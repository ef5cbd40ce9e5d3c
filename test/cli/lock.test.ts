/**
 * The per-VM lock, end to end: two real `converge` processes of the same VM against a
 * simulator whose deploys are slow. VM 4711 is used by this file only, so parallel test files
 * never meet on the same lock.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { baseEnv, REPO, runCli, writeConfig } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
const VM = 4711;
let sim: Simulator;
let config: string;

beforeEach(async () => {
  sim = await startSimulator({ endpoints: [{ id: 3, name: 'lockvm', type: 2 }], faults: { deployMs: 2_500 } });
  config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx\n' } }, [{ vmid: VM, name: 'lockvm', portainer_environment_name: 'lockvm', docker_stacks: ['web'] }]);
});
const holders: Promise<number>[] = [];
afterEach(async () => {
  await Promise.all(holders.splice(0)); // a failed test must not leave a holder on the lock
  await sim.stop();
});

const args = (...extra: string[]) => ['portainer', String(VM), 'converge', '--yes', '--config', config, '--url', sim.url, ...extra];

/** The first converge, as a process whose pid the test knows. */
function holder() {
  const child = spawn(process.execPath, [join(REPO, 'bin/run.js'), ...args()], {
    cwd: REPO,
    env: { ...baseEnv(), PORTAINER_API_KEY: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  holders.push(done);
  return { pid: child.pid!, done, output: () => out };
}

async function until(condition: () => boolean, what = 'the holder’s first write'): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('a second converge of the same VM exits 75 at once, naming the holder’s pid and start time, and writes nothing', async () => {
  const first = holder();
  await until(() => sim.writes().length === 1); // the holder is mid-deploy, lock held
  const second = await runCli(args(), { env: { PORTAINER_API_KEY: TOKEN } });
  expect(second.exitCode).toBe(75);
  const firstLine = second.stderr.split('\n')[0];
  expect(firstLine).toMatch(new RegExp(`^Error: VM ${VM} is locked by pid ${first.pid} \\(phoenix portainer ${VM} converge, started \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\)$`));
  expect(second.stderr).toContain('--wait-lock');
  expect(sim.writes()).toHaveLength(1); // only the holder's create
  expect(await first.done).toBe(0);
  expect(first.output()).not.toContain(TOKEN);
});

it('with --wait-lock 30s the second converge waits for the holder, then finds nothing to do', async () => {
  const first = holder();
  await until(() => sim.writes().length === 1);
  const second = await runCli(args('--wait-lock', '30s'), { env: { PORTAINER_API_KEY: TOKEN } });
  expect(await first.done).toBe(0);
  expect(second.exitCode).toBe(0);
  expect(second.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.');
  expect(second.stderr).toContain('Nothing to do');
  expect(sim.writes()).toHaveLength(1);
  expect(sim.stacks().map((s) => s.name)).toEqual(['web']);
});
