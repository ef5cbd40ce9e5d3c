import { listVms } from '../config';
import type { LoadedConfig, ResolvedVm, VmSummary } from '../config';
import { ConfigError } from '../errors';
import type { PortainerEnvironment } from '../portainer';

/**
 * The environment a VM's stacks would be deployed to, without throwing: by id when the VM gives
 * one (what converge uses), else by name, exact first, then in any case.
 */
function deployedTo(vm: VmSummary, environments: readonly PortainerEnvironment[]): number | undefined {
  if (vm.portainerEndpointId !== undefined) return vm.portainerEndpointId;
  const wanted = vm.portainerEnvironmentName;
  if (wanted === undefined) return undefined;
  return (environments.find((e) => e.name === wanted) ?? environments.find((e) => e.name.toLowerCase() === wanted.toLowerCase()))?.id;
}

/** environment id → lower-cased stack name → the VMs of the config declaring it there. */
type Claims = Map<number, Map<string, VmSummary[]>>;

/** Built once per (environments list of a session, config): planning every VM stays linear. */
const claimsCache = new WeakMap<readonly PortainerEnvironment[], WeakMap<LoadedConfig, Claims>>();

function claimsOf(config: LoadedConfig, environments: readonly PortainerEnvironment[]): Claims {
  let byConfig = claimsCache.get(environments);
  if (byConfig === undefined) claimsCache.set(environments, (byConfig = new WeakMap()));
  let claims = byConfig.get(config);
  if (claims !== undefined) return claims;
  claims = new Map();
  for (const vm of listVms(config)) {
    const id = deployedTo(vm, environments);
    if (id === undefined) continue;
    let stacks = claims.get(id);
    if (stacks === undefined) claims.set(id, (stacks = new Map()));
    for (const name of vm.stackNames) {
      const key = name.toLowerCase();
      stacks.set(key, [...(stacks.get(key) ?? []), vm]);
    }
  }
  byConfig.set(config, claims);
  return claims;
}

/**
 * Refuses (65) a VM whose stacks another VM of the config also declares on the same Portainer
 * environment, once names are resolved to ids: both would create or update the one stack and
 * then fight over it on every run. `config validate` catches the same id or name offline; this
 * catches an id on one VM and the matching name on another. Uses the environments list the
 * session already read: no extra request.
 */
export function assertSoleClaim(config: LoadedConfig, vm: ResolvedVm, environment: PortainerEnvironment, environments: readonly PortainerEnvironment[]): void {
  const onEnvironment = claimsOf(config, environments).get(environment.id);
  for (const stack of vm.stacks) {
    const others = (onEnvironment?.get(stack.name.toLowerCase()) ?? []).filter((other) => other.vmid !== vm.vmid);
    if (others.length === 0) continue;
    const names = others.map((other) => `vm ${other.vmid} (${other.name})`).join(', ');
    throw new ConfigError(`VM ${vm.vmid} (${vm.name}) and ${names} both declare stack "${stack.name}" on Portainer environment "${environment.name}" (id ${environment.id}): each would claim it`, {
      code: 'STACK_CLAIMED_TWICE',
      hint: `Declare "${stack.name}" on one VM of that environment only, or point the VMs at different environments (portainer_environment_name / portainer_endpoint_id). Nothing was written.`,
    });
  }
}
