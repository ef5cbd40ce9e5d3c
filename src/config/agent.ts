/**
 * Where the Portainer agent of a VM listens, from the config alone (no network): the address
 * Portainer is asked to register for a `portainer_role: "agent"` VM whose environment does not
 * exist yet (docs/configuration.md, agent VMs).
 *
 * - host: `portainer_agent_hostname`, else the address of `network_config.ip` without its prefix
 *   length (`10.0.0.13/24` → `10.0.0.13`);
 * - port: `portainer_agent_port`, else `network.portainer_agent_port` of
 *   phoenix_hypervisor_config.json, else 9001 (the agent's own default).
 */
import { isIP } from 'node:net';
import { ConfigError } from '../errors';
import type { VmSummary } from './types';

export const AGENT_DEFAULT_PORT = 9001;

/**
 * Whether phoenix may register this VM's Portainer environment: an agent VM found by name. A VM
 * mapped by `portainer_endpoint_id` never is (an id is Portainer's to give). An agent VM without
 * `portainer_environment_name` goes by its `name`, so the name is there for every agent VM.
 */
export function mayRegister(vm: Pick<VmSummary, 'portainerRole' | 'portainerEndpointId' | 'portainerEnvironmentName'>): vm is typeof vm & { portainerEnvironmentName: string } {
  return vm.portainerRole === 'agent' && vm.portainerEndpointId === undefined && vm.portainerEnvironmentName !== undefined;
}

/** One DNS label: letters, digits and inner hyphens (RFC 1123). */
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);

/**
 * Undefined when `host` can go into `tcp://<host>:<port>` as it is; otherwise why not. A scheme,
 * a port, a path, user info or white space would make Portainer register (and then dial) another
 * address than the one the config reads as, so each is refused with what to write instead.
 * The value is JSON-quoted in the message: a newline in it cannot forge a line of output.
 */
export function agentHostProblem(host: string): string | undefined {
  const shown = JSON.stringify(host);
  if (host === '') return 'is empty: give the agent host name or IP address';
  if (/\s/.test(host)) return `${shown} contains white space: give only the host name or IP address`;
  if (host.includes('://')) return `${shown} contains a scheme: give only the host (phoenix adds tcp:// and the port)`;
  if (host.includes('@')) return `${shown} contains "@": give only the host, without user info`;
  if (host.includes('/')) return `${shown} contains "/": give only the host, without a path or prefix length`;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) !== 0) return undefined;
  if (host.includes(':')) return `${shown} contains ":": give the port in portainer_agent_port, not in the host`;
  if (host.length > 253 || !DNS_NAME.test(host)) return `${shown} is not a host name or IP address (letters, digits, "-" and "." only)`;
  return undefined;
}

/** The address part of a Proxmox `network_config.ip` (`10.0.0.13/24`), or undefined when it is none (`dhcp`, empty). */
export function addressOfIp(ip: unknown): string | undefined {
  if (typeof ip !== 'string') return undefined;
  const address = ip.trim().replace(/\/\d{1,3}$/, '');
  return isIP(address) === 0 ? undefined : address;
}

export interface AgentEndpoint {
  host: string;
  port: number;
  /** `tcp://<host>:<port>`, IPv6 hosts in brackets: what Portainer stores as the environment's URL. */
  url: string;
  /** Which config key gave the host, for messages. */
  hostFrom: 'portainer_agent_hostname' | 'network_config.ip';
}

/** `tcp://host:port`, with an IPv6 address in brackets. */
export function agentUrl(host: string, port: number): string {
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  return `tcp://${bracketed}:${port}`;
}

/**
 * The agent address of an agent VM. `layoutPort` is `network.portainer_agent_port` of the
 * hypervisor config beside the config file (already checked when read). A VM with neither a
 * host name nor an IP address is a config problem (65) that names the key to add.
 */
export function agentEndpoint(vm: Pick<VmSummary, 'vmid' | 'name' | 'agent'>, layoutPort: number | undefined): AgentEndpoint {
  const agent = vm.agent ?? {};
  const port = agent.port ?? layoutPort ?? AGENT_DEFAULT_PORT;
  if (agent.hostname !== undefined) {
    const host = agent.hostname.startsWith('[') && agent.hostname.endsWith(']') ? agent.hostname.slice(1, -1) : agent.hostname;
    return { host, port, url: agentUrl(host, port), hostFrom: 'portainer_agent_hostname' };
  }
  const address = addressOfIp(agent.ip);
  if (address === undefined) throw agentAddressMissing(vm, agent.ip);
  return { host: address, port, url: agentUrl(address, port), hostFrom: 'network_config.ip' };
}

function agentAddressMissing(vm: Pick<VmSummary, 'vmid' | 'name'>, ip: unknown): ConfigError {
  const why = ip === undefined ? 'has neither portainer_agent_hostname nor network_config.ip' : `has no portainer_agent_hostname and its network_config.ip ${JSON.stringify(ip)} is no IP address`;
  return new ConfigError(`vm ${vm.vmid} (${vm.name}) is a Portainer agent VM but ${why}, so phoenix cannot tell where its agent listens`, {
    code: 'AGENT_ADDRESS_MISSING',
    hint: `Add "portainer_agent_hostname" (the host name or IP address Portainer reaches the agent at) to vm ${vm.vmid}, or a static "network_config": { "ip": "<address>/<prefix>" }.`,
  });
}

/** Undefined for a usable TCP port; otherwise why not. */
export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : `${port} is not a TCP port: use a whole number from 1 to 65535`;
}
