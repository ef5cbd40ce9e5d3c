import { agentEndpoint, closest, listVms, loadConfig, mayRegister } from '../config';
import type { VmSummary } from '../config';
import { environmentNamed } from '../portainer';
import type { EnvironmentKind, PortainerEnvironment } from '../portainer';
import { openSession } from './converge';
import type { SessionRequest } from './converge';
import { layoutAgentPort } from './agent-environments';
import { ConfigError } from '../errors';

/** An environment's kind as a person reads it: `docker-edge-agent` → `docker edge agent`. */
function typeLabel(kind: EnvironmentKind): string {
  return kind.replaceAll('-', ' ');
}

export interface EnvironmentRow {
  id: number;
  name: string;
  type: string;
  url: string;
  status: 'up' | 'down' | 'unknown';
  swarm: boolean;
  vms: Array<{ vmid: number; name: string }>;
}

export interface UnmatchedVm {
  vmid: number;
  name: string;
  /** What the VM names: `portainer_environment_name`, or `id <n>` for `portainer_endpoint_id`; undefined when it names none. */
  wanted?: string;
  closest?: string;
}

/** An agent VM whose environment Portainer does not have yet: converge registers it. */
export interface ToRegisterVm {
  vmid: number;
  name: string;
  /** The environment name it would be registered under. */
  environment: string;
  /** `tcp://host:port`; undefined when the config gives no address (then `problem` says what to add). */
  url?: string;
  problem?: string;
}

export interface EnvironmentsReport {
  url: string;
  version: string;
  environments: EnvironmentRow[];
  unmatched: UnmatchedVm[];
  toRegister: ToRegisterVm[];
}

/** Which environment a VM maps to, as converge finds it: by id when given, else by name (exact, then any case). */
function environmentOf(vm: VmSummary, environments: readonly PortainerEnvironment[]): PortainerEnvironment | undefined {
  if (vm.portainerEndpointId !== undefined) return environments.find((e) => e.id === vm.portainerEndpointId);
  const wanted = vm.portainerEnvironmentName;
  if (wanted === undefined) return undefined;
  return environmentNamed(environments, wanted);
}

/** Pure: Portainer's environments with the VMs mapped to each, and the VMs that map to none. */
export function mapEnvironments(
  environments: readonly PortainerEnvironment[],
  vms: readonly VmSummary[],
  agentUrl: (vm: VmSummary) => { url: string } | { problem: string } = () => ({ problem: 'unknown agent address' }),
): Pick<EnvironmentsReport, 'environments' | 'unmatched' | 'toRegister'> {
  const toRegister: ToRegisterVm[] = [];
  const rows: EnvironmentRow[] = [...environments].sort((a, b) => a.id - b.id).map((e) => ({ id: e.id, name: e.name, type: typeLabel(e.kind), url: e.url, status: e.state, swarm: e.swarm, vms: [] }));
  const unmatched: UnmatchedVm[] = [];
  for (const vm of vms) {
    const match = environmentOf(vm, environments);
    const row = match && rows.find((r) => r.id === match.id);
    if (row) {
      row.vms.push({ vmid: vm.vmid, name: vm.name });
      continue;
    }
    if (mayRegister(vm)) {
      toRegister.push({ vmid: vm.vmid, name: vm.name, environment: vm.portainerEnvironmentName, ...agentUrl(vm) });
      continue;
    }
    const wanted = vm.portainerEndpointId !== undefined ? `id ${vm.portainerEndpointId}` : vm.portainerEnvironmentName;
    const suggestion =
      vm.portainerEnvironmentName === undefined
        ? undefined
        : closest(
            vm.portainerEnvironmentName,
            environments.map((e) => e.name),
          );
    unmatched.push({ vmid: vm.vmid, name: vm.name, ...(wanted === undefined ? {} : { wanted }), ...(suggestion === undefined ? {} : { closest: suggestion }) });
  }
  return { environments: rows, unmatched, toRegister };
}

/** Reads Portainer's environments once and maps every VM of the config onto them. No write. */
export async function listEnvironments(request: SessionRequest & { configPath: string }): Promise<EnvironmentsReport & { secrets: string[] }> {
  const config = await loadConfig(request.configPath);
  const vms = listVms(config);
  // A bad hypervisor agent port matters only to the VMs still to register: listing never fails on it.
  const layout = await layoutAgentPort(config).then(
    (port) => ({ port }),
    (error: unknown) => ({ problem: error instanceof ConfigError ? [error.message, ...error.details].join(': ') : String(error) }),
  );
  const agentUrl = (vm: VmSummary) => {
    if ('problem' in layout && vm.agent?.port === undefined) return { problem: layout.problem };
    try {
      return { url: agentEndpoint(vm, 'port' in layout ? layout.port : undefined).url };
    } catch (error) {
      return { problem: error instanceof Error ? error.message : String(error) };
    }
  };
  const session = await openSession(config, request);
  try {
    return { url: session.url, version: session.version.raw, secrets: session.secrets, ...mapEnvironments(session.environments, vms, agentUrl) };
  } finally {
    await session.client.close();
  }
}
