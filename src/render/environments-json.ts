import { z } from 'zod';

const vmRef = z.object({ vmid: z.number().int(), name: z.string() });

/** `portainer environments --json`: Portainer's environments, the VMs mapped to each, and the VMs mapped to none. */
export const environmentsResult = z.object({
  url: z.string().describe('the Portainer that was asked'),
  version: z.string().describe("Portainer's version"),
  environments: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      type: z.string().describe('docker, agent, edge-agent, kubernetes... in words'),
      url: z.string(),
      status: z.enum(['up', 'down', 'unknown']),
      swarm: z.boolean(),
      vms: z.array(vmRef).describe('the VMs of the config that map to this environment'),
    }),
  ),
  unmatched: z.array(vmRef.extend({ wanted: z.string().optional(), closest: z.string().optional() })).describe('VMs whose Portainer environment was not found'),
  toRegister: z
    .array(vmRef.extend({ environment: z.string(), url: z.string().optional(), problem: z.string().optional() }))
    .describe('agent VMs with no environment yet: converge registers each at its agent URL (problem: why it cannot)'),
});
export type EnvironmentsResult = z.infer<typeof environmentsResult>;

/** Field by field: a field added to the use case's report reaches --json only once it is in the schema. */
export function environmentsToJson(view: EnvironmentsResult): EnvironmentsResult {
  return {
    url: view.url,
    version: view.version,
    environments: view.environments.map((e) => ({ id: e.id, name: e.name, type: e.type, url: e.url, status: e.status, swarm: e.swarm, vms: e.vms.map((vm) => ({ vmid: vm.vmid, name: vm.name })) })),
    unmatched: view.unmatched.map((vm) => ({ vmid: vm.vmid, name: vm.name, ...(vm.wanted === undefined ? {} : { wanted: vm.wanted }), ...(vm.closest === undefined ? {} : { closest: vm.closest }) })),
    toRegister: view.toRegister.map((vm) => ({
      vmid: vm.vmid,
      name: vm.name,
      environment: vm.environment,
      ...(vm.url === undefined ? {} : { url: vm.url }),
      ...(vm.problem === undefined ? {} : { problem: vm.problem }),
    })),
  };
}
