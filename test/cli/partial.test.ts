/**
 * Partial failure, end to end: one failing deploy does not stop the independent ones; the
 * result names each action as done or failed (with Portainer's message); exit 1; a rerun
 * once the cause is gone finishes the job and touches nothing that was already done.
 */
import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { runCli, writeConfig } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
const VM = 4713;
let sim: Simulator;
afterEach(async () => {
  await sim.stop();
});

const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;

it('one failed create does not stop the others; exit 1; the rerun finishes the job', async () => {
  sim = await startSimulator({ endpoints: [{ id: 3, name: 'partvm', type: 2 }], faults: { failDeployFor: ['bravo'] } });
  const config = writeConfig(
    { alpha: { compose: compose('a') }, bravo: { compose: compose('b') }, charlie: { compose: compose('c') } },
    [{ vmid: VM, name: 'partvm', portainer_environment_name: 'partvm', docker_stacks: ['alpha', 'bravo', 'charlie'] }],
  );
  const run = () => runCli(['portainer', String(VM), 'converge', '--yes', '--config', config, '--url', sim.url], { env: { PORTAINER_API_KEY: TOKEN } });

  const first = await run();
  expect(first.exitCode).toBe(1);
  expect(first.stdout).toContain('done   create alpha');
  expect(first.stdout).toMatch(/FAILED create bravo: Portainer answered 500 to POST \/api\/stacks\/create\/standalone\/string\?endpointId=3: Failed to deploy a stack: compose up operation failed: Error response from daemon: simulated deploy failure for stack 'bravo'/);
  expect(first.stdout).toContain('done   create charlie');
  expect(first.stdout).toContain('Apply: 2 done, 1 failed, 0 not attempted.');
  expect(first.stdout).toContain('Run the same converge again to finish');
  expect(sim.stacks().map((s) => s.name).sort()).toEqual(['alpha', 'charlie']);
  expect(sim.writes().filter((w) => w.method === 'POST')).toHaveLength(3); // a 500 is a definite failure: not resent

  sim.setFaults({});
  const writesBefore = sim.writes().length;
  const second = await run();
  expect(second.exitCode).toBe(0);
  expect(second.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete, 2 unchanged.');
  expect(second.stdout).toContain('Apply: 1 done, 0 failed, 0 not attempted.');
  expect(sim.writes().slice(writesBefore).map((w) => `${w.method} ${(w.body as { Name?: string }).Name}`)).toEqual(['POST bravo']);
  expect(sim.stacks().map((s) => s.name).sort()).toEqual(['alpha', 'bravo', 'charlie']);
});
