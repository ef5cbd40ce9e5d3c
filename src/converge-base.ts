import { Args, Flags } from '@oclif/core';
import type { Command } from '@oclif/core';
import { createInterface } from 'node:readline';

import { executeConverge, prepareConverge } from './app/converge';
import { applyMany, manyExitCode, prepareMany, unnamedProtected } from './app/converge-many';
import type { ManyRequest, PreparedMany, VmRun } from './app/converge-many';
import type { PreparedConverge } from './app/converge';
import { BaseCommand } from './cli/base-command';
import { CancelledError, ConflictError, ExitCode, UsageError } from './errors';
import { hasChanges } from './plan';
import { deployTimeout, parseVmid, planFlags, rollbackFlag, waitLockMs } from './cli/flags';
import { manyToJson, planToJson, renderManyMarkdown, renderManySummary, renderPlanMarkdown, renderPlanText, renderResultText, resultsToJson } from './render';
import type { PlanHeader, VmRow } from './render';
import { ElapsedLine } from './util/elapsed';

/** What a multi-VM converge needs besides the request: how to show it and whether to write. */
export interface ManySettings {
  request: ManyRequest;
  applying: boolean;
  markdown: boolean;
  detailed: boolean;
  yes: boolean;
}

/**
 * The multi-VM run shared by `converge --all/--env` and `promote --converge`: every plan first,
 * one confirmation, the VMs in parallel, then a summary table per VM and the worst VM's exit code.
 */
export abstract class ManyVmCommand<T extends typeof Command> extends BaseCommand<T> {
  // oclif's manifest collects static keys up the prototype chain and stops at the first class
  // that has none: without an own static key here, converge and plan lost --json, --config,
  // --verbose and --debug from their help and manifest.
  static override enableJsonFlag = true;

  protected async convergeMany(settings: ManySettings): Promise<{ portainer: { url: string; version: string } | null; applied: boolean; vms: ReturnType<typeof manyToJson> }> {
    const { request } = settings;
    const prepared = await prepareMany(request);
    this.secrets.push(...(prepared.session?.secrets ?? []));
    try {
      const planned = prepared.runs.filter((run) => run.prepared !== undefined);
      if (!settings.markdown) for (const run of planned) if (run.prepared) this.out(`${renderPlanText(headerOf(run.prepared), run.prepared.plan, this.paint)}\n`);
      const pending = prepared.runs.filter((run) => run.outcome === 'planned');
      for (const run of prepared.runs.filter((r) => r.outcome === 'protected')) this.note(protectedNote(run, prepared.config, request.selection));
      let applied = false;
      if (settings.applying && pending.length > 0) {
        await this.confirmApply(settings.yes, pending.reduce((sum, run) => sum + (run.prepared?.plan.summary.delete ?? 0), 0), pending.length);
        await this.interruptible((signal) =>
          applyMany(prepared, { parallelVms: request.parallelVms, concurrency: request.concurrency, deployTimeoutMs: request.deployTimeoutMs, rollback: this.flags.rollback, signal, ...this.progressOptions() }),
        );
        applied = true;
        if (!settings.markdown) for (const run of pending) if (run.results) this.out(`VM ${run.vm.vmid} (${run.vm.name}):\n${renderResultText(run.results, this.paint)}\n`);
      }
      const rows = prepared.runs.map(rowOf);
      if (settings.markdown) {
        for (const run of planned) if (run.prepared) this.out(`${renderPlanMarkdown(headerOf(run.prepared), run.prepared.plan, run.results)}\n`);
        this.out(renderManyMarkdown(rows));
      } else this.out(renderManySummary(rows, this.paint));
      if (pending.length === 0 && prepared.runs.every((run) => run.exitCode === ExitCode.OK && run.outcome !== 'protected')) this.note('Nothing to do: every selected VM matches the config.');
      this.exitCode = manyExitCode(prepared.runs, settings.detailed);
      return { portainer: prepared.session ? { url: prepared.session.url, version: prepared.session.version.raw } : null, applied, vms: manyToJson(rows) };
    } finally {
      await prepared.close();
    }
  }

  /**
   * Progress lines on stderr; on a terminal (and not with --json) also an elapsed-time line,
   * redrawn in place, for actions slower than a few seconds.
   */
  protected progressOptions(): { progress: (line: string) => void; activity?: (label: string) => () => void } {
    if (!process.stderr.isTTY || this.jsonEnabled()) return { progress: (line) => this.note(line) };
    const elapsed = new ElapsedLine((text) => process.stderr.write(this.redact(text)));
    return { progress: (line) => elapsed.print(this.redact(line)), activity: (label) => elapsed.start(label) };
  }

  /** terraform's rule: on a terminal ask, and only "yes" goes on; elsewhere --yes is required. */
  protected async confirmApply(yes: boolean, deletes: number, vms = 1): Promise<void> {
    if (yes) return;
    if (!process.stdin.isTTY || this.jsonEnabled()) {
      throw new UsageError('refusing to apply without confirmation', {
        code: 'CONFIRMATION_REQUIRED',
        hint: `Review the plan above, then run again with --yes (or use \`phoenix portainer ${vms > 1 ? 'plan --all/--env' : `${this.argv.find((a) => /^\d+$/.test(a)) ?? '<vmid>'} plan`}\` to only look).`,
      });
    }
    const warning = deletes > 0 ? ` ${deletes} stack(s) will be DELETED (volumes are kept).` : '';
    const what = vms > 1 ? `these plans (${vms} VMs)` : 'this plan';
    if (!(await askYes(`\nApply ${what}?${warning} Only 'yes' is accepted: `))) throw new CancelledError('declined');
  }
}

/**
 * Asks on the terminal (stderr); true only for "yes". Ctrl-C and Ctrl-D end the question as a
 * cancel (CancelledError: 130 and 1), never as an AbortError with a stack trace.
 */
export function askYes(question: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    let settled = false;
    const settle = (end: () => void) => {
      if (settled) return;
      settled = true;
      end();
      rl.close();
    };
    const cancel = (how: 'ctrl-c' | 'eof') => () =>
      settle(() => {
        process.stderr.write('\n');
        reject(new CancelledError(how));
      });
    // On a terminal readline turns Ctrl-C into its own 'SIGINT' event, and Ctrl-D on an empty line (end of input) into 'close'.
    rl.on('SIGINT', cancel('ctrl-c'));
    rl.on('close', cancel('eof'));
    rl.question(question, (answer) => settle(() => resolve(answer.trim() === 'yes')));
  });
}

/**
 * plan and converge share this one code path (STYLE.md: no separate dry-run implementation):
 * prepare the plan, show it, and (converge only) apply exactly that plan.
 */
export abstract class ConvergeBase extends ManyVmCommand<typeof ConvergeBase> {
  static override args = {
    vmid: Args.string({ description: 'Proxmox vmid of the VM (as in phoenix_vm_configs.json); not with --all or --env' }),
    stack: Args.string({ description: 'limit the run to this stack' }),
  };

  static override flags = {
    ...planFlags,
    yes: Flags.boolean({ char: 'y', summary: 'Apply without asking (required when stdin is not a terminal).' }),
    'dry-run': Flags.boolean({ summary: 'Plan only; never write (same as the plan command).' }),
    'wait-lock': Flags.string({ summary: 'When another converge holds this VM’s lock, wait up to this long (e.g. 5m) instead of exiting 75.' }),
    ...rollbackFlag,
    all: Flags.boolean({ summary: 'Every VM of the config (VMs without docker_stacks are listed as skipped).', exclusive: ['env'], helpGroup: 'MANY VMS' }),
    env: Flags.string({ summary: 'Every VM of this environment (its "environment", or a docker_stacks entry in it).', exclusive: ['all'], helpGroup: 'MANY VMS' }),
    'include-protected': Flags.boolean({
      summary: 'With --all/--env: also apply to VMs of protected environments that the selection does not name (by default they are planned, not applied).',
      helpGroup: 'MANY VMS',
    }),
    'parallel-vms': Flags.integer({ summary: 'With --all/--env: VMs planned and applied at once.', default: 4, min: 1, max: 32, helpGroup: 'MANY VMS' }),
  };

  /** True for converge, false for plan. */
  protected abstract readonly applies: boolean;

  public async run(): Promise<unknown> {
    const flags = this.flags;
    if (flags.all || flags.env !== undefined) return this.runMany();
    if (this.args.vmid === undefined) {
      throw new UsageError('missing vmid', { hint: 'Name the VM (phoenix portainer 1002 converge), or run every VM with --all or one environment with --env <name>.' });
    }
    const vmid = parseVmid(this.args.vmid);
    if (flags.prune && this.args.stack) {
      throw new UsageError('--prune cannot be combined with a stack argument', { hint: 'Prune works on the whole VM: drop the stack argument, or drop --prune.' });
    }
    const deployTimeoutMs = deployTimeout(flags);
    // The lock (per Portainer and vmid) covers plan and apply, so the plan that is applied is not stale.
    const lock = this.applies && !flags['dry-run'] ? { waitMs: waitLockMs(flags), command: `phoenix portainer ${vmid} converge` } : undefined;
    return this.planAndApply(vmid, deployTimeoutMs, lock);
  }

  private async planAndApply(vmid: number, deployTimeoutMs: number, lock: { waitMs: number; command: string } | undefined): Promise<unknown> {
    const flags = this.flags;
    const prepared = await prepareConverge({ ...this.portainerRequest(flags), vmid, stack: this.args.stack, prune: flags.prune, adopt: flags.adopt, lock });
    this.secrets.push(...prepared.secrets);
    try {
      return await this.showAndApply(prepared, deployTimeoutMs);
    } finally {
      await prepared.lock?.release();
      await prepared.client.close();
    }
  }

  private async showAndApply(prepared: PreparedConverge, deployTimeoutMs: number): Promise<unknown> {
    const { plan } = prepared;
    const header = headerOf(prepared);
    const document = {
      vm: { vmid: prepared.vm.vmid, name: prepared.vm.name, environment: prepared.vm.environment ?? null },
      portainer: { url: prepared.url, version: prepared.version.raw },
      environment: { id: prepared.environment.id, name: prepared.environment.name, swarm: prepared.environment.swarm },
      plan: planToJson(plan),
      applied: false,
      results: null as ReturnType<typeof resultsToJson> | null,
    };
    if (!this.flags.markdown) this.out(renderPlanText(header, plan, this.paint));

    if (plan.summary.conflict > 0) {
      if (this.flags.markdown) this.out(renderPlanMarkdown(header, plan));
      this.failure = new ConflictError(`${plan.summary.conflict} stack(s) need a decision; nothing was written`, {
        hint: [
          plan.items.some((i) => i.conflict !== undefined && i.conflict.kind !== 'duplicate') &&
            'Run again with --adopt to take over same-named stacks phoenix does not own (a Git-based stack is detached from Git), or rename the stack in the config.',
          plan.items.some((i) => i.conflict?.kind === 'duplicate') &&
            'Portainer holds stacks whose names differ only in case (from before Portainer 2.9.1): delete or rename the extra one in Portainer, then run again (--adopt does not resolve that).',
        ].filter(Boolean).join(' '),
      });
      return document;
    }
    const changes = hasChanges(plan);
    const planOnly = !this.applies || this.flags['dry-run'];
    if (!changes || planOnly) {
      if (this.flags.markdown) this.out(renderPlanMarkdown(header, plan));
      if (changes && this.flags['detailed-exitcode']) this.exitCode = ExitCode.CHANGES;
      if (!changes) this.note('Nothing to do: the VM matches the config.');
      return document;
    }
    await this.confirmApply(this.flags.yes, plan.summary.delete);
    const { result: outcome, interrupted } = await this.interruptible((signal) =>
      executeConverge(prepared, { concurrency: this.flags.concurrency, deployTimeoutMs, rollback: this.flags.rollback, signal, ...this.progressOptions() }),
    );
    document.applied = true;
    document.results = resultsToJson(outcome.results);
    this.out(this.flags.markdown ? renderPlanMarkdown(header, plan, outcome.results) : `\n${renderResultText(outcome.results, this.paint)}`);
    if (interrupted !== undefined) this.exitCode = interrupted;
    else if (!outcome.ok) this.exitCode = ExitCode.APPLY_FAILED;
    else if (this.flags['detailed-exitcode']) this.exitCode = ExitCode.CHANGES;
    return document;
  }

  /** `--all` / `--env`: every plan first, one confirmation, then the VMs in parallel; a summary table per VM. */
  private async runMany(): Promise<unknown> {
    const flags = this.flags;
    if (this.args.vmid !== undefined) {
      throw new UsageError(`--all and --env select the VMs themselves; "${this.args.vmid}" is one argument too many`, {
        hint: 'Drop the vmid to converge every selected VM, or drop --all/--env to converge one VM (stack filters work on one VM only).',
      });
    }
    const applying = this.applies && !flags['dry-run'];
    const result = await this.convergeMany({
      request: {
        ...this.portainerRequest(flags),
        selection: { all: flags.all, env: flags.env },
        prune: flags.prune,
        adopt: flags.adopt,
        parallelVms: flags['parallel-vms'],
        lock: applying ? { waitMs: waitLockMs(flags), command: `phoenix portainer converge ${this.argv.join(' ')}` } : undefined,
        guardProtected: applying && !flags['include-protected'],
      },
      applying,
      markdown: flags.markdown,
      detailed: flags['detailed-exitcode'],
      yes: flags.yes,
    });
    return { selection: flags.all ? { all: true } : { env: flags.env }, ...result };
  }
}

/** Why a VM with changes was not applied, and the three ways to apply it. */
function protectedNote(run: VmRun, config: PreparedMany['config'], selection: ManyRequest['selection']): string {
  const envs = unnamedProtected(config, run.vm, selection);
  const named = envs.map((env) => `"${env}"`).join(', ');
  return (
    `Not applied: VM ${run.vm.vmid} (${run.vm.name}) writes to protected environment ${named}, which this run does not name. ` +
    `To apply it: --env ${envs[0]}, or phoenix portainer ${run.vm.vmid} converge, or add --include-protected.`
  );
}

function headerOf(prepared: PreparedConverge): PlanHeader {
  return {
    vmid: prepared.vm.vmid,
    vmName: prepared.vm.name,
    environmentName: prepared.environment.name,
    environmentId: prepared.environment.id,
    portainerVersion: prepared.version.raw,
    url: prepared.url,
  };
}

function rowOf(run: VmRun): VmRow {
  return {
    vmid: run.vm.vmid,
    name: run.vm.name,
    environment: run.vm.environment,
    portainerEnvironment: run.prepared ? { id: run.prepared.environment.id, name: run.prepared.environment.name } : undefined,
    outcome: run.outcome,
    exitCode: run.exitCode,
    plan: run.prepared?.plan,
    results: run.results,
    error: run.error ? { code: run.error.code, message: run.error.message, ...(run.error.hint ? { hint: run.error.hint } : {}) } : undefined,
  };
}
