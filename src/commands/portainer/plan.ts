import { ConvergeBase } from '../../converge-base';
import { EXIT_CODES_HELP } from '../../cli/base-command';

// plan never writes: the apply-only flags of converge mean nothing here.
const { yes: _yes, 'dry-run': _dryRun, 'wait-lock': _waitLock, rollback: _rollback, ...planOnlyFlags } = ConvergeBase.flags;

export default class Plan extends ConvergeBase {
  static override flags = planOnlyFlags as typeof ConvergeBase.flags;
  static override summary = 'Show what converge would change on the VM; never writes.';
  static override description = `The same plan converge shows and applies, computed the same way, without any write request (same as converge --dry-run). With --detailed-exitcode it exits 2 when there are changes, so CI can gate on drift. With --all or --env <name> it plans every selected VM and ends with a summary table per VM; the exit code is the worst VM's (130, 1, 77, 69, 65, 73, 75, then 2, then 0).

EXIT CODES
${EXIT_CODES_HELP}`;
  static override examples = [
    { description: 'Plan VM 1002', command: 'phoenix portainer 1002 plan' },
    { description: 'Fail a CI job when VM 1002 has drifted', command: 'phoenix portainer 1002 plan --detailed-exitcode' },
    { description: 'Plan as a Markdown comment for a merge request', command: 'phoenix portainer 1002 plan --markdown' },
    { description: 'Plan every VM of the test environment, exit 2 on any drift', command: 'phoenix portainer plan --env test --detailed-exitcode' },
  ];

  protected readonly applies = false;
}
