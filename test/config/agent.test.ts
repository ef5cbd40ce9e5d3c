/**
 * Where an agent VM's Portainer agent listens: host from portainer_agent_hostname, else the
 * address of network_config.ip; port from portainer_agent_port, else the hypervisor config's
 * network.portainer_agent_port, else 9001. Hostile values are refused with exit 65 by the loader
 * and by `checkAllVms` (what `config validate` runs).
 */
import * as path from 'node:path';
import { agentEndpoint, checkAllVms, listVms, loadConfig, parseConfigText, phoenixLayoutAgentPort } from '../../src/config';
import { configError, configErrorSync, tempDir } from './config-helpers';

const FILE = 'phoenix_vm_configs.json';
const COMPOSE = 'services:\n  web:\n    image: nginx\n';

function doc(vm: Record<string, unknown>): Record<string, unknown> {
  return { stacks: { web: { compose: COMPOSE } }, vms: [{ vmid: 1003, name: 'newvm', portainer_role: 'agent', docker_stacks: ['web'], ...vm }] };
}

async function endpointOf(vm: Record<string, unknown>, hypervisor?: unknown) {
  const dir = tempDir({ [FILE]: doc(vm), ...(hypervisor === undefined ? {} : { 'phoenix_hypervisor_config.json': hypervisor }) });
  const config = await loadConfig(path.join(dir, FILE));
  await checkAllVms(config);
  return agentEndpoint(listVms(config)[0], await phoenixLayoutAgentPort(dir));
}

describe('agent address rules', () => {
  it.each([
    ['the IP of network_config.ip without its prefix, port 9001 by default', { network_config: { ip: '10.0.0.13/24' } }, undefined, 'tcp://10.0.0.13:9001'],
    ['the hypervisor config port when the VM gives none', { network_config: { ip: '10.0.0.13/24' } }, { network: { portainer_agent_port: 9101 } }, 'tcp://10.0.0.13:9101'],
    [
      'a digit-string port in the hypervisor config (the Phoenix scripts write both)',
      { network_config: { ip: '10.0.0.13/24' } },
      { network: { portainer_agent_port: '9102' } },
      'tcp://10.0.0.13:9102',
    ],
    ['the VM port over the hypervisor config port', { network_config: { ip: '10.0.0.13/24' }, portainer_agent_port: 9200 }, { network: { portainer_agent_port: 9101 } }, 'tcp://10.0.0.13:9200'],
    ['the hostname over the IP', { network_config: { ip: '10.0.0.13/24' }, portainer_agent_hostname: 'newvm.internal' }, undefined, 'tcp://newvm.internal:9001'],
    ['an IPv6 host in brackets', { portainer_agent_hostname: 'fd00::13' }, undefined, 'tcp://[fd00::13]:9001'],
    ['an IPv6 host given in brackets', { portainer_agent_hostname: '[fd00::13]' }, undefined, 'tcp://[fd00::13]:9001'],
  ])('%s', async (_title, vm, hypervisor, url) => {
    expect((await endpointOf(vm, hypervisor)).url).toBe(url);
  });

  it('names the key to add when the VM has neither host nor IP (65)', async () => {
    const dir = tempDir({ [FILE]: doc({ network_config: { ip: 'dhcp' } }) });
    const error = await configError(async () => checkAllVms(await loadConfig(path.join(dir, FILE))));
    expect(error.details).toEqual([
      `${path.join(dir, FILE)}: vms[0]: vm 1003 (newvm) is a Portainer agent VM but has no portainer_agent_hostname and its network_config.ip "dhcp" is no IP address, so phoenix cannot tell where its agent listens. ` +
        'Add "portainer_agent_hostname" (the host name or IP address Portainer reaches the agent at) to vm 1003, or a static "network_config": { "ip": "<address>/<prefix>" }.',
    ]);
    const direct = configErrorSync(() => agentEndpoint({ vmid: 1003, name: 'newvm', agent: {} }, undefined));
    expect(direct.code).toBe('AGENT_ADDRESS_MISSING');
    expect(direct.message).toContain('has neither portainer_agent_hostname nor network_config.ip');
  });

  it('a primary VM needs no agent address', async () => {
    const dir = tempDir({ [FILE]: { vms: [{ vmid: 1001, name: 'mgmt', portainer_role: 'primary', portainer_environment_name: 'local', docker_stacks: [] }] } });
    await expect(checkAllVms(await loadConfig(path.join(dir, FILE)))).resolves.toHaveLength(1);
  });

  it('an agent VM without portainer_environment_name is found and registered under its name', () => {
    const { document } = parseConfigText(JSON.stringify(doc({ network_config: { ip: '10.0.0.13/24' } })), FILE);
    expect(document.vms[0].portainer_environment_name).toBeUndefined();
    const dir = tempDir({ [FILE]: doc({ network_config: { ip: '10.0.0.13/24' } }) });
    return loadConfig(path.join(dir, FILE)).then((config) => expect(listVms(config)[0].portainerEnvironmentName).toBe('newvm'));
  });

  it.each([
    ['a newline', 'host\nname', '"host\\nname" contains white space: give only the host name or IP address'],
    ['a space', 'my host', '"my host" contains white space: give only the host name or IP address'],
    ['a scheme', 'tcp://10.0.0.13', '"tcp://10.0.0.13" contains a scheme: give only the host (phoenix adds tcp:// and the port)'],
    ['user info', 'admin@10.0.0.13', '"admin@10.0.0.13" contains "@": give only the host, without user info'],
    ['a path', '10.0.0.13/24', '"10.0.0.13/24" contains "/": give only the host, without a path or prefix length'],
    ['a port', 'newvm:9001', '"newvm:9001" contains ":": give the port in portainer_agent_port, not in the host'],
    ['an underscore', 'new_vm', '"new_vm" is not a host name or IP address (letters, digits, "-" and "." only)'],
    ['an ANSI escape', '\u001b[31mred', '"\\u001b[31mred" is not a host name or IP address (letters, digits, "-" and "." only)'],
    ['nothing', '', 'is empty: give the agent host name or IP address'],
  ])('refuses a hostname with %s', (_title, hostname, message) => {
    const error = configErrorSync(() => parseConfigText(JSON.stringify(doc({ portainer_agent_hostname: hostname })), FILE));
    expect(error.details).toEqual([`${FILE}: vms[0].portainer_agent_hostname: ${message}`]);
  });

  it.each([
    ['0', 0, 'expected a positive integer'],
    ['65536', 65536, 'expected a TCP port: a whole number from 1 to 65535'],
    ['a string', '9001', 'expected a number, got a string ("9001")'],
    ['a fraction', 9001.5, 'expected an int, got a number (9001.5)'],
  ])('refuses portainer_agent_port %s', (_title, port, message) => {
    const error = configErrorSync(() => parseConfigText(JSON.stringify(doc({ network_config: { ip: '10.0.0.13/24' }, portainer_agent_port: port })), FILE));
    expect(error.details).toEqual([`${FILE}: vms[0].portainer_agent_port: ${message}`]);
  });

  it.each([0, 65536, 'x9001', -1])('refuses network.portainer_agent_port %p in the hypervisor config (65)', async (port) => {
    const dir = tempDir({ [FILE]: doc({ network_config: { ip: '10.0.0.13/24' } }), 'phoenix_hypervisor_config.json': { network: { portainer_agent_port: port } } });
    const error = await configError(async () => checkAllVms(await loadConfig(path.join(dir, FILE))));
    expect(error.code).toBe('LAYOUT_INVALID');
    expect(error.details.join('\n')).toContain('network.portainer_agent_port');
  });

  it('the TLS and group settings of registration are phoenix keys of the portainer block', () => {
    const error = configErrorSync(() => parseConfigText(JSON.stringify({ ...doc({}), portainer: { agent_tls_skip_verfy: false } }), FILE));
    expect(error.details[0]).toContain('agent_tls_skip_verify');
  });
});
