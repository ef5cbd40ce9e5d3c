import { writeFileSync } from 'node:fs';

import { ownershipMarker } from '../../src/plan';
import type { Simulator, SimulatorOptions } from '../../simulator/src';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const web = 'services:\n  web:\n    image: nginx:${NGINX_TAG}\n';
const db = 'services:\n  db:\n    image: postgres:16\n';
const cache = 'services:\n  cache:\n    image: redis:7\n';

const fixture = useSimulatorCli();
let sim: Simulator;
let config: string;
let cli: SimCli;

/** VM 1002 on environment "drphoenix": web and db declared; "theirs" lives there unowned. */
async function setup(seed: SimulatorOptions = {}) {
  cli = await fixture.start(
    {
      endpoints: [
        { id: 1, name: 'local', type: 1 },
        { id: 3, name: 'drphoenix', type: 2 },
      ],
      ...seed,
    },
    {
      stacks: { web: { compose: web, env: { NGINX_TAG: '1.27', PORT: '80' }, environments: { test: { env: { PORT: '8080' } } } }, db: { compose: db } },
      vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', environment: 'test', docker_stacks: ['web', 'db'] }],
    },
  );
  ({ sim, config } = cli);
}

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => cli.run(args, { env });

describe('phoenix portainer <vmid> converge (simulator, real sockets)', () => {
  it('creates what is missing, then a second run plans nothing and sends no write', async () => {
    await setup();
    const first = await run(['1002', 'converge', '--yes']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('+ db');
    expect(first.stdout).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged.');
    expect(first.stdout).toContain('Apply: 2 done, 0 failed, 0 not attempted.');
    expect(
      sim
        .stacks()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['db', 'web']);
    const web1 = sim.stacks().find((s) => s.name === 'web')!;
    expect(web1.composeText.split('\n')[0]).toBe(ownershipMarker(1002));
    expect(web1.env).toEqual([
      { name: 'NGINX_TAG', value: '1.27' },
      { name: 'PORT', value: '8080' },
    ]);

    const writesBefore = sim.writes().length;
    const second = await run(['1002', 'converge', '--yes']);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged.');
    expect(second.stderr).toContain('Nothing to do');
    expect(sim.writes().length).toBe(writesBefore);
  });

  it('plan never writes, exits 0 with changes, and 2 with --detailed-exitcode', async () => {
    await setup();
    const plan = await run(['1002', 'plan']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('Plan: 2 to create');
    const detailed = await run(['1002', 'plan', '--detailed-exitcode']);
    expect(detailed.exitCode).toBe(2);
    const dry = await run(['1002', 'converge', '--dry-run', '--yes']);
    expect(dry.exitCode).toBe(0);
    expect(sim.writes()).toEqual([]);
  });

  it('updates drift with the full env and the stack’s own endpointId', async () => {
    await setup({
      stacks: [
        {
          name: 'web',
          endpointId: 3,
          composeText: `${ownershipMarker(1002)}\n${web.replace('${NGINX_TAG}', 'old')}`,
          env: [
            { name: 'NGINX_TAG', value: '1.27' },
            { name: 'PORT', value: '8080' },
            { name: 'EXTRA', value: 'x' },
          ],
        },
      ],
    });
    const result = await run(['1002', 'converge', 'web', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('~ web');
    expect(result.stdout).toContain('-    image: nginx:old');
    expect(result.stdout).toContain('env - EXTRA');
    const put = sim.writes().find((r) => r.method === 'PUT')!;
    expect(put.query.endpointId).toBe('3');
    expect((put.body as { Env: unknown }).Env).toEqual([
      { name: 'NGINX_TAG', value: '1.27' },
      { name: 'PORT', value: '8080' },
    ]);
    expect(sim.writes().filter((r) => r.method !== 'PUT')).toEqual([]); // [stack] limited the run to web
  });

  it('never changes a stack it does not own without --adopt: exit 73, nothing written', async () => {
    await setup({ stacks: [{ name: 'web', endpointId: 3, composeText: 'services:\n  other:\n    image: busybox\n' }] });
    const result = await run(['1002', 'converge', '--yes']);
    expect(result.exitCode).toBe(73);
    expect(result.stdout).toContain('! web');
    expect(result.stderr).toContain('--adopt');
    expect(sim.writes()).toEqual([]);

    const adopted = await run(['1002', 'converge', '--yes', '--adopt']);
    expect(adopted.exitCode).toBe(0);
    expect(
      sim
        .stacks()
        .find((s) => s.name === 'web')!
        .composeText.startsWith(ownershipMarker(1002)),
    ).toBe(true);
  });

  it('--prune deletes only stacks carrying this VM’s marker', async () => {
    await setup({
      stacks: [
        { name: 'old', endpointId: 3, composeText: `${ownershipMarker(1002)}\n${cache}` },
        { name: 'theirs', endpointId: 3, composeText: cache },
        { name: 'elsewhere', endpointId: 1, composeText: `${ownershipMarker(1002)}\n${cache}` },
      ],
    });
    const plain = await run(['1002', 'plan']);
    expect(plain.stdout).not.toContain('? old'); // without --prune the other stacks' files are not even read
    const result = await run(['1002', 'converge', '--prune', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('- old');
    expect(
      sim
        .stacks()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['db', 'elsewhere', 'theirs', 'web']);
  });

  it('accepts `phoenix portainer converge <vmid>` as well', async () => {
    await setup();
    const result = await run(['converge', '1002', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(sim.stacks()).toHaveLength(2);
  });

  it('refuses to apply without --yes when stdin is not a terminal (exit 64)', async () => {
    await setup();
    const result = await run(['1002', 'converge']);
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toContain('Plan: 2 to create');
    expect(result.stderr).toContain('--yes');
    expect(sim.writes()).toEqual([]);
  });

  it('keeps exit codes and prints one JSON document in --json mode', async () => {
    await setup({ stacks: [{ name: 'web', endpointId: 3, composeText: cache }] });
    const result = await run(['1002', 'converge', '--yes', '--json']);
    expect(result.exitCode).toBe(73);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ schemaVersion: 2, ok: false, exitCode: 73, error: { code: 'CONFLICT' } });
    expect(doc.result.vms[0].plan.items.map((i: { action: string }) => i.action)).toEqual(['create', 'conflict']);
    expect(doc.result.vms[0].plan.items[1].conflict).toEqual({ kind: 'unowned', resolution: '--adopt' });
  });

  it('a wrong token gives exit 77 with the token nowhere in the output, even with --debug', async () => {
    await setup();
    const wrong = 'ptr_wrong_token_must_not_leak';
    for (const extra of [[], ['--debug'], ['--json']]) {
      const result = await run(['1002', 'plan', ...extra], { PORTAINER_API_KEY: wrong });
      expect(result.exitCode).toBe(77);
      expect(result.stdout + result.stderr).toMatch(/401|Invalid JWT token/);
    }
    const sent = sim.requests.filter((r) => r.path !== '/api/status');
    expect(sent.every((r) => r.headers['x-api-key'] === '<redacted>' && r.headers.authorization === undefined)).toBe(true);
  });

  it('an invalid config gives exit 65 before any request', async () => {
    await setup();
    writeFileSync(config, JSON.stringify({ stacks: { web: { compse_file: 'x' } }, vms: [{ vmid: 1002, name: 'x', docker_stacks: ['web'] }] }));
    const result = await run(['1002', 'converge', '--yes']);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toContain('did you mean "compose_file"');
    expect(sim.requests).toEqual([]);
  });

  it('an unknown vmid gives exit 65 naming the closest vmid, before any request', async () => {
    await setup();
    const result = await run(['1003', 'plan']);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toContain('1002');
    expect(sim.requests).toEqual([]);
  });

  it.each([
    [['1002', 'converge', '--no-such-flag'], 'Nonexistent flag'],
    [['1002', 'converge', '--prune', 'web'], '--prune cannot be combined'],
    [['abc', 'plan'], undefined],
    [['1002', 'plan', '--timeout', 'soon'], 'not a duration'],
  ])('usage errors exit 64: %j', async (args, text) => {
    await setup();
    const result = await run(args as string[]);
    expect(result.exitCode).toBe(64);
    if (text) expect(result.stderr).toContain(text);
    expect(sim.writes()).toEqual([]);
  });

  it('Portainer unreachable gives exit 69 with what to check', async () => {
    await setup();
    await sim.stop();
    const result = await run(['1002', 'plan']);
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toMatch(/PORTAINER_URL|--url/);
  });
});
