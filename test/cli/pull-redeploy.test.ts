/**
 * `converge --pull` / `--redeploy` and `plan --pull` against the simulator over real sockets:
 * every owned declared stack is redeployed even in sync (one PUT each, the pull asked in the
 * body by version), unowned stacks never, and a plain converge afterwards sends nothing.
 * stdout, stderr and the exit code are asserted separately.
 */
import { ownershipMarker } from '../../src/plan';
import type { RequestLogEntry, Simulator, SimulatorOptions } from '../../simulator/src';
import { runPty } from '../helpers/pty';
import { SIM_TOKEN, useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const web = 'services:\n  web:\n    image: nginx:${TAG}\n';
const fresh = 'services:\n  fresh:\n    image: alpine:latest\n';
const db = 'services:\n  db:\n    image: postgres:16\n';
const theirs = 'services:\n  app:\n    image: busybox:latest\n';
const marked = (text: string) => `${ownershipMarker(1002)}\n${text}`;

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

/**
 * VM 1002 on "drphoenix" (id 3) declares web, db and new; web and db are live, owned and in
 * sync; "theirs" is declared by no one and not owned; "legacy" is owned but left the config.
 */
async function setup(seed: SimulatorOptions = {}, declared = ['web', 'db']) {
  cli = await fixture.start(
    {
      endpoints: [{ id: 3, name: 'drphoenix', type: 2 }],
      stacks: [
        { name: 'web', endpointId: 3, composeText: marked(web), env: [{ name: 'TAG', value: 'latest' }] },
        { name: 'db', endpointId: 3, composeText: marked(db) },
        { name: 'theirs', endpointId: 3, composeText: theirs },
        { name: 'legacy', endpointId: 3, composeText: marked(theirs) },
      ],
      ...seed,
    },
    {
      stacks: { web: { compose: web, env: { TAG: 'latest' } }, db: { compose: db }, theirs: { compose: theirs }, fresh: { compose: fresh } },
      vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: declared }],
    },
  );
  sim = cli.sim;
}

const puts = () => sim.writes().filter((w) => w.method === 'PUT');
const idOf = (name: string) => sim.stacks().find((s) => s.name === name)?.id;
const bodyOf = (w: RequestLogEntry) => w.body as Record<string, unknown>;

describe('converge --pull / --redeploy (simulator, real sockets)', () => {
  it('--pull --yes: one PUT per owned declared stack with PullImage, none for unowned or undeclared stacks; a plain converge then sends nothing', async () => {
    await setup();
    const result = await cli.run(['1002', 'converge', '--pull', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/~ db\s+redeploy with image pull \(--pull\)/);
    expect(result.stdout).toMatch(/~ web\s+redeploy with image pull \(--pull\)/);
    expect(result.stdout).toContain('Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.');
    expect(result.stdout).toContain('Apply: 2 done, 0 failed, 0 not attempted.');
    expect(result.stderr).toBe('updating db...\nupdating web...\n');
    const sent = puts();
    expect(sent.map((w) => w.path).sort()).toEqual([`/api/stacks/${idOf('db')}`, `/api/stacks/${idOf('web')}`].sort());
    for (const w of sent) expect(bodyOf(w)).toMatchObject({ PullImage: true, Prune: false });
    for (const w of sent) expect(bodyOf(w)).not.toHaveProperty('RepullImageAndRedeploy');
    // The redeploy sends the stack's own file and env back: nothing about it changes.
    expect(bodyOf(sent.find((w) => w.path === `/api/stacks/${idOf('web')}`)!)).toMatchObject({ StackFileContent: marked(web), Env: [{ name: 'TAG', value: 'latest' }] });
    expect(sim.writes()).toHaveLength(2);
    // What the simulated Portainer 2.21 read from the body: both deploys pulled.
    expect(
      sim
        .deployments()
        .map((d) => [d.stack, d.kind, d.pull, d.outcome])
        .sort(),
    ).toEqual([
      ['db', 'update', true, 'ok'],
      ['web', 'update', true, 'ok'],
    ]);

    const before = sim.writes().length;
    const again = await cli.run(['1002', 'converge', '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged.');
    expect(sim.writes()).toHaveLength(before);
  });

  it('--redeploy --yes: one PUT per owned declared stack, PullImage false', async () => {
    await setup();
    const result = await cli.run(['1002', 'converge', '--redeploy', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/~ web\s+redeploy requested \(--redeploy\)/);
    expect(puts()).toHaveLength(2);
    for (const w of puts()) expect(bodyOf(w)).toMatchObject({ PullImage: false });
    expect(sim.deployments().map((d) => [d.kind, d.pull])).toEqual([
      ['update', false],
      ['update', false],
    ]);
  });

  it('Swarm: the same PUTs, with Prune false and the pull', async () => {
    await setup(
      { endpoints: [{ id: 3, name: 'drphoenix', type: 2, swarm: true }], stacks: [{ name: 'web', endpointId: 3, type: 1, composeText: marked(web), env: [{ name: 'TAG', value: 'latest' }] }] },
      ['web'],
    );
    const result = await cli.run(['1002', 'converge', '--pull', '--yes']);
    expect([result.exitCode, result.stderr]).toEqual([0, 'updating web...\n']);
    expect(puts()).toHaveLength(1);
    expect(bodyOf(puts()[0])).toMatchObject({ PullImage: true, Prune: false });
    expect(sim.deployments().map((d) => [d.stack, d.kind, d.pull, d.prune])).toEqual([['web', 'update', true, false]]);
  });

  it('--pull and --redeploy together mean --pull (the pull implies the redeploy)', async () => {
    await setup();
    const result = await cli.run(['1002', 'converge', '--pull', '--redeploy', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/~ web\s+redeploy with image pull \(--pull\)/);
    expect(puts()).toHaveLength(2);
    for (const w of puts()) expect(bodyOf(w)).toMatchObject({ PullImage: true });
  });

  it('on the newest Portainer the PUT carries RepullImageAndRedeploy too', async () => {
    await setup({ version: '2.36.0' });
    const result = await cli.run(['1002', 'converge', '--pull', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(puts()).toHaveLength(2);
    for (const w of puts()) expect(bodyOf(w)).toMatchObject({ PullImage: true, RepullImageAndRedeploy: true });
  });

  it('--all --pull takes the same path: one PUT per owned declared stack, with the pull', async () => {
    await setup();
    const result = await cli.run(['converge', '--all', '--pull', '--yes', '--json']);
    expect(result.exitCode).toBe(0);
    const doc = JSON.parse(result.stdout) as { result: { vms: { outcome: string; plan: { items: { reason: string; pull?: boolean }[] }; results: { outcome: string }[] }[] } };
    expect(doc.result.vms.map((v) => v.outcome)).toEqual(['applied']);
    expect(doc.result.vms[0].plan.items.every((i) => i.pull === true && i.reason === 'redeploy with image pull (--pull)')).toBe(true);
    expect(doc.result.vms[0].results.map((r) => r.outcome)).toEqual(['done', 'done']);
    expect(puts()).toHaveLength(2);
    for (const w of puts()) expect(bodyOf(w)).toMatchObject({ PullImage: true });
  });

  it('a stack argument redeploys that stack only', async () => {
    await setup();
    const result = await cli.run(['1002', 'converge', 'web', '--pull', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(puts().map((w) => w.path)).toEqual([`/api/stacks/${idOf('web')}`]);
  });

  it('a declared stack phoenix does not own stays a conflict (73): nothing is written, not even the owned redeploys', async () => {
    await setup({}, ['web', 'db', 'theirs']);
    const result = await cli.run(['1002', 'converge', '--pull', '--yes']);
    expect(result.exitCode).toBe(73);
    expect(result.stdout).toMatch(/! theirs\s+exists in Portainer but phoenix does not own it/);
    expect(result.stderr).toMatch(/--adopt/);
    expect(sim.writes()).toEqual([]);
  });

  it('a stack to create is created by the create route, which takes no pull flag, while the others redeploy with it', async () => {
    await setup({}, ['web', 'db', 'fresh']);
    const result = await cli.run(['1002', 'converge', '--pull', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/\+ fresh\s+not in Portainer/);
    expect(result.stdout).toContain('Plan: 1 to create, 2 to update, 0 to delete, 0 unchanged.');
    const posts = sim.writes().filter((w) => w.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(bodyOf(posts[0])).toMatchObject({ Name: 'fresh' });
    expect(bodyOf(posts[0])).not.toHaveProperty('PullImage');
    expect(puts()).toHaveLength(2);
  });
});

describe('the confirmation on a terminal', () => {
  it('counts the redeploys and the pulls; "no" writes nothing, "yes" applies them', async () => {
    await setup({}, ['web', 'db', 'fresh']);
    const args = ['portainer', '1002', 'converge', '--pull', '--config', cli.config, '--url', sim.url];
    const question = "Apply this plan? 2 stack(s) in sync will be redeployed (their containers may be recreated). 2 update(s) pull their images first. Only 'yes' is accepted: ";
    const declined = await runPty(args, { env: { PORTAINER_API_KEY: SIM_TOKEN }, steps: [{ wait: "Only 'yes' is accepted: ", send: 'no\r' }] });
    expect(declined.exitCode).toBe(1);
    expect(declined.terminal).toContain(question);
    expect(sim.writes()).toEqual([]);
    const accepted = await runPty(args, { env: { PORTAINER_API_KEY: SIM_TOKEN }, steps: [{ wait: "Only 'yes' is accepted: ", send: 'yes\r' }] });
    expect(accepted.exitCode).toBe(0);
    expect(accepted.stdout).toContain('Apply: 3 done, 0 failed, 0 not attempted.');
    expect(puts()).toHaveLength(2);
  });
});

describe('plan --pull / --redeploy', () => {
  it('text: the reasons, the summary, exit 0; with --detailed-exitcode exit 2; never a write', async () => {
    await setup();
    const result = await cli.run(['1002', 'plan', '--redeploy']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/~ db\s+redeploy requested \(--redeploy\)/);
    expect(result.stdout).toContain('Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.');
    expect(result.stdout).not.toMatch(/^\s+(---|\+\+\+|env )/m);
    const detailed = await cli.run(['1002', 'plan', '--pull', '--detailed-exitcode']);
    expect(detailed.exitCode).toBe(2);
    const plain = await cli.run(['1002', 'plan', '--detailed-exitcode']);
    expect(plain.exitCode).toBe(0);
    expect(sim.writes()).toEqual([]);
  });

  it('--json: each redeploy is an update with its reason, pull and redeploy flags, and no payload', async () => {
    await setup();
    const result = await cli.run(['1002', 'plan', '--pull', '--json', '--detailed-exitcode']);
    expect(result.exitCode).toBe(2);
    const doc = JSON.parse(result.stdout) as { ok: boolean; exitCode: number; result: { vms: { plan: { hasChanges: boolean; items: Record<string, unknown>[] } }[] } };
    expect([doc.ok, doc.exitCode]).toEqual([true, 2]);
    const items = doc.result.vms[0].plan.items;
    expect(items.map((i) => [i.stack, i.action, i.reason, i.pull, i.redeploy])).toEqual([
      ['db', 'update', 'redeploy with image pull (--pull)', true, true],
      ['web', 'update', 'redeploy with image pull (--pull)', true, true],
    ]);
    expect(result.stdout).not.toContain('StackFileContent');
    expect(result.stdout).not.toContain('"payload"');
  });

  it('--markdown shows the reason in the table', async () => {
    await setup();
    const result = await cli.run(['1002', 'plan', '--redeploy', '--markdown']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('| `~` | `web` | update | redeploy requested (--redeploy) |');
  });
});

describe('--pull on a Portainer that cannot pull (before 2.15.1)', () => {
  it.each(['2.15.0', '2.14.2'])('%s: plan and converge refuse with 64 and a hint, nothing written', async (version) => {
    await setup({ version });
    for (const args of [
      ['1002', 'converge', '--pull', '--yes'],
      ['1002', 'plan', '--pull'],
    ]) {
      const result = await cli.run(args);
      expect(result.exitCode).toBe(64);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`Portainer ${version} cannot pull images on a stack update (that arrived in Portainer 2.15.1); nothing was written`);
      expect(result.stderr).toMatch(/--redeploy/);
    }
    const json = await cli.run(['1002', 'converge', '--pull', '--yes', '--json']);
    expect(json.exitCode).toBe(64);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 64, error: { code: 'PULL_UNSUPPORTED' } });
    // --redeploy works there: a redeploy without the pull is what the operator can ask for.
    const redeploy = await cli.run(['1002', 'converge', '--redeploy', '--yes']);
    expect(redeploy.exitCode).toBe(0);
    expect(puts()).toHaveLength(2);
    expect(sim.writes()).toHaveLength(2);
  });
});
