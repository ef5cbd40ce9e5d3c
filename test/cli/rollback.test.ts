/**
 * Roll-back end to end, over real sockets against the simulator: an update whose deploy fails
 * (Portainer 2.21: a 500 after `compose down`; 2.39: Status 4 after polling) exits 1, and the live
 * stack ends with the previous file and env, running. `--no-rollback` is the control: exactly one
 * PUT, the stack left down or failed. The previous env holds a value set by hand in Portainer,
 * registered with the leak guard: it is sent back, never printed.
 */
import { ownershipMarker } from '../../src/plan';
import type { Simulator } from '../../simulator/src';
import { registerSecret } from '../helpers/cli';
import { useSimulatorCli } from '../helpers/sim-cli';

const VM = 4720;
const HAND_SET = 'hand "set" \\ pw $x';
registerSecret(HAND_SET);
const OLD = `${ownershipMarker(VM)}\nservices:\n  web:\n    image: good:1\n`;
const OLD_ENV = [
  { name: 'DB_PASSWORD', value: HAND_SET },
  { name: 'PORT', value: '80' },
];

const fixture = useSimulatorCli();
let sim: Simulator;

async function setup(version: string, faults: { failDeployWhen?: string; failDeployFor?: string[]; echoEnvOnFailure?: boolean }) {
  const cli = await fixture.start(
    {
      version,
      endpoints: [{ id: 3, name: 'rbvm', type: 2 }],
      stacks: [{ name: 'web', endpointId: 3, composeText: OLD, env: OLD_ENV }],
      faults: { deployMs: 30, ...faults },
    },
    {
      stacks: { web: { compose: 'services:\n  web:\n    image: bad:1\n', env: { PORT: '81' } } },
      vms: [{ vmid: VM, name: 'rbvm', portainer_environment_name: 'rbvm', docker_stacks: ['web'] }],
    },
  );
  ({ sim } = cli);
  return (...extra: string[]) => cli.run([String(VM), 'converge', '--yes', ...extra]);
}

const puts = () => sim.writes().filter((w) => w.method === 'PUT');
const web = () => sim.stacks().find((s) => s.name === 'web')!;

describe.each([
  ['2.21.4', 'sync', "Failed to deploy a stack: compose up operation failed: Error response from daemon: simulated deploy failure for stack 'web'"],
  ['2.39.0', 'async', "Portainer failed to deploy web: Failed to deploy a stack: compose up operation failed: Error response from daemon: simulated deploy failure for stack 'web'"],
])('Portainer %s (%s)', (version, _kind, message) => {
  it('a failed update is rolled back: exit 1, both outcomes reported, the previous file and env running', async () => {
    const run = await setup(version, { failDeployWhen: 'bad:1' });
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`FAILED update web: update failed: ${message}; rolled back to the previous version`);
    expect(result.stdout).toContain('Apply: 0 done, 1 failed, 0 not attempted.');
    expect(result.stderr).toContain('web: update failed; rolling back to the previous version');
    expect(puts()).toHaveLength(2);
    expect(web()).toMatchObject({ composeText: OLD, env: OLD_ENV, status: 1 });
  });

  it('--no-rollback: exactly one PUT; the stack is left as Portainer left it', async () => {
    const run = await setup(version, { failDeployWhen: 'bad:1' });
    const result = await run('--no-rollback');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`FAILED update web: ${version.startsWith('2.21') ? 'Portainer answered 500' : 'Portainer failed to deploy web'}`);
    expect(result.stdout).not.toContain('rolled back');
    expect(puts()).toHaveLength(1);
    // 2.21: `compose down` took the containers away, but the record is saved only on success and
    // still says Status 1 (docs/portainer-api.md#failed-updates); 2.39: Status 4.
    expect(web().status).toBe(version.startsWith('2.21') ? 1 : 4);
    if (version.startsWith('2.21')) expect(sim.containers()).toEqual([]);
  });

  it('--json records rolledBack per failed update', async () => {
    const run = await setup(version, { failDeployWhen: 'bad:1' });
    const result = await run('--json');
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.result.vms[0].results).toEqual([
      { stack: 'web', action: 'update', outcome: 'failed', error: { code: 'UPDATE_ROLLED_BACK', message: `update failed: ${message}; rolled back to the previous version` }, rolledBack: true },
    ]);
  });

  it('the roll-back fails too: one line naming the stack and what to run; two PUTs, no loop; the echoed previous env redacted', async () => {
    const run = await setup(version, { failDeployFor: ['web'], echoEnvOnFailure: true });
    const result = await run('--json');
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.result.vms[0].results[0]).toMatchObject({ stack: 'web', outcome: 'failed', rolledBack: false, error: { code: 'ROLLBACK_FAILED' }, rollbackError: {} });
    expect(doc.result.vms[0].results[0].error.message).toMatch(/^update failed and the roll-back failed too: .*; roll-back: .*; the stack may be down: run phoenix portainer 4720 status$/);
    expect(doc.result.vms[0].results[0].error.message).toContain('DB_PASSWORD=<redacted>');
    expect(puts()).toHaveLength(2);
    await sim.stop();
    const again = await setup(version, { failDeployFor: ['web'], echoEnvOnFailure: true });
    const text = await again();
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/FAILED update web: update failed and the roll-back failed too: .*; the stack may be down: run phoenix portainer 4720 status\n/);
  });
});
