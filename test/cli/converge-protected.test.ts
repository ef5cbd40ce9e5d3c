/**
 * `protected: true` on an environment guards converge too: a multi-VM converge plans a VM of a
 * protected environment but applies it only when the run names that environment (`--env prod`),
 * converges that VM alone (`phoenix portainer <vmid> converge`), or passes --include-protected.
 * `--all --yes` lists it as "protected: not applied", says how to apply it, and exits 0
 * (2 with --detailed-exitcode: changes are pending).
 */
import type { Simulator } from '../../simulator/src';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

beforeEach(async () => {
  // writeConfig (under fixture.start) declares environments dev, test and prod (protected).
  cli = await fixture.start(
    {
      endpoints: [
        { id: 3, name: 'testbox', type: 2 },
        { id: 4, name: 'prodbox', type: 2 },
      ],
    },
    {
      stacks: { web: { compose: 'services:\n  web:\n    image: nginx\n' } },
      vms: [
        { vmid: 4901, name: 'testbox', portainer_environment_name: 'testbox', environment: 'test', docker_stacks: ['web'] },
        { vmid: 4902, name: 'prodbox', portainer_environment_name: 'prodbox', environment: 'prod', docker_stacks: ['web'] },
      ],
    },
  );
  ({ sim } = cli);
});

const run = (...args: string[]) => cli.run(args);
const endpointsWritten = () => [...new Set(sim.stacks().map((s) => s.endpointId))].sort();

describe('protected environments in converge', () => {
  it('--all --yes applies the test VM, plans but does not apply the prod VM, says how, exits 0', async () => {
    const result = await run('converge', '--all', '--yes');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^4901 +testbox +test .*applied$/m);
    expect(result.stdout).toMatch(/^4902 +prodbox +prod +1 .*protected: not applied$/m);
    expect(result.stderr).toContain(
      'Not applied: VM 4902 (prodbox) writes to protected environment "prod", which this run does not name. To apply it: --env prod, or phoenix portainer 4902 converge, or add --include-protected.',
    );
    expect(result.stderr).not.toContain('Nothing to do');
    expect(endpointsWritten()).toEqual([3]);
  });

  it('--detailed-exitcode: the pending prod changes make it 2', async () => {
    const result = await run('converge', '--all', '--yes', '--detailed-exitcode');
    expect(result.exitCode).toBe(2);
    expect(endpointsWritten()).toEqual([3]);
  });

  it('--json: the prod VM has outcome "protected", its plan, and no results', async () => {
    const result = await run('converge', '--all', '--yes', '--json');
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as { result: { vms: { vm: { vmid: number }; outcome: string; results: unknown; plan: { summary: { create: number } } }[] } };
    const prod = doc.result.vms.find((vm) => vm.vm.vmid === 4902);
    expect(prod).toMatchObject({ outcome: 'protected', results: null, plan: { summary: { create: 1 } } });
    expect(result.stderr).toContain('Not applied: VM 4902');
  });

  it('--env prod names it: applied', async () => {
    const result = await run('converge', '--env', 'prod', '--yes');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('Not applied');
    expect(endpointsWritten()).toEqual([4]);
  });

  it('--all --include-protected applies both', async () => {
    const result = await run('converge', '--all', '--yes', '--include-protected');
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('Not applied');
    expect(endpointsWritten()).toEqual([3, 4]);
  });

  it('a single-VM converge of the prod VM names it: applied', async () => {
    const result = await run('4902', 'converge', '--yes');
    expect(result.exitCode).toBe(0);
    expect(endpointsWritten()).toEqual([4]);
  });

  it('plan --all writes nothing anyway: the prod VM is "changes planned", no protected note', async () => {
    const result = await run('plan', '--all');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^4902 +prodbox +prod .*changes planned$/m);
    expect(result.stderr).not.toContain('Not applied');
    expect(sim.writes()).toEqual([]);
  });
});
