import { ownershipMarker } from '../../src/plan';
import type { SimStackSeed, Simulator } from '../../simulator/src';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const app = (image: string) => `services:\n  app:\n    image: ${image}\n`;

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

/** VM 1002 declares ok, drift, gone, theirs and gitty; Portainer also has old (ours, undeclared) and foreign (someone's). */
async function setup(stacksLive: SimStackSeed[]) {
  cli = await fixture.start(
    { endpoints: [{ id: 3, name: 'drphoenix', type: 2 }], stacks: stacksLive },
    {
      stacks: { ok: { compose: app('a:1') }, drift: { compose: app('b:2'), env: { MODE: 'x' } }, gone: { compose: app('c:1') }, theirs: { compose: app('d:1') }, gitty: { compose: app('e:1') } },
      vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', environment: 'test', docker_stacks: ['ok', 'drift', 'gone', 'theirs', 'gitty'] }],
    },
  );
  ({ sim } = cli);
}

const run = (args: string[]) => cli.run(args);
const owned = (text: string) => `${ownershipMarker(1002)}\n${text}`;

describe('phoenix portainer <vmid> status (simulator, real sockets)', () => {
  it('names the state of every declared and live stack, in text and JSON, and never writes', async () => {
    await setup([
      { name: 'ok', endpointId: 3, composeText: owned(app('a:1')) },
      {
        name: 'drift',
        endpointId: 3,
        composeText: owned(app('b:1')),
        env: [
          { name: 'MODE', value: 'x' },
          { name: 'OLD', value: '1' },
        ],
      },
      { name: 'theirs', endpointId: 3, composeText: app('d:1') },
      { name: 'gitty', endpointId: 3, composeText: app('e:1'), git: { url: 'https://git.example/repo.git' } },
      { name: 'old', endpointId: 3, composeText: owned(app('f:1')) },
      { name: 'foreign', endpointId: 3, composeText: app('g:1') },
    ]);
    const text = await run(['1002', 'status']);
    expect(text.exitCode).toBe(0);
    const line = (stack: string) =>
      text.stdout
        .split('\n')
        .map((l) => l.replace(/\s+/g, ' ').trim())
        .find((l) => l.split(' ').slice(0, 2).includes(stack));
    expect(line('ok')).toBe('= ok in sync');
    expect(line('drift')).toMatch(/^~ drift drifted compose and env differ \(env: -OLD\)$/);
    expect(line('gone')).toBe('+ gone missing declared but not in Portainer');
    expect(line('theirs')).toMatch(/^! theirs not owned exists in Portainer but phoenix does not own it/);
    expect(line('gitty')).toMatch(/^! gitty Git-based deployed from Git/);
    expect(line('old')).toMatch(/^- old owned, undeclared owned by phoenix for this VM/);
    expect(line('foreign')).toMatch(/^foreign unmanaged not declared and not phoenix’s/);
    expect(text.stdout).toContain('5 out of sync.');

    const json = await run(['1002', 'status', '--json', '--detailed-exitcode']);
    expect(json.exitCode).toBe(2);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({ ok: true, exitCode: 2, result: { inSync: false, vms: [{ inSync: false, outOfSync: 5, vm: { vmid: 1002 } }] } });
    expect(doc.result.vms[0].stacks.map((s: { stack: string; state: string }) => [s.stack, s.state])).toEqual([
      ['drift', 'drifted'],
      ['foreign', 'unmanaged'],
      ['gitty', 'git'],
      ['gone', 'missing'],
      ['ok', 'in-sync'],
      ['old', 'owned-undeclared'],
      ['theirs', 'not-owned'],
    ]);
    expect(sim.writes()).toEqual([]);
  });

  it('exits 0 with --detailed-exitcode when everything is in sync; unmanaged stacks do not count', async () => {
    await setup([{ name: 'foreign', endpointId: 3, composeText: app('g:1') }]);
    await run(['1002', 'converge', '--yes']);
    const result = await run(['1002', 'status', '--detailed-exitcode']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Status: 5 in sync, 1 unmanaged. Everything is in sync.');
  });
});
