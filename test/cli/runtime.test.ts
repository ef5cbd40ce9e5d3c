/**
 * What runs, end to end over real sockets (built CLI against the simulator): a stopped owned stack
 * is started with one POST and no PUT, and the next run sends nothing; a service down makes status
 * exit 2 and is named in --json, with no write by converge; orphan services stay without --prune
 * and go with it (compose: containers removed, volumes kept; Swarm: the update with Prune), never
 * for a stack phoenix does not own; at an old and a new Portainer version. stdout, stderr and the
 * exit code are asserted separately.
 */
import { ownershipMarker } from '../../src/plan';
import type { SimStackSeed, SimulatorOptions } from '../../simulator/src';
import { runPty } from '../helpers/pty';
import { SIM_TOKEN, useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const TWO = 'services:\n  web:\n    image: nginx:1.27\n  worker:\n    image: busybox:1.36\n';
const ONE = 'services:\n  web:\n    image: nginx:1.27\n';
const owned = (text: string) => `${ownershipMarker(1002)}\n${text}`;

const fixture = useSimulatorCli();

async function setup(seed: SimulatorOptions & { stacks: SimStackSeed[] }, compose: Record<string, string> = { web: TWO }, swarm = false): Promise<SimCli> {
  return fixture.start(
    { endpoints: [{ id: 3, name: 'drphoenix', type: 2, swarm }], faults: { deployMs: 0 }, ...seed },
    {
      stacks: Object.fromEntries(Object.entries(compose).map(([name, text]) => [name, { compose: text }])),
      vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', environment: 'test', docker_stacks: Object.keys(compose) }],
    },
  );
}

const writes = (cli: SimCli) => cli.sim.writes().map((w) => `${w.method} ${w.path}`);
const lineOf = (stdout: string, start: string) =>
  stdout
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith(start));

describe.each(['2.11.1', '2.18.4', '2.21.4', '2.36.0'])('Portainer %s, standalone', (version) => {
  it('a stopped owned stack plans start (>), converge starts it with one POST and no PUT, and the next run sends nothing', async () => {
    const cli = await setup({ version, stacks: [{ name: 'web', endpointId: 3, composeText: owned(TWO), status: 2 }] });
    const shown = await cli.run(['1002', 'plan', '--detailed-exitcode']);
    expect(shown.exitCode).toBe(2);
    expect(lineOf(shown.stdout, '>')).toBe('> web  in sync, but stopped in Portainer: start it');
    expect(shown.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 to start, 0 unchanged.');
    const json = JSON.parse((await cli.run(['1002', 'plan', '--json'])).stdout);
    expect(json.result.vms[0].plan).toMatchObject({ hasChanges: true, summary: { start: 1 }, items: [{ stack: 'web', action: 'start', stackId: 1 }] });

    const status = await cli.run(['1002', 'status', '--detailed-exitcode']);
    expect(status.exitCode).toBe(2);
    expect(status.stdout).toMatch(/> web\s+stopped\s+stopped in Portainer \(converge starts it\)/);

    const converged = await cli.run(['1002', 'converge', '--yes']);
    expect({ exitCode: converged.exitCode, stderr: converged.stderr }).toEqual({ exitCode: 0, stderr: expect.stringContaining('starting web...') });
    expect(converged.stdout).toContain('done   start web');
    expect(writes(cli)).toEqual(['POST /api/stacks/1/start']);
    expect(cli.sim.writes()[0].query).toEqual({ endpointId: '3' });
    expect(cli.sim.stacks()[0].status).toBe(1);

    const again = await cli.run(['1002', 'converge', '--yes', '--detailed-exitcode']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('Nothing to do');
    expect(writes(cli)).toEqual(['POST /api/stacks/1/start']);
  });

  it('an exited service: status exits 2 and names stack and service in --json; plan and converge write nothing', async () => {
    const cli = await setup({ version, stacks: [{ name: 'web', endpointId: 3, composeText: owned(TWO) }], serviceFaults: [{ stack: 'web', service: 'worker', state: 'exited', exitCode: 1 }] });
    const text = await cli.run(['1002', 'status', '--detailed-exitcode']);
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toMatch(/! web\s+services down\s+in sync, but 1\/2 services running/);
    expect(text.stdout).toContain('web: 1/2 services running; worker exited (1)');
    expect(text.stdout).toContain('Status: 1 with services down. 1 out of sync.'); // a count of stacks, not of services
    const json = await cli.run(['1002', 'status', '--json', '--detailed-exitcode']);
    expect(json.exitCode).toBe(2);
    const doc = JSON.parse(json.stdout);
    expect(doc.result.vms[0].stacks).toEqual([
      expect.objectContaining({ stack: 'web', state: 'degraded', runtime: { kind: 'compose', running: 1, total: 2, problems: [{ service: 'worker', problem: 'exited', exitCode: 1 }], orphans: [] } }),
    ]);

    const plan = await cli.run(['1002', 'plan', '--detailed-exitcode']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('= web  in sync');
    expect(plan.stdout).toContain('      web: 1/2 services running; worker exited (1)');
    const converged = await cli.run(['1002', 'converge', '--yes']);
    expect(converged.exitCode).toBe(0);
    expect(writes(cli)).toEqual([]);
  });

  it('an orphan service stays without --prune (named in the plan) and its containers go with it, volumes kept', async () => {
    const cli = await setup({ version, stacks: [{ name: 'web', endpointId: 3, composeText: owned(ONE) }], orphans: [{ endpointId: 3, stack: 'web', service: 'worker' }] }, { web: ONE });
    const plan = await cli.run(['1002', 'plan', '--detailed-exitcode']);
    expect(plan.exitCode).toBe(0);
    expect(lineOf(plan.stdout, '= web')).toBe('= web  in sync, but 1 service no longer in the file still runs (--prune removes it)');
    expect(plan.stdout).toContain('orphan service worker: not in the file, 1 container still running (--prune removes it)');
    expect(writes(cli)).toEqual([]);
    const status = await cli.run(['1002', 'status', '--detailed-exitcode']);
    expect(status.exitCode).toBe(2);
    expect(status.stdout).toMatch(/~ web\s+orphan services/);

    const pruning = await cli.run(['1002', 'plan', '--prune', '--detailed-exitcode']);
    expect(pruning.exitCode).toBe(2);
    expect(pruning.stdout).toContain('- orphan service worker: 1 container removed (--prune), volumes kept');
    expect(pruning.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 orphan service to remove, 1 unchanged.');

    const converged = await cli.run(['1002', 'converge', '--prune', '--yes']);
    expect(converged.exitCode).toBe(0);
    expect(converged.stdout).toContain('done   remove-orphans web');
    expect(writes(cli)).toEqual([expect.stringMatching(/^DELETE \/api\/endpoints\/3\/docker\/containers\/[0-9a-f]+$/)]);
    expect(cli.sim.containerRemovals()).toEqual([expect.objectContaining({ project: 'web', service: 'worker', force: true, removeVolumes: false })]);
    expect(cli.sim.containers(3).map((c) => c.service)).toEqual(['web']);

    const again = await cli.run(['1002', 'converge', '--prune', '--yes', '--detailed-exitcode']);
    expect(again.exitCode).toBe(0);
    expect(writes(cli)).toHaveLength(1);
  });
});

describe.each(['2.18.4', '2.21.4', '2.36.0'])('Portainer %s, Swarm', (version) => {
  it('an orphan service goes through the update with Prune only with --prune; a stopped Swarm stack is started', async () => {
    const cli = await setup(
      {
        version,
        stacks: [
          { name: 'web', endpointId: 3, composeText: owned(ONE), type: 1 },
          { name: 'api', endpointId: 3, composeText: owned(ONE), type: 1, status: 2 },
        ],
        orphans: [{ endpointId: 3, stack: 'web', service: 'worker' }],
      },
      { web: ONE, api: ONE },
      true,
    );
    const plan = await cli.run(['1002', 'plan']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('orphan service worker: not in the file, Swarm service still running (--prune removes it)');
    expect(lineOf(plan.stdout, '> api')).toBe('> api  in sync, but stopped in Portainer: start it');

    const converged = await cli.run(['1002', 'converge', '--prune', '--yes']);
    expect(converged.exitCode).toBe(0);
    expect(writes(cli).sort()).toEqual(['POST /api/stacks/2/start', 'PUT /api/stacks/1']);
    const put = cli.sim.writes().find((w) => w.method === 'PUT');
    expect(put?.body).toMatchObject({ Prune: true, PullImage: false });
    expect(
      cli.sim
        .services(3)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['api_web', 'web_web']);

    const again = await cli.run(['1002', 'converge', '--prune', '--yes', '--detailed-exitcode']);
    expect(again.exitCode).toBe(0);
    expect(writes(cli)).toHaveLength(2);
  });
});

describe('status --detailed-exitcode for each way a service is down', () => {
  it.each([
    ['unhealthy', { state: 'unhealthy' as const }, 'worker unhealthy', { problem: 'unhealthy' }],
    ['restarting', { state: 'restarting' as const, exitCode: 137 }, 'worker restarting (137)', { problem: 'restarting', exitCode: 137 }],
    ['dead', { state: 'dead' as const }, 'worker dead', { problem: 'dead' }],
  ])('%s: exit 2, named in text and --json, and converge writes nothing', async (_title, fault, words, problem) => {
    const cli = await setup({ stacks: [{ name: 'web', endpointId: 3, composeText: owned(TWO) }], serviceFaults: [{ stack: 'web', service: 'worker', ...fault }] });
    const text = await cli.run(['1002', 'status', '--detailed-exitcode']);
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toContain(`web: 1/2 services running; ${words}`);
    const doc = JSON.parse((await cli.run(['1002', 'status', '--json'])).stdout);
    expect(doc.result.vms[0].stacks[0]).toMatchObject({ stack: 'web', state: 'degraded', runtime: { problems: [{ service: 'worker', ...problem }] } });
    expect((await cli.run(['1002', 'converge', '--yes'])).exitCode).toBe(0);
    expect(writes(cli)).toEqual([]);
  });
});

describe('never a container of a stack phoenix does not own', () => {
  it('an adopted stack, a project named web2, and project web on another environment keep their containers with --prune --adopt', async () => {
    const cli = await fixture.start(
      {
        endpoints: [
          { id: 3, name: 'drphoenix', type: 2 },
          { id: 4, name: 'other', type: 2 },
        ],
        faults: { deployMs: 0 },
        stacks: [
          { name: 'web', endpointId: 3, composeText: owned(ONE) },
          { name: 'web2', endpointId: 3, composeText: ONE },
          { name: 'theirs', endpointId: 3, composeText: ONE },
          { name: 'web', endpointId: 4, composeText: owned(ONE) },
        ],
        orphans: [
          { endpointId: 3, stack: 'web2', service: 'worker' },
          { endpointId: 3, stack: 'theirs', service: 'worker' },
          { endpointId: 4, stack: 'web', service: 'worker' },
        ],
      },
      { stacks: { web: { compose: ONE }, theirs: { compose: ONE } }, vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['web', 'theirs'] }] },
    );
    const before = cli.sim.containers().length;
    const plan = await cli.run(['1002', 'plan', '--prune', '--adopt']);
    expect(plan.stdout).toContain('orphan service worker: not in the file, 1 container still running (--prune removes it)');
    expect(plan.stdout).not.toContain('removed (--prune)');
    const converged = await cli.run(['1002', 'converge', '--prune', '--adopt', '--yes']);
    expect(converged.exitCode).toBe(0);
    expect(cli.sim.containerRemovals()).toEqual([]);
    expect(cli.sim.containers()).toHaveLength(before);
    // Only the adoption's update, without Prune.
    expect(writes(cli)).toEqual(['PUT /api/stacks/3']);
    expect(cli.sim.writes()[0].body).toMatchObject({ Prune: false });
  });
});

describe('the confirmation on a terminal', () => {
  it('counts the orphan services --prune removes with the deletes; "no" removes nothing', async () => {
    const cli = await setup({ stacks: [{ name: 'web', endpointId: 3, composeText: owned(ONE) }], orphans: [{ endpointId: 3, stack: 'web', service: 'worker' }] }, { web: ONE });
    const args = ['portainer', '1002', 'converge', '--prune', '--config', cli.config, '--url', cli.sim.url];
    const declined = await runPty(args, { env: { PORTAINER_API_KEY: SIM_TOKEN }, steps: [{ wait: "Only 'yes' is accepted: ", send: 'no\r' }] });
    expect(declined.exitCode).toBe(1);
    expect(declined.terminal).toContain("Apply this plan? 1 orphan service(s) will be DELETED (volumes are kept). Only 'yes' is accepted: ");
    expect(writes(cli)).toEqual([]);
    expect(
      cli.sim
        .containers(3)
        .map((c) => c.service)
        .sort(),
    ).toEqual(['web', 'worker']);
  });
});
