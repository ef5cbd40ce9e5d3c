import { ownershipMarker } from '../../src/plan';
import type { SimStackSeed, Simulator } from '../../simulator/src';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

// PORT is referenced, so the compose check has no unused-env warning for stderr to carry.
const web = 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "${PORT}:80"\n';
const owned = (text: string) => `${ownershipMarker(1002)}\n${text}`;

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

/** VM 1002 on "drphoenix" declares web (env PORT); the live stacks are the test's. */
async function setup(stacks: SimStackSeed[], env: Record<string, string> = { PORT: '80' }) {
  cli = await fixture.start(
    { endpoints: [{ id: 3, name: 'drphoenix', type: 2 }], stacks },
    { stacks: { web: { compose: web, env } }, vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', environment: 'test', docker_stacks: ['web'] }] },
  );
  ({ sim } = cli);
}

const run = (args: string[]) => cli.run(args);

describe('plan and converge against odd live state (simulator, real sockets)', () => {
  it('a legacy upper-case twin (WEB beside web) is a conflict naming both: 73, nothing written, --adopt does not resolve it', async () => {
    await setup([
      { name: 'web', endpointId: 3, composeText: owned(web), env: [{ name: 'PORT', value: '80' }] },
      { name: 'WEB', endpointId: 3, composeText: web },
    ]);
    const plan = await run(['1002', 'plan']);
    expect(plan.exitCode).toBe(73);
    expect(plan.stdout).toMatch(/! web {2}Portainer has 2 stacks with this name in different case: "web" \(id \d+\), "WEB" \(id \d+\)/);
    expect(plan.stderr).toContain('delete or rename the extra one in Portainer');
    expect(plan.stderr).not.toContain('Run again with --adopt');

    const converge = await run(['1002', 'converge', '--yes', '--adopt', '--json']);
    expect(converge.exitCode).toBe(73);
    const doc = JSON.parse(converge.stdout);
    expect(doc.result.vms[0].plan.items).toEqual([expect.objectContaining({ stack: 'web', action: 'conflict', conflict: expect.objectContaining({ kind: 'duplicate' }) })]);
    expect(converge.stderr).toBe('');
    expect(sim.writes()).toEqual([]);

    const status = await run(['1002', 'status']);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/! web +duplicate name +Portainer has 2 stacks/);
  });

  it('a live env that repeats a name is drift (update), not in sync, and converge sends the name once', async () => {
    await setup([
      {
        name: 'web',
        endpointId: 3,
        composeText: owned(web),
        env: [
          { name: 'PORT', value: '8080' },
          { name: 'PORT', value: '80' },
        ],
      },
    ]);
    const plan = await run(['1002', 'plan', '--detailed-exitcode']);
    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toContain('~ web  env differs');
    expect(plan.stderr).toBe('');
    const converge = await run(['1002', 'converge', '--yes']);
    expect(converge.exitCode).toBe(0);
    expect(sim.stacks().find((s) => s.name === 'web')?.env).toEqual([{ name: 'PORT', value: '80' }]);
  });

  it('a multi-MB compose file rewritten live: plan completes and shows a summary instead of the diff, in text, Markdown and JSON', async () => {
    const lines = Array.from({ length: 170_000 }, (_, i) => `      - HAND_EDITED_${i}=${(i * 7919) % 10007}`);
    const huge = `${web}    environment:\n${lines.join('\n')}\n`;
    expect(huge.length).toBeGreaterThan(5_000_000);
    await setup([{ name: 'web', endpointId: 3, composeText: owned(huge), env: [{ name: 'PORT', value: '80' }] }]);
    const summary = /compose differs: 170,001 lines changed; diff too large to show/;

    const text = await run(['1002', 'plan']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('~ web  compose differs');
    expect(text.stdout).toMatch(summary);
    expect(text.stdout).not.toContain('HAND_EDITED_');
    expect(text.stderr).toBe('');

    const markdown = await run(['1002', 'plan', '--markdown']);
    expect(markdown.exitCode).toBe(0);
    expect(markdown.stdout).toMatch(summary);
    expect(markdown.stdout).not.toContain('HAND_EDITED_');

    const json = await run(['1002', 'plan', '--json']);
    expect(json.exitCode).toBe(0);
    const item = JSON.parse(json.stdout).result.vms[0].plan.items[0];
    expect(item).toMatchObject({ stack: 'web', action: 'update', composeDiff: '', composeDiffOmitted: true, composeLinesChanged: 170_001 });
  }, 120_000);

  it('a plain plan names the owned stacks that left the config, in text, Markdown and JSON; status lists them too', async () => {
    await setup([
      { name: 'web', endpointId: 3, composeText: owned(web), env: [{ name: 'PORT', value: '80' }] },
      { name: 'whoami', endpointId: 3, composeText: owned('services:\n  whoami:\n    image: traefik/whoami\n') },
      { name: 'theirs', endpointId: 3, composeText: 'services:\n  x:\n    image: x\n' },
    ]);
    const line = '1 owned stack is no longer in the config: whoami (--prune deletes it)';
    const text = await run(['1002', 'plan', '--detailed-exitcode']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(`  ${line}`);
    expect(text.stdout).not.toContain('theirs');
    expect(text.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.');
    expect(text.stderr).toContain('Nothing to do');

    const markdown = await run(['1002', 'plan', '--markdown']);
    expect(markdown.exitCode).toBe(0);
    expect(markdown.stdout).toContain(line);

    const json = await run(['1002', 'plan', '--json']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).result.vms[0].plan.orphans).toEqual(['whoami']);

    const onlyWeb = await run(['1002', 'plan', 'web']);
    expect(onlyWeb.exitCode).toBe(0);
    expect(onlyWeb.stdout).not.toContain('whoami');

    const status = await run(['1002', 'status']);
    expect(status.stdout).toMatch(/- whoami +owned, undeclared/);
    expect(sim.writes()).toEqual([]);
  });
});
