/**
 * Agent VMs (`portainer_role: "agent"`) get their Portainer environment from phoenix: when
 * Portainer has none of the VM's name, the plan registers one at the VM's agent URL, and converge
 * registers it before applying the VM's stacks on it. An environment of that name elsewhere is a
 * conflict (73): phoenix never re-points or deletes environments (docs/configuration.md, agent VMs).
 */
import { agentEndpoint, mayRegister, phoenixLayoutAgentPort } from '../config';
import type { LoadedConfig, ResolvedVm, VmSummary } from '../config';
import { ConflictError } from '../errors';
import { compareAgentUrls, environmentNamed, environmentUrlConflict, printableText, registerAgentEnvironment, sameEnvironmentName } from '../portainer';
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
  if (!mayRegister(vm)) return undefined;
  const name = vm.portainerEnvironmentName;
  const found = environmentNamed(environments, name);
  if (found === undefined) return { register: registrationInput(config, vm, name, await layoutAgentPort(config)) };
  // An Edge agent dials Portainer, so its environment has no agent URL to compare. Anything but
  // Docker over TCP (the server's own socket, Kubernetes, ACI) is not this VM's Docker.
  if (found.kind === 'docker-edge-agent') return { environment: found };
  if (!dockerOverTcp(found)) throw notDockerOverTcp(vm, found);
  // The address may be missing from the config of an agent registered by hand: nothing to compare.
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

/** Portainer's words for the environment kinds, for messages. */
const KIND_WORDS: Record<PortainerEnvironment['kind'], string> = {
  docker: 'a Docker environment',
  'docker-agent': 'a Docker agent environment',
  'azure-aci': 'an Azure ACI environment',
  'docker-edge-agent': 'a Docker Edge agent environment',
  kubernetes: 'a Kubernetes environment',
  'kubernetes-agent': 'a Kubernetes agent environment',
  'kubernetes-edge-agent': 'a Kubernetes Edge agent environment',
  unknown: 'an environment of a type phoenix does not know',
};

/** A Docker environment Portainer reaches over TCP: an agent, or a Docker API at `tcp://host:port`. */
function dockerOverTcp(environment: PortainerEnvironment): boolean {
  if (environment.kind === 'docker-agent') return true;
  return environment.kind === 'docker' && /^tcp:\/\//i.test(environment.url.trim());
}

/** 73: the VM's name finds an environment that cannot be the Docker of this agent VM. */
function notDockerOverTcp(vm: Pick<ResolvedVm, 'vmid'>, found: PortainerEnvironment): ConflictError {
  const what = found.kind === 'docker' ? `${KIND_WORDS.docker} on ${printableText(found.url) || '(no URL)'} (the Portainer server's own Docker, not an agent VM's)` : `${KIND_WORDS[found.kind]}`;
  return new ConflictError(`vm ${vm.vmid}: Portainer environment "${printableText(found.name)}" (id ${found.id}) is ${what}, not the Docker agent of this agent VM: nothing was written`, {
    code: 'ENVIRONMENT_URL_CONFLICT',
    hint: 'phoenix never re-points or deletes an environment. Give the VM another portainer_environment_name, or map it to the right environment with portainer_endpoint_id.',
  });
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
  checkRegistered(environment, input);
  if (recovered && (await client.listStacks()).some((s) => s.endpointId === environment.id)) {
    throw new ConflictError(`Portainer environment "${printableText(environment.name)}" (id ${environment.id}) was registered meanwhile and already holds stacks: nothing more was written`, {
      hint: 'Run the same converge again: it plans against what the environment holds now.',
    });
  }
  return { environment, outcome: { name: environment.name, url: input.url, environmentId: environment.id, recovered } };
}

/**
 * What Portainer registered must be what was asked for before stacks go on it: Portainer decides
 * the type by what answers at the URL (an agent on Kubernetes becomes a Kubernetes environment).
 * Anything else stops the run before any stack write; the environment stays (never deleted).
 */
function checkRegistered(environment: PortainerEnvironment, input: AgentEnvironmentInput): void {
  const problems = [
    ...(environment.kind === 'docker-agent' ? [] : [`is ${KIND_WORDS[environment.kind]}`]),
    ...(sameEnvironmentName(environment.name, input.name) ? [] : [`is named "${printableText(environment.name)}"`]),
    ...(compareAgentUrls(environment.url, input.url) === 'different' ? [`is at ${printableText(environment.url) || '(no URL)'}`] : []),
  ];
  if (problems.length === 0) return;
  throw new ConflictError(
    `Portainer registered environment "${printableText(environment.name)}" (id ${environment.id}) for the Docker agent at ${printableText(input.url)}, but it ${problems.join(' and ')}: no stack was written`,
    {
      code: 'ENVIRONMENT_URL_CONFLICT',
      hint: `Check what runs at ${printableText(input.url)} (phoenix deploys compose stacks to a Portainer agent on Docker), then fix or remove environment id ${environment.id} in Portainer; phoenix never deletes it.`,
    },
  );
}
