import type { z } from 'zod';

import { BaseCommand } from '../../cli/base-command';
import { planFlags, redeployOf } from '../../cli/flags';
import { runAndShow, runHead } from '../../cli/run-io';
import { lookCommand, selectionFlags, selectionOf, stackArg, vmArgs } from '../../cli/run-flags';
import { convergeResultSchema, convergeToJson } from '../../render';

export default class Plan extends BaseCommand<typeof Plan> {
  static override summary = 'Show what converge would change on the VM; never writes.';
  static override description = `The same plan converge shows and applies, computed the same way, without any write request (same as converge --dry-run). With --detailed-exitcode it exits 2 when there are changes, so CI can gate on drift. With --all or --env <name> it plans every selected VM and ends with a summary table per VM; the exit code is the worst VM's (130, 1, 77, 69, 65, 73, 75, then 2, then 0).`;
  static override examples = [
    { description: 'Plan VM 1002', command: 'phoenix portainer 1002 plan' },
    { description: 'Fail a CI job when VM 1002 has drifted', command: 'phoenix portainer 1002 plan --detailed-exitcode' },
    { description: 'Plan as a Markdown comment for a merge request', command: 'phoenix portainer 1002 plan --markdown' },
    { description: 'Plan every VM of the test environment, exit 2 on any drift', command: 'phoenix portainer plan --env test --detailed-exitcode' },
  ];
  static override args = { ...vmArgs, ...stackArg };
  static override flags = { ...planFlags, ...selectionFlags };
  static override result = convergeResultSchema;

  public async run(): Promise<z.infer<typeof convergeResultSchema>> {
    const { flags, args } = this;
    const selection = selectionOf('plan', args, flags);
    const { result, view } = await runAndShow(
      this.host(),
      {
        ...this.portainerRequest(flags),
        mode: 'plan',
        selection,
        prune: flags.prune,
        adopt: flags.adopt,
        redeploy: redeployOf(flags),
        parallelVms: flags['parallel-vms'],
        detailedExitcode: flags['detailed-exitcode'],
      },
      { markdown: flags.markdown, yes: false, lookCommand: lookCommand(selection) },
    );
    this.exitCode = result.exitCode;
    this.failure = result.failure;
    return convergeToJson(runHead(result), result.applied, view.vms);
  }
}
