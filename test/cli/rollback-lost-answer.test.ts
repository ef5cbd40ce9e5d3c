/**
 * After a failed update (here one with --pull), Portainer 2.16+ puts the stored
 * file back and never saved the new record, so it already holds exactly the file and env that
 * the roll-back sends. Re-reading it after the roll-back's answer was lost therefore matches
 * whether the roll-back ran or not, just as it does for a bare redeploy (DEPLOY_UNCONFIRMED).
 * From 2.15 the failed `up` was followed by `compose down`, so when the roll-back never arrived
 * the stack runs nothing: phoenix used to report "rolled back to the previous version". The
 * roll-back is now a bare redeploy for its lost answer: ROLLBACK_FAILED, naming the status check.
 *
 * The simulator (2.21.4) drops the roll-back PUT's connection before handling it (the
 * resetBefore knob, armed for that request only): Portainer never sees it.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ownershipMarker } from '../../src/plan';
import type { RequestLogEntry, SimFaults } from '../../simulator/src';
import { useSimulatorCli } from '../helpers/sim-cli';

const good = 'services:\n  app:\n    image: app:latest\n';
const marked = (text: string) => `${ownershipMarker(1002)}\n${text}`;

const fixture = useSimulatorCli();

describe('a roll-back whose answer was lost', () => {
  it('is not reported as rolled back when Portainer never received it (the stack is down)', async () => {
    const base: SimFaults = { failDeployWhen: 'image: bad:1' };
    const cli = await fixture.start(
      { version: '2.21.4', endpoints: [{ id: 3, name: 'drphoenix', type: 2 }], stacks: [{ name: 'app', endpointId: 3, composeText: marked(good) }], faults: base },
      { stacks: { app: { compose: good } }, vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['app'] }] },
    );
    const sim = cli.sim;
    // The config moves to an image that fails to deploy.
    writeFileSync(join(dirname(cli.config), 'stacks', 'app', 'docker-compose.yml'), 'services:\n  app:\n    image: bad:1\n');
    expect(sim.containers(3).filter((c) => c.project === 'app')).toHaveLength(1);

    // Arm the reset for the second PUT (the roll-back) only; disarm at the next request.
    let puts = 0;
    let armed = false;
    const push = sim.requests.push.bind(sim.requests);
    sim.requests.push = (...entries: RequestLogEntry[]) => {
      if (armed) {
        armed = false;
        sim.setFaults(base);
      }
      for (const e of entries) {
        if (e.method === 'PUT' && ++puts === 2) {
          armed = true;
          sim.setFaults({ ...base, resetBeforeRate: 1 });
        }
      }
      return push(...entries);
    };

    const result = await cli.run(['1002', 'converge', '--pull', '--yes', '--json']);
    const rollback = sim.requests.filter((r) => r.method === 'PUT')[1];
    // Precondition: the roll-back PUT never reached a handler, and the failed update took the stack down.
    expect(rollback?.outcome).toBe('reset-before');
    expect(sim.deployments().map((d) => [d.kind, d.pull, d.outcome])).toEqual([['update', true, 'failed']]);
    expect(sim.containers(3).filter((c) => c.project === 'app')).toEqual([]);

    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout) as { result: { vms: { results: { stack: string; outcome: string; rolledBack?: boolean; error?: { code: string; message: string } }[] }[] } };
    const [app] = doc.result.vms[0].results;
    // Not what phoenix used to say: UPDATE_ROLLED_BACK / rolledBack: true although nothing was deployed.
    expect(app.rolledBack).not.toBe(true);
    expect(app.error?.code).not.toBe('UPDATE_ROLLED_BACK');
    expect(app.error?.message).not.toContain('rolled back to the previous version');
    expect(app).toMatchObject({ outcome: 'failed', rolledBack: false, error: { code: 'ROLLBACK_FAILED' } });
    expect(app.error?.message).toContain('the stack may be down: run phoenix portainer 1002 status');
    expect(result.stderr).not.toContain('rolled back to the previous version');
  });
});
