/**
 * `phoenix portainer status --all / --env`: the status of every selected VM through the same run
 * as plan and converge (one Portainer session), a summary table, and --detailed-exitcode 2 when
 * any VM is out of sync. Never writes.
 */
import { ownershipMarker } from '../../src/plan';
import { convergeResultSchema, statusResultSchema } from '../../src/render';
import type { Simulator } from '../../simulator/src';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const app = (image: string) => `services:\n  app:\n    image: ${image}\n`;

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

/** prod-box (prod) is in sync; test-box (test) has a drifted stack and one phoenix does not own; mgmt declares nothing. */
async function setup() {
  cli = await fixture.start(
    {
      endpoints: [
        { id: 2, name: 'prod-box', type: 2 },
        { id: 3, name: 'test-box', type: 2 },
      ],
      stacks: [
        { name: 'ok', endpointId: 2, composeText: `${ownershipMarker(2001)}\n${app('a:1')}` },
        { name: 'ok', endpointId: 3, composeText: `${ownershipMarker(3001)}\n${app('a:0')}` },
        { name: 'theirs', endpointId: 3, composeText: app('t:1') },
      ],
    },
    {
      stacks: { ok: { compose: app('a:1') }, theirs: { compose: app('t:1') } },
      vms: [
        { vmid: 1001, name: 'mgmt', portainer_environment_name: 'prod-box', docker_stacks: [] },
        { vmid: 2001, name: 'prod-box', portainer_environment_name: 'prod-box', environment: 'prod', docker_stacks: ['ok'] },
        { vmid: 3001, name: 'test-box', portainer_environment_name: 'test-box', environment: 'test', docker_stacks: ['ok', 'theirs'] },
      ],
    },
  );
  ({ sim } = cli);
}

const run = (args: string[]) => cli.run(args);
const writes = () => sim.requests.filter((r) => r.method !== 'GET').length;

describe('phoenix portainer status --all / --env (simulator, real sockets)', () => {
  it('--all: every VM’s status, then a summary table; exit 0, 2 with --detailed-exitcode; one stacks list; never writes', async () => {
    await setup();
    const text = await run(['status', '--all']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('VM 2001 (prod-box), phoenix environment prod, on Portainer environment "prod-box" (id 2)');
    expect(text.stdout).toContain('Status: 1 in sync. Everything is in sync.');
    expect(text.stdout).toContain('Status: 1 drifted, 1 not owned. 2 out of sync.');
    expect(text.stdout).toMatch(/^1001\s+mgmt\s+-\s+.*skipped \(no docker_stacks\)$/m);
    expect(text.stdout).toMatch(/^2001\s+prod-box\s+prod\s+.*in sync$/m);
    expect(text.stdout).toMatch(/^3001\s+test-box\s+test\s+.*out of sync$/m);
    expect(text.stdout).toContain('VMs: 3 selected, 1 with changes, 1 in sync, 1 skipped, 0 with problems.');
    expect(text.stderr).toBe('');
    expect(sim.requests.filter((r) => r.method === 'GET' && r.path === '/api/stacks')).toHaveLength(1);

    const detailed = await run(['status', '--all', '--detailed-exitcode']);
    expect(detailed.exitCode).toBe(2);
    expect(writes()).toBe(0);
  });

  it('--env prod: only that environment’s VMs; in sync, so --detailed-exitcode exits 0', async () => {
    await setup();
    const result = await run(['status', '--env', 'prod', '--detailed-exitcode']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('VM 2001 (prod-box)');
    expect(result.stdout).not.toContain('VM 3001');
    expect(result.stdout).toContain('VMs: 1 selected, 0 with changes, 1 in sync, 0 skipped, 0 with problems.');
  });

  it('--json: one document, the same shape as one VM’s status (result.vms[]), exit 2 with --detailed-exitcode', async () => {
    await setup();
    const result = await run(['status', '--all', '--detailed-exitcode', '--json']);
    expect(result.exitCode).toBe(2);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ schemaVersion: 2, ok: true, exitCode: 2, command: 'portainer:status', result: { selection: { all: true }, inSync: false } });
    const vms = doc.result.vms as Array<{ vm: { vmid: number; phoenixEnvironment: string | null }; portainerEnvironment: { id: number } | null; outcome: string; outOfSync: number | null }>;
    expect(vms.map((v) => [v.vm.vmid, v.vm.phoenixEnvironment, v.portainerEnvironment?.id ?? null, v.outcome, v.outOfSync])).toEqual([
      [1001, null, null, 'skipped', null],
      [2001, 'prod', 2, 'in-sync', 0],
      [3001, 'test', 3, 'out-of-sync', 2],
    ]);
    const one = JSON.parse((await run(['3001', 'status', '--json'])).stdout);
    expect(one.result.selection).toEqual({ vmids: [3001] });
    expect(Object.keys(one.result.vms[0]).sort()).toEqual(Object.keys(doc.result.vms[2]).sort());
  });

  it('the --json results of status, plan and converge match their schemas, for one VM and for many', async () => {
    await setup();
    for (const args of [
      ['status', '--all'],
      ['3001', 'status'],
    ])
      expect(statusResultSchema.safeParse(JSON.parse((await run([...args, '--json'])).stdout).result).error).toBeUndefined();
    for (const args of [
      ['plan', '--all'],
      ['2001', 'plan'],
      ['converge', '--env', 'dev', '--yes'],
      ['3001', 'converge', '--yes'],
    ]) {
      const result = await run([...args, '--json']);
      expect(convergeResultSchema.safeParse(JSON.parse(result.stdout).result).error).toBeUndefined();
    }
  });

  it('usage: a vmid with --all (64), --all with --env (64), an unknown --env (65)', async () => {
    await setup();
    const both = await run(['2001', 'status', '--all']);
    expect(both.exitCode).toBe(64);
    expect(both.stdout).toBe('');
    expect(both.stderr).toContain('--all and --env select the VMs themselves; "2001" is one argument too many');
    expect(both.stderr).toContain('Hint: Drop the vmid to see the status of every selected VM');
    expect((await run(['status', '--all', '--env', 'prod'])).exitCode).toBe(64);
    const unknown = await run(['status', '--env', 'prdo']);
    expect(unknown.exitCode).toBe(65);
    expect(unknown.stderr).toContain('unknown environment "prdo"; did you mean "prod"?');
    const hostile = await run(['status', '--env', 'pr"o\nd']);
    expect(hostile.exitCode).toBe(65);
    expect(hostile.stdout).toBe('');
    expect(hostile.stderr.split('\n')[0]).toBe('Error: unknown environment "pr\\"o\\nd"; did you mean "prod"?');
  });
});
