/**
 * Partial failure, end to end: one failing deploy does not stop the independent ones; the
 * result names each action as done or failed (with Portainer's message); exit 1; a rerun
 * once the cause is gone finishes the job and touches nothing that was already done.
 */
import { useSimulatorCli } from '../helpers/sim-cli';

const VM = 4713;
const fixture = useSimulatorCli();

const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;

it('one failed create does not stop the others; exit 1; the rerun finishes the job', async () => {
  const cli = await fixture.start(
    { endpoints: [{ id: 3, name: 'partvm', type: 2 }], faults: { failDeployFor: ['bravo'] } },
    {
      stacks: { alpha: { compose: compose('a') }, bravo: { compose: compose('b') }, charlie: { compose: compose('c') } },
      vms: [{ vmid: VM, name: 'partvm', portainer_environment_name: 'partvm', docker_stacks: ['alpha', 'bravo', 'charlie'] }],
    },
  );
  const { sim } = cli;
  const run = () => cli.run([String(VM), 'converge', '--yes']);

  const first = await run();
  expect(first.exitCode).toBe(1);
  expect(first.stdout).toContain('done   create alpha');
  expect(first.stdout).toMatch(
    /FAILED create bravo: Portainer answered 500 to POST \/api\/stacks\/create\/standalone\/string\?endpointId=3: Failed to deploy a stack: compose up operation failed: Error response from daemon: simulated deploy failure for stack 'bravo'/,
  );
  expect(first.stdout).toContain('done   create charlie');
  expect(first.stdout).toContain('Apply: 2 done, 1 failed, 0 not attempted.');
  expect(first.stdout).toContain('Run the same converge again to finish');
  expect(
    sim
      .stacks()
      .map((s) => s.name)
      .sort(),
  ).toEqual(['alpha', 'charlie']);
  expect(sim.writes().filter((w) => w.method === 'POST')).toHaveLength(3); // a 500 is a definite failure: not resent

  sim.setFaults({});
  const writesBefore = sim.writes().length;
  const second = await run();
  expect(second.exitCode).toBe(0);
  expect(second.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete, 2 unchanged.');
  expect(second.stdout).toContain('Apply: 1 done, 0 failed, 0 not attempted.');
  expect(
    sim
      .writes()
      .slice(writesBefore)
      .map((w) => `${w.method} ${(w.body as { Name?: string }).Name}`),
  ).toEqual(['POST bravo']);
  expect(
    sim
      .stacks()
      .map((s) => s.name)
      .sort(),
  ).toEqual(['alpha', 'bravo', 'charlie']);
});
