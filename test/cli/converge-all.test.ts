import { ownershipMarker } from '../../src/plan';
import type { Simulator, SimulatorOptions } from '../../simulator/src';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const web = 'services:\n  web:\n    image: nginx:${NGINX_TAG}\n';
const db = 'services:\n  db:\n    image: postgres:16\n';

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

/** Three VMs on three Portainer environments (prod, test, dev) and one VM with no docker_stacks. */
async function setup(seed: SimulatorOptions = {}) {
  cli = await fixture.start(
    {
      endpoints: [
        { id: 1, name: 'local', type: 1 },
        { id: 2, name: 'prod-box', type: 2 },
        { id: 3, name: 'test-box', type: 2 },
        { id: 4, name: 'dev-box', type: 2 },
      ],
      ...seed,
    },
    {
      stacks: {
        web: { compose: web, env: { NGINX_TAG: '1.27' }, environments: { test: { env: { NGINX_TAG: '1.28' } }, dev: { env: { NGINX_TAG: '1.29' } } } },
        db: { compose: db },
      },
      vms: [
        { vmid: 1001, name: 'mgmt', portainer_environment_name: 'local', docker_stacks: [] },
        { vmid: 2001, name: 'prod-box', portainer_environment_name: 'prod-box', environment: 'prod', docker_stacks: ['web', 'db'] },
        { vmid: 3001, name: 'test-box', portainer_environment_name: 'test-box', environment: 'test', docker_stacks: ['web'] },
        { vmid: 4001, name: 'dev-box', portainer_environment_name: 'dev-box', environment: 'dev', docker_stacks: ['web'] },
      ],
    },
  );
  ({ sim } = cli);
}

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => cli.run(args, { env });

const byEndpoint = (id: number) => sim.stacks().filter((s) => s.endpointId === id);

describe('phoenix portainer converge --all / --env (simulator, real sockets)', () => {
  it('converges prod, test and dev in one run, with one version check and one stacks list, and lists the VM without stacks as skipped', async () => {
    await setup();
    const first = await run(['converge', '--all', '--yes', '--include-protected']);
    expect(first.exitCode).toBe(0);
    expect(
      byEndpoint(2)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['db', 'web']);
    expect(byEndpoint(3).map((s) => s.env)).toEqual([[{ name: 'NGINX_TAG', value: '1.28' }]]);
    expect(byEndpoint(4).map((s) => s.env)).toEqual([[{ name: 'NGINX_TAG', value: '1.29' }]]);
    expect(byEndpoint(4)[0].composeText.split('\n')[0]).toBe(ownershipMarker(4001));
    expect(first.stdout).toMatch(/^1001\s+mgmt\s+-\s+-\s+-\s+-\s+-\s+-\s+skipped \(no docker_stacks\)$/m);
    expect(first.stdout).toMatch(/^2001\s+prod-box\s+prod\s+2\s+0\s+0\s+0\s+0\s+applied$/m);
    expect(first.stdout).toMatch(/^3001\s+test-box\s+test\s+1\s+0\s+0\s+0\s+0\s+applied$/m);
    expect(first.stdout).toContain('VMs: 4 selected, 3 applied, 0 with changes, 0 in sync, 1 skipped, 0 with problems.');
    const reads = (path: string) => sim.requests.filter((r) => r.method === 'GET' && r.path === path).length;
    expect(reads('/api/status')).toBe(1);
    expect(reads('/api/endpoints')).toBe(1);
    expect(reads('/api/stacks')).toBe(1);

    const writes = sim.writes().length;
    const second = await run(['converge', '--all', '--yes', '--include-protected', '--detailed-exitcode']);
    expect(second.exitCode).toBe(0);
    expect(second.stderr).toContain('Nothing to do');
    expect(sim.writes().length).toBe(writes);
  });

  it('--env selects the VMs of one environment; plan --env never writes and exits 2 with --detailed-exitcode', async () => {
    await setup();
    const plan = await run(['plan', '--env', 'test', '--detailed-exitcode']);
    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toContain('VM 3001 (test-box)');
    expect(plan.stdout).not.toContain('VM 2001');
    expect(sim.writes()).toEqual([]);
    const converge = await run(['converge', '--env', 'test', '--yes']);
    expect(converge.exitCode).toBe(0);
    expect(sim.stacks().map((s) => s.endpointId)).toEqual([3]);
  });

  it('a conflict on one VM blocks that VM only; the others are applied and the run exits 73', async () => {
    await setup({ stacks: [{ name: 'web', endpointId: 3, composeText: 'services:\n  theirs:\n    image: busybox\n' }] });
    const result = await run(['converge', '--all', '--yes', '--include-protected', '--json']);
    expect(result.exitCode).toBe(73);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ ok: false, exitCode: 73, result: { selection: { all: true }, applied: true } });
    const vms = doc.result.vms as Array<{ vm: { vmid: number }; outcome: string; exitCode: number; results: unknown[] | null }>;
    expect(vms.map((vm) => [vm.vm.vmid, vm.outcome, vm.exitCode])).toEqual([
      [1001, 'skipped', 0],
      [2001, 'applied', 0],
      [3001, 'conflict', 73],
      [4001, 'applied', 0],
    ]);
    expect(byEndpoint(3)[0].composeText).not.toContain('managed-by');
    expect(byEndpoint(2)).toHaveLength(2);
  });

  it('a failing deploy on one VM does not stop the others: exit 1 beats 73', async () => {
    await setup({
      stacks: [{ name: 'web', endpointId: 3, composeText: 'services:\n  theirs:\n    image: busybox\n' }],
      faults: { failDeployFor: ['db'] },
    });
    const result = await run(['converge', '--all', '--yes', '--include-protected']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^2001\s+prod-box.*APPLY FAILED \(exit 1\)$/m);
    expect(result.stdout).toMatch(/^3001\s+test-box.*conflict: nothing written \(exit 73\)$/m);
    expect(result.stdout).toMatch(/^4001\s+dev-box.*applied$/m);
    expect(byEndpoint(4)).toHaveLength(1);
  });

  it('a VM whose Portainer environment is missing fails alone with 65', async () => {
    await setup({
      endpoints: [
        { id: 2, name: 'prod-box', type: 2 },
        { id: 3, name: 'test-box', type: 2 },
      ],
    });
    const result = await run(['converge', '--all', '--yes', '--include-protected']);
    expect(result.exitCode).toBe(65);
    expect(result.stdout).toMatch(/^4001\s+dev-box.*error \(exit 65\)$/m);
    expect(result.stdout).toContain('vm 4001: VM 4001: Portainer has no environment named "dev-box"');
    expect(
      sim
        .stacks()
        .map((s) => s.endpointId)
        .sort(),
    ).toEqual([2, 2, 3]);
  });

  it('one confirmation for all: without --yes and no terminal, nothing is written (64)', async () => {
    await setup();
    const result = await run(['converge', '--all']);
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toContain('VM 2001 (prod-box)');
    expect(result.stdout).toContain('VM 4001 (dev-box)');
    expect(sim.writes()).toEqual([]);
  });

  it('usage errors: --all with a vmid, --all with --env, no vmid at all (64); an unknown --env (65)', async () => {
    await setup();
    expect((await run(['converge', '--all', '2001', '--yes'])).exitCode).toBe(64);
    expect((await run(['2001', 'converge', '--all', '--yes'])).exitCode).toBe(64);
    expect((await run(['converge', '--all', '--env', 'prod'])).exitCode).toBe(64);
    expect((await run(['converge', '--yes'])).exitCode).toBe(64);
    const unknown = await run(['plan', '--env', 'prdo']);
    expect(unknown.exitCode).toBe(65);
    expect(unknown.stderr).toContain('did you mean "prod"');
    expect(sim.writes()).toEqual([]);
  });
});
