import { z } from 'zod';

import type { ResolvedVm } from '../config';

/** `config validate --json`: the file checked and what it declares (a problem is an error envelope, exit 65). */
export const configValidateResult = z.object({
  path: z.string().describe('the config file that was checked'),
  valid: z.literal(true),
  vms: z.array(z.object({ vmid: z.number().int(), name: z.string(), stacks: z.array(z.string()).describe('stack names, sorted') })),
});
export type ConfigValidateResult = z.infer<typeof configValidateResult>;

export function configValidateToJson(path: string, vms: readonly ResolvedVm[]): ConfigValidateResult {
  return { path, valid: true, vms: vms.map((vm) => ({ vmid: vm.vmid, name: vm.name, stacks: vm.stackNames })) };
}
