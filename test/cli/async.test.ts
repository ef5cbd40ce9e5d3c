/**
 * Asynchronous deploys (Portainer 2.39: create and update answer at once with Status 3), end to
 * end: converge polls GET /api/stacks/{id} until Status 1, or fails that action with the
 * deployment message on Status 4 while the other actions go on.
 */
import { ownershipMarker } from '../../src/plan';
import type { Simulator } from '../../simulator/src';
import { useSimulatorCli } from '../helpers/sim-cli';

const VM = 4714;
const fixture = useSimulatorCli();
let sim: Simulator;

const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;

async function setup(failDeployFor: string[] = []) {
  const cli = await fixture.start(
    {
      version: '2.39.0',
      endpoints: [{ id: 3, name: 'asyncvm', type: 2 }],
      stacks: [{ name: 'bravo', endpointId: 3, composeText: `${ownershipMarker(VM)}\n${compose('old')}` }],
      faults: { deployMs: 700, failDeployFor },
    },
    {
      stacks: { alpha: { compose: compose('a') }, bravo: { compose: compose('b') } },
      vms: [{ vmid: VM, name: 'asyncvm', portainer_environment_name: 'asyncvm', docker_stacks: ['alpha', 'bravo'] }],
    },
  );
  ({ sim } = cli);
  return () => cli.run([String(VM), 'converge', '--yes']);
}

it('polls each deploy until Status 1 before reporting it done', async () => {
  const run = await setup();
  const result = await run();
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain('Apply: 2 done, 0 failed, 0 not attempted.');
  expect(sim.stacks().map((s) => [s.name, s.status])).toEqual([
    ['bravo', 1],
    ['alpha', 1],
  ]);
  const polls = sim.requests.filter((r) => r.method === 'GET' && /^\/api\/stacks\/\d+$/.test(r.path));
  expect(polls.length).toBeGreaterThanOrEqual(2); // at least one poll per deploy that answered Status 3
  const lastWrite = Math.max(...sim.writes().map((w) => w.at));
  expect(polls.some((p) => p.at > lastWrite)).toBe(true);
});

it('Status 4 fails that action with the deployment message; the other is done; exit 1', async () => {
  const run = await setup(['alpha']);
  const result = await run();
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toContain(
    "FAILED create alpha: Portainer failed to deploy alpha: Failed to deploy a stack: compose up operation failed: Error response from daemon: simulated deploy failure for stack 'alpha'",
  );
  expect(result.stdout).toContain('done   update bravo');
  expect(result.stdout).toContain('Apply: 1 done, 1 failed, 0 not attempted.');
  expect(sim.stacks().find((s) => s.name === 'alpha')!.status).toBe(4);
});
