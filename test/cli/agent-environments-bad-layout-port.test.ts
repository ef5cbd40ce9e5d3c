/**
 * `environments` only reads: a bad `network.portainer_agent_port` in phoenix_hypervisor_config.json
 * matters to the agent VMs still to register (and not to one that gives its own port), so the
 * listing never fails on it: those VMs say why they cannot be registered, the rest is listed.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useSimulatorCli } from '../helpers/sim-cli';

const cli = useSimulatorCli();
const STACKS = { web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } };
const MAPPED = { vmid: 1001, name: 'mgmt', portainer_role: 'primary', portainer_environment_name: 'local', docker_stacks: ['web'] };
const NEW_VM = { vmid: 1003, name: 'newvm', portainer_role: 'agent', network_config: { ip: '10.0.0.13/24' }, docker_stacks: ['web'] };
const OWN_PORT = { vmid: 1004, name: 'ownport', portainer_role: 'agent', portainer_agent_port: 9200, network_config: { ip: '10.0.0.14/24' }, docker_stacks: ['web'] };

async function start(vms: Record<string, unknown>[]) {
  const fixture = await cli.start({ agents: [] }, { stacks: STACKS, vms: vms as never });
  writeFileSync(join(dirname(fixture.config), 'phoenix_hypervisor_config.json'), JSON.stringify({ network: { portainer_agent_port: 'ninety' } }));
  return fixture;
}

describe('environments with a bad hypervisor agent port', () => {
  it('lists everything (exit 0) when no VM needs the port', async () => {
    const { run } = await start([MAPPED, OWN_PORT]);
    const result = await run(['environments']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('+ 1004 (ownport): environment "ownport", agent at tcp://10.0.0.14:9200');
  });

  it('a VM that needs it says why it cannot be registered, in text and --json (exit 0, a read)', async () => {
    const { run } = await start([MAPPED, NEW_VM]);
    const text = await run(['environments']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('+ 1003 (newvm): environment "newvm", cannot be registered: ');
    expect(text.stdout).toContain('portainer_agent_port');
    const json = JSON.parse((await run(['environments', '--json'])).stdout) as { result: { toRegister: Array<{ vmid: number; problem?: string; url?: string }> } };
    expect(json.result.toRegister).toHaveLength(1);
    expect(json.result.toRegister[0].url).toBeUndefined();
    expect(json.result.toRegister[0].problem).toContain('portainer_agent_port');
  });
});
