/**
 * Agent VMs (`portainer_role: "agent"`) get their Portainer environment from phoenix: when
 * Portainer has none of the VM's name, the plan registers one at the VM's agent URL, and converge
 * registers it before applying the VM's stacks on it. An environment of that name elsewhere is a
 * conflict (73): phoenix never re-points or deletes environments (docs/configuration.md, agent VMs).
 */
import { agentEndpoint, phoenixLayoutAgentPort } from '../config';
import type { LoadedConfig, ResolvedVm, VmSummary } from '../config';
import { ConflictError } from '../errors';
import { compareAgentUrls, environmentUrlConflict, printableText, registerAgentEnvironment } from '../portainer';
import type { AgentEnvironmentInput, PortainerClient, PortainerEnvironment } from '../portainer';

/** Portainer's environment group "Unassigned": where Portainer itself puts an environment without one. */
const UNASSIGNED_GROUP = 1;

/** The hypervisor config's agent port, read once per loaded config. */
const layoutPorts = new WeakMap<LoadedConfig, Promise<number | undefined>>();

export function layoutAgentPort(config: LoadedConfig): Promise<number | undefined> {
  let port = layoutPorts.get(config);
  if (port === undefined) layoutPorts.set(config, (port = phoenixLayoutAgentPort(config.dir)));
  return port;
}

/** The environment an agent VM's name finds: exact first (Portainer compares names exactly), then in any case. */
function byName(environments: readonly PortainerEnvironment[], name: string): PortainerEnvironment | undefined {
  return environments.find((e) => e.name === name) ?? environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
}

/** What registering the VM's environment would send, with the TLS and group settings of the config. */
export function registrationInput(config: LoadedConfig, vm: Pick<VmSummary, 'vmid' | 'name' | 'agent'>, name: string, layoutPort: number | undefined): AgentEnvironmentInput {
  const endpoint = agentEndpoint(vm, layoutPort);
  return {
    name,
    url: endpoint.url,
    // An agent serves a self-signed certificate it makes at start-up and authenticates Portainer
    // by its signature key, not by a client certificate: Portainer's own "add agent" form
    // registers it with both checks skipped. Turning them off needs certificate files.
    tlsSkipVerify: config.portainer.agentTlsSkipVerify ?? true,
    tlsSkipClientVerify: config.portainer.agentTlsSkipClientVerify ?? true,
    groupId: config.portainer.agentGroupId ?? UNASSIGNED_GROUP,
  };
}

export type AgentLookup = { environment: PortainerEnvironment } | { register: AgentEnvironmentInput };

/**
 * An agent VM's environment, or what registering it would send. Only a VM found by name can be
 * registered (an id is Portainer's to give). A found agent environment at another host or port
 * is 73 with both URLs; a DNS name on one side and an IP on the other is a warning: agents
 * registered by hand before phoenix must keep working.
 */
export async function agentEnvironment(config: LoadedConfig, vm: ResolvedVm, environments: readonly PortainerEnvironment[], warn: (line: string) => void): Promise<AgentLookup | undefined> {
  if (vm.portainerRole !== 'agent' || vm.portainerEndpointId !== undefined || vm.portainerEnvironmentName === undefined) return undefined;
  const name = vm.portainerEnvironmentName;
  const found = byName(environments, name);
  if (found === undefined) return { register: registrationInput(config, vm, name, await layoutAgentPort(config)) };
  // Only an agent environment has an agent URL to compare; the address may be missing from the
  // config of an agent registered by hand (then there is nothing to compare it with).
  if (found.kind !== 'docker-agent') return { environment: found };
  let wanted: string;
  try {
    wanted = agentEndpoint(vm, await layoutAgentPort(config)).url;
  } catch {
    return { environment: found };
  }
  const verdict = compareAgentUrls(found.url, wanted);
  if (verdict === 'different') throw environmentUrlConflict(found.name, found, wanted);
  if (verdict === 'undecidable') {
    warn(
      `vm ${vm.vmid}: Portainer environment "${printableText(found.name)}" is at ${printableText(found.url)} and the config puts the agent at ${wanted}; ` +
        'phoenix cannot tell whether a DNS name and an IP address are the same machine, so it uses the environment as it is. Set portainer_agent_hostname to the host Portainer uses to silence this.',
    );
  }
  return { environment: found };
}

/** A stand-in for the environment until converge registers it: nothing reads its id before then. */
export function pendingEnvironment(input: AgentEnvironmentInput): PortainerEnvironment {
  return { id: 0, name: input.name, kind: 'docker-agent', url: input.url, state: 'unknown', swarm: false };
}

export interface RegistrationOutcome {
  name: string;
  url: string;
  environmentId: number;
  /** Decided by re-reading Portainer after a lost answer or a duplicate name. */
  recovered: boolean;
}

/**
 * Registers the environment. When the registration was decided by a re-read (someone else may
 * have registered it meanwhile), an environment that already holds stacks is not what the plan
 * saw: nothing more is written and the next run plans against it.
 */
export async function registerEnvironment(client: PortainerClient, input: AgentEnvironmentInput): Promise<{ environment: PortainerEnvironment; outcome: RegistrationOutcome }> {
  const { environment, recovered } = await registerAgentEnvironment({ create: (i) => client.createAgentEnvironment(i), environments: () => client.environments() }, input);
  if (recovered && (await client.listStacks()).some((s) => s.endpointId === environment.id)) {
    throw new ConflictError(`Portainer environment "${printableText(environment.name)}" (id ${environment.id}) was registered meanwhile and already holds stacks: nothing more was written`, {
      hint: 'Run the same converge again: it plans against what the environment holds now.',
    });
  }
  return { environment, outcome: { name: environment.name, url: input.url, environmentId: environment.id, recovered } };
}
