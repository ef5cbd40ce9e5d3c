import { Args, Flags } from '@oclif/core';

import { preparePromotion, writePromotion } from '../../app/promote';
import { BaseCommand } from '../../cli/base-command';
import { confirmProtected } from '../../cli/prompts';
import { runAndShow, runHead } from '../../cli/run-io';
import { ExitCode } from '../../errors';
import { connectionFlags } from '../../cli/flags';
import { convergeToJson, renderPromotionText } from '../../render';
import { promoteResult, promoteToJson } from '../../render/promotion-json';
import type { PromoteResult } from '../../render/promotion-json';

export default class Promote extends BaseCommand<typeof Promote> {
  static override summary = 'Promote stacks from one environment to another by editing the config (compose and the stack’s `promote` env keys).';
  static override description = `For each stack, the source environment's compose (its own compose_file/compose in stacks.<s>.environments, else the stack's) and the values of the env keys listed in stacks.<s>.promote become the target environment's settings in phoenix_vm_configs.json. A key the target already sets changes in place; otherwise it is added to stacks.<s>.environments.<to>.env. Everything else of the target stays. Without stack names, every stack that a VM runs in the source environment is promoted.

Refused with exit 73 when the source environment's live stacks differ from its config (you would promote something untested), unless --force. Prints the change as a unified diff; --write saves it with a minimal edit (comments, formatting and key order kept); --converge then converges every VM of the target environment. A protected target needs --yes or a confirmation on a terminal. See docs/promotion.md.`;
  static override examples = [
    { description: 'Show what promoting every test stack to prod would change', command: 'phoenix portainer promote --from test --to prod' },
    { description: 'Promote qdrant, save the file, converge prod (CI)', command: 'phoenix portainer promote --from test --to prod qdrant --write --converge --yes' },
    { description: 'Exit 2 when there is something to promote', command: 'phoenix portainer promote --from test --to prod --detailed-exitcode' },
  ];
  static override strict = false;
  static override args = { stacks: Args.string({ description: 'stacks to promote, any number (default: every stack a VM runs in --from)' }) };
  static override flags = {
    ...connectionFlags,
    from: Flags.string({ summary: 'Environment to promote from (what was tested).', required: true }),
    to: Flags.string({ summary: 'Environment to promote to.', required: true }),
    write: Flags.boolean({ summary: 'Save the change to the config file (minimal edit).' }),
    converge: Flags.boolean({ summary: 'After --write, converge every VM of the target environment.', dependsOn: ['write'] }),
    force: Flags.boolean({ summary: 'Promote even when the source environment does not run what its config says.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Write to a protected environment and apply the converge without asking.' }),
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when there is something to promote (or --converge changed something).' }),
    'parallel-vms': Flags.integer({ summary: 'With --converge: VMs planned and applied at once.', default: 4, min: 1, max: 32 }),
  };

  static override result = promoteResult;

  public async run(): Promise<PromoteResult> {
    const { flags } = this;
    const stacks = (await this.parse(Promote)).argv.map(String);
    const request = { ...this.portainerRequest(flags), parallelVms: flags['parallel-vms'] };
    const prepared = await preparePromotion({ ...request, from: flags.from, to: flags.to, stacks, force: flags.force });
    for (const warning of prepared.warnings) this.note(`Warning: ${warning}`);
    this.out(renderPromotionText(prepared.plan, prepared.diff, this.paint));
    let converge: Record<string, unknown> | null = null;
    if (prepared.diff === '' || !flags.write) {
      if (prepared.diff !== '' && flags['detailed-exitcode']) this.exitCode = ExitCode.CHANGES;
      if (prepared.diff !== '' && !flags.write) this.note('Not written: run again with --write to save this change.');
      if (prepared.diff === '') this.note(`Nothing to promote: ${flags.to} already has what ${flags.from} has.`);
      if (prepared.diff === '' && flags.converge) converge = await this.convergeTarget(request, flags.to);
      return promoteToJson(prepared, false, converge);
    }
    if (prepared.protectedTarget) await confirmProtected(flags.to, { yes: flags.yes, json: this.jsonEnabled() });
    await writePromotion(prepared);
    this.note(`Wrote ${prepared.plan.changes.length} change(s) to ${prepared.config.path}.`);
    if (flags['detailed-exitcode']) this.exitCode = ExitCode.CHANGES;
    if (flags.converge) converge = await this.convergeTarget(request, flags.to);
    return promoteToJson(prepared, true, converge);
  }

  /** --converge: every VM of the target phoenix environment, through the same run as `converge --env <to>`. */
  private async convergeTarget(request: ReturnType<Promote['portainerRequest']> & { parallelVms: number }, env: string) {
    const selection = { env };
    const lock = { waitMs: 0, command: `phoenix ${this.argv.join(' ')}` };
    const run = { ...request, mode: 'converge' as const, selection, prune: false, adopt: false, detailedExitcode: this.flags['detailed-exitcode'], lock, includeProtected: true };
    const { result, view } = await runAndShow(this.host(), run, { markdown: false, yes: this.flags.yes, lookCommand: `phoenix portainer plan --env ${env}` });
    this.exitCode = result.exitCode;
    return convergeToJson(runHead(result), result.applied, view.vms);
  }
}
