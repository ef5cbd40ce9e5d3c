import { Flags } from '@oclif/core';
import type { z } from 'zod';

import { BaseCommand } from '../../cli/base-command';
import { connectionFlags } from '../../cli/flags';
import { runAndShow, runHead } from '../../cli/run-io';
import { lookCommand, selectionFlags, selectionOf, vmArgs } from '../../cli/run-flags';
import { statusResultSchema, statusRunToJson } from '../../render';

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Where each declared and live stack of the VM stands: in sync, drifted, missing, not owned, owned but undeclared, Git-based.';
  static override description = `Reads the VM's Portainer environment (every stack's file, to know who owns it) and compares it with the config, the same way converge plans. Never writes. Exit 0; with --detailed-exitcode, 2 when anything is out of sync (drifted, missing, not owned, Git-based, owned but undeclared), for cron drift alerts. Stacks that are neither declared nor this VM's are listed as unmanaged and do not count.

With --all or --env <name>, every selected VM is read against one Portainer connection and a summary table follows; the exit code is the worst VM's (130, 1, 77, 69, 65, 73, 75, then 2 with --detailed-exitcode, then 0). The hourly drift check runs \`phoenix portainer status --all --detailed-exitcode\`.`;
  static override examples = [
    { description: 'Where VM 1002 stands', command: 'phoenix portainer 1002 status' },
    { description: 'Cron drift alert: exit 2 when anything is out of sync', command: 'phoenix portainer 1002 status --detailed-exitcode' },
    { description: 'Every VM of the config: exit 2 when any VM drifted', command: 'phoenix portainer status --all --detailed-exitcode' },
    { description: 'Machine-readable', command: 'phoenix portainer 1002 status --json' },
  ];
  static override args = { ...vmArgs };
  static override flags = {
    ...connectionFlags,
    ...selectionFlags,
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when any stack (of any selected VM) is out of sync.' }),
  };
  static override result = statusResultSchema;

  public async run(): Promise<z.infer<typeof statusResultSchema>> {
    const { flags, args } = this;
    const selection = selectionOf('status', args, flags);
    const { result, view } = await runAndShow(
      this.host(),
      {
        ...this.portainerRequest(flags),
        mode: 'status',
        selection,
        prune: true,
        adopt: false,
        parallelVms: flags['parallel-vms'],
        detailedExitcode: flags['detailed-exitcode'],
      },
      { markdown: false, yes: false, lookCommand: lookCommand(selection) },
    );
    this.exitCode = result.exitCode;
    this.failure = result.failure;
    return statusRunToJson(runHead(result), view.vms);
  }
}
