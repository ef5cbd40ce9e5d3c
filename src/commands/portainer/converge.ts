import type { z } from 'zod';

import { BaseCommand } from '../../cli/base-command';
import { planFlags, redeployOf, rollbackFlag, waitLockMs } from '../../cli/flags';
import { runAndShow, runHead } from '../../cli/run-io';
import { applyFlags, lookCommand, selectionFlags, selectionOf, stackArg, vmArgs } from '../../cli/run-flags';
import { convergeResultSchema, convergeToJson } from '../../render';

export default class Converge extends BaseCommand<typeof Converge> {
  static override summary = 'Make the VM’s live stacks match the config: plan, show the plan, then apply it.';
  static override description = `Reads the VM's desired stacks from phoenix_vm_configs.json and the live stacks of its Portainer environment, shows a terraform-like plan (+ create, ~ update, - delete, = in sync, ! conflict), asks for confirmation on a terminal (--yes otherwise), then applies exactly that plan. Stacks phoenix does not own are never changed without --adopt and never deleted.

With --all or --env <name>, every selected VM is planned against one Portainer connection, all plans are shown, one confirmation covers them all, and the VMs are applied --parallel-vms at a time; a failure on one VM does not stop the others. A summary table lists each VM's counts and outcome, and the exit code is the worst VM's, most severe first: 130, 1, 77, 69, 65, 73, 75, then 2 (with --detailed-exitcode), then 0. VMs without docker_stacks are listed as skipped.

The seed syntax puts the vmid before the verb: phoenix portainer <vmid> converge [stack]. "phoenix portainer converge <vmid>" works too.`;
  static override examples = [
    { description: 'Converge VM 1002, asking before any change', command: 'phoenix portainer 1002 converge' },
    { description: 'Converge one stack only, in CI', command: 'phoenix portainer 1002 converge monitoring --yes' },
    { description: 'Also delete owned stacks that left the config', command: 'phoenix portainer 1002 converge --prune --yes' },
    { description: 'Machine-readable result', command: 'phoenix portainer 1002 converge --yes --json' },
    { description: 'Redeploy every owned stack with freshly pulled images (:latest tags)', command: 'phoenix portainer 1002 converge --pull --yes' },
    { description: 'Every VM of the config, in one run', command: 'phoenix portainer converge --all --yes' },
    { description: 'Every VM of the prod environment, two at a time', command: 'phoenix portainer converge --env prod --parallel-vms 2 --yes' },
  ];
  static override args = { ...vmArgs, ...stackArg };
  static override flags = { ...planFlags, ...applyFlags, ...rollbackFlag, ...selectionFlags };
  static override result = convergeResultSchema;

  public async run(): Promise<z.infer<typeof convergeResultSchema>> {
    const { flags, args } = this;
    const selection = selectionOf('converge', args, flags);
    const applying = !flags['dry-run'];
    // The lock (per Portainer and vmid) covers plan and apply, so the plan that is applied is not stale.
    const command = 'vmids' in selection ? `phoenix portainer ${selection.vmids.join(' ')} converge` : `phoenix portainer converge ${this.argv.join(' ')}`;
    const { result, view } = await runAndShow(
      this.host(),
      {
        ...this.portainerRequest(flags),
        mode: applying ? 'converge' : 'plan',
        selection,
        prune: flags.prune,
        adopt: flags.adopt,
        redeploy: redeployOf(flags),
        parallelVms: flags['parallel-vms'],
        detailedExitcode: flags['detailed-exitcode'],
        lock: applying ? { waitMs: waitLockMs(flags), command } : undefined,
        includeProtected: flags['include-protected'],
        rollback: flags.rollback,
      },
      { markdown: flags.markdown, yes: flags.yes, lookCommand: lookCommand(selection) },
    );
    this.exitCode = result.exitCode;
    this.failure = result.failure;
    return convergeToJson(runHead(result), result.applied, view.vms);
  }
}
