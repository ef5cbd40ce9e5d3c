import { Args, Flags } from '@oclif/core';

import type { Selection } from '../app/converge-many';
import { UsageError } from '../errors';
import { parseVmid } from './flags';

/** `phoenix portainer <vmid> <verb> [stack]`: the vmid is optional because --all/--env select instead. */
export const vmArgs = {
  vmid: Args.string({ description: 'Proxmox vmid of the VM (as in phoenix_vm_configs.json); not with --all or --env' }),
};

export const stackArg = {
  stack: Args.string({ description: 'limit the run to this stack' }),
};

/** Which VMs: one (the vmid argument), every VM (--all), or one phoenix environment's (--env). */
export const selectionFlags = {
  all: Flags.boolean({ summary: 'Every VM of the config (VMs without docker_stacks are listed as skipped).', exclusive: ['env'], helpGroup: 'MANY VMS' }),
  env: Flags.string({ summary: 'Every VM of this phoenix environment (its "environment", or a docker_stacks entry in it).', exclusive: ['all'], helpGroup: 'MANY VMS' }),
  'parallel-vms': Flags.integer({ summary: 'With --all/--env: VMs planned and applied at once.', default: 4, min: 1, max: 32, helpGroup: 'MANY VMS' }),
};

/** Flags that only mean something when the run writes (converge). */
export const applyFlags = {
  yes: Flags.boolean({ char: 'y', summary: 'Apply without asking (required when stdin is not a terminal).' }),
  'dry-run': Flags.boolean({ summary: 'Plan only; never write (same as the plan command).' }),
  'wait-lock': Flags.string({ summary: 'When another converge holds this VM’s lock, wait up to this long (e.g. 5m) instead of exiting 75.' }),
  'include-protected': Flags.boolean({
    summary: 'With --all/--env: also apply to VMs of protected phoenix environments that the selection does not name (by default they are planned, not applied).',
    helpGroup: 'MANY VMS',
  }),
};

/** The run's selection from the arguments, or a usage error that says what to type instead. */
export function selectionOf(verb: string, args: { vmid?: string; stack?: string }, flags: { all?: boolean; env?: string; prune?: boolean }): Selection {
  if (flags.all === true || flags.env !== undefined) {
    if (args.vmid !== undefined) {
      throw new UsageError(`--all and --env select the VMs themselves; ${JSON.stringify(args.vmid)} is one argument too many`, {
        hint: `Drop the vmid to ${verb === 'status' ? 'see the status of' : verb} every selected VM, or drop --all/--env for one VM (stack filters work on one VM only).`,
      });
    }
    return flags.env !== undefined ? { env: flags.env } : { all: true };
  }
  if (args.vmid === undefined) {
    throw new UsageError('missing <vmid>', {
      hint: `Usage: phoenix portainer <vmid> ${verb} (for example phoenix portainer 1002 ${verb}), or every VM with --all, or one phoenix environment's with --env <name>; see --help.`,
    });
  }
  const vmid = parseVmid(args.vmid);
  if (flags.prune === true && args.stack) {
    throw new UsageError('--prune cannot be combined with a stack argument', { hint: 'Prune works on the whole VM: drop the stack argument, or drop --prune.' });
  }
  return { vmids: [vmid], ...(args.stack ? { stack: args.stack } : {}) };
}

/** The command that only looks at the same VMs (offered when a converge may not ask). */
export function lookCommand(selection: Selection): string {
  return 'vmids' in selection ? `phoenix portainer ${selection.vmids.join(' ')} plan` : 'phoenix portainer plan --all/--env';
}
