/**
 * Review of issue 14 (docs/configuration.md, agent VMs): "An environment of that name that exists with another URL is a
 * conflict (73): phoenix reports both URLs and changes nothing."
 *
 * Defect: src/app/agent-environments.ts agentEnvironment() compares URLs only when the found
 * environment is a Docker *agent* (Type 2). A same-named environment of another type (here a
 * Docker API environment, Type 1, on another machine) is taken as the agent VM's environment
 * without any check, so converge deploys the VM's stacks onto another host.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useSimulatorCli } from '../helpers/sim-cli';

const cli = useSimulatorCli();
const STACKS = { web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } };
const NEW_VM = { vmid: 1003, name: 'newvm', portainer_role: 'agent', network_config: { ip: '10.0.0.13/24', gw: '10.0.0.1' }, docker_stacks: ['web'] };

describe('review: a same-named environment that is not an agent environment', () => {
  it('on another host (tcp://10.0.0.99:2375, Type 1) is a conflict (73) naming both URLs, with no write', async () => {
    const fixture = await cli.start(
      {
        agents: ['tcp://10.0.0.13:9001'],
        endpoints: [
          { id: 1, name: 'local', type: 1 },
          { id: 2, name: 'newvm', type: 1, url: 'tcp://10.0.0.99:2375' },
        ],
      },
      { stacks: STACKS, vms: [NEW_VM] as never },
    );
    writeFileSync(join(dirname(fixture.config), 'phoenix_hypervisor_config.json'), JSON.stringify({ network: {} }));
    const result = await fixture.run(['1003', 'converge', '--yes']);
    expect(result.exitCode).toBe(73);
    expect(result.stderr).toContain('tcp://10.0.0.99:2375');
    expect(result.stderr).toContain('tcp://10.0.0.13:9001');
    expect(fixture.sim.writes()).toEqual([]);
    expect(fixture.sim.stacks()).toEqual([]);
  });

  it("the Portainer server's own Docker socket (Type 1, unix://) is 73 naming it, with no write", async () => {
    const fixture = await cli.start({ agents: ['tcp://10.0.0.13:9001'], endpoints: [{ id: 1, name: 'newvm', type: 1 }] }, { stacks: STACKS, vms: [NEW_VM] as never });
    const result = await fixture.run(['1003', 'converge', '--yes']);
    expect(result.exitCode).toBe(73);
    expect(result.stderr).toContain('Portainer environment "newvm" (id 1) is a Docker environment on unix:///var/run/docker.sock');
    expect(result.stderr).toContain('Hint: ');
    expect(result.stdout).toBe('');
    expect(fixture.sim.writes()).toEqual([]);
  });

  it('the same in --json: exit 73 and the error in the envelope', async () => {
    const fixture = await cli.start({ agents: ['tcp://10.0.0.13:9001'], endpoints: [{ id: 1, name: 'newvm', type: 1 }] }, { stacks: STACKS, vms: [NEW_VM] as never });
    const result = await fixture.run(['1003', 'plan', '--json']);
    expect(result.exitCode).toBe(73);
    const body = JSON.parse(result.stdout) as { ok: boolean; error: { exitCode: number; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.exitCode).toBe(73);
    expect(body.error.message).toContain('not the Docker agent of this agent VM');
  });

  it('an Edge agent environment (Type 4) of that name is used: it has no agent URL to compare', async () => {
    const fixture = await cli.start(
      {
        agents: ['tcp://10.0.0.13:9001'],
        endpoints: [
          { id: 1, name: 'local', type: 1 },
          { id: 2, name: 'newvm', type: 4, url: '' },
        ],
      },
      { stacks: STACKS, vms: [NEW_VM] as never },
    );
    const result = await fixture.run(['1003', 'plan']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('on Portainer environment "newvm" (id 2)');
    expect(result.stderr).toBe('');
    expect(fixture.sim.writes()).toEqual([]);
  });
});
