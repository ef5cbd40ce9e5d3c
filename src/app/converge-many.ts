import type { ActionResult } from '../apply';
import { closest, listVms, loadConfig, resolveVm } from '../config';
import type { LoadedConfig, ResolvedVm, VmSummary } from '../config';
import { ConfigError, ConflictError, ExitCode, PhoenixError, signalExitCode } from '../errors';
import type { ExitCodeValue } from '../errors';
import { hasChanges } from '../plan';
import type { Plan } from '../plan';
import { mapLimit } from '../util/concurrency';
import { afterLock, executeConverge, openSession, planVm } from './converge';
import type { PortainerSession, PreparedConverge, SessionRequest } from './converge';
import { StackSecrets } from './desired-env';
import { acquireVmLock } from './lock';
import type { VmLock } from './lock';
import type { StackStatus } from './status';

import { worstExitCode } from '../errors';

export type VmOutcome =
  | 'skipped' // declares no docker_stacks
  | 'unchanged'
  | 'planned' // has changes; plan only
  | 'applied'
  | 'apply-failed'
  | 'conflict'
  | 'locked'
  | 'error' // config, Portainer or auth problem of this VM
  | 'not-applied' // interrupted or cancelled before this VM's apply
  | 'protected' // has changes, but writes to a protected environment that the run did not name
  | 'in-sync' // status: every stack in sync
  | 'out-of-sync'; // status: something to converge or to decide

export interface VmRun {
  vm: VmSummary;
  outcome: VmOutcome;
  exitCode: ExitCodeValue;
  prepared?: PreparedConverge;
  results?: ActionResult[];
  error?: PhoenixError;
  /** Held from before the plan until after the apply (converge only). */
  lock?: VmLock;
  /** status only: where each stack stands. */
  status?: { stacks: StackStatus[]; outOfSync: number };
}

/**
 * Which VMs a run takes: the named ones (one VM is a selection of one, optionally limited to
 * one stack), every VM of the config, or every VM of one phoenix environment.
 */
export type Selection = { vmids: number[]; stack?: string } | { all: true } | { env: string };

/** True when the run names its VMs: a failure of a named VM is the run's failure (thrown). */
export function namesVms(selection: Selection): selection is { vmids: number[]; stack?: string } {
  return 'vmids' in selection;
}

export interface ManyRequest extends SessionRequest {
  configPath: string;
  selection: Selection;
  prune: boolean;
  adopt: boolean;
  /** VMs planned and applied at once. */
  parallelVms: number;
  /** Converge takes each VM's lock around plan and apply (here, for one VM and many); plan does not. */
  lock?: { waitMs: number; command: string };
  /**
   * Converge: a VM that would write to a `protected` environment is planned but not applied
   * unless the run names that environment (`--env prod`); `--include-protected` turns this off.
   */
  guardProtected?: boolean;
  /** How to reach Portainer; openSession unless a caller (a test) brings its own. */
  openSession?: typeof openSession;
}

export interface PreparedMany {
  config: LoadedConfig;
  session?: PortainerSession;
  runs: VmRun[];
  close(): Promise<void>;
}

/**
 * The VMs of the run, in vmid order: every VM (`--all`), or those of one environment (`--env`):
 * a VM whose `environment` is it, or which runs a docker_stacks entry in it. VMs without
 * docker_stacks come back as skipped (docs/configuration.md#vms). Named VMs are taken as named,
 * with or without docker_stacks (their plan then says there is nothing declared).
 */
export async function selectVms(config: LoadedConfig, selection: Selection): Promise<{ selected: VmSummary[]; skipped: VmSummary[] }> {
  const vms = listVms(config);
  if (namesVms(selection)) {
    const selected: VmSummary[] = [];
    for (const vmid of selection.vmids) {
      const summary = vms.find((vm) => vm.vmid === vmid);
      // An unknown vmid (or stack): resolveVm says so, with the closest name.
      if (summary === undefined) await resolveVm(config, vmid, selection.stack);
      else selected.push(summary);
    }
    return { selected, skipped: [] };
  }
  let chosen = vms;
  if ('env' in selection) {
    const env = selection.env;
    const known = [...new Set([...Object.keys(config.environments), ...vms.flatMap((vm) => [...(vm.environment ? [vm.environment] : []), ...vm.stackEnvironments])])].sort();
    if (!known.includes(env)) {
      const suggestion = closest(env, known);
      // JSON-quoted: a quote or a newline in the name cannot break the one-line message.
      throw new ConfigError(`unknown environment ${JSON.stringify(env)}${suggestion ? `; did you mean "${suggestion}"?` : ''}`, {
        code: 'UNKNOWN_ENVIRONMENT',
        hint: known.length > 0 ? `Environments of the config: ${known.join(', ')}.` : 'The config declares no environments.',
      });
    }
    chosen = vms.filter((vm) => vm.environment === env || vm.stackEnvironments.includes(env));
  }
  return { selected: chosen.filter((vm) => vm.stackNames.length > 0), skipped: chosen.filter((vm) => vm.stackNames.length === 0) };
}

function failed(vm: VmSummary, error: unknown, selection: Selection, lock?: VmLock): VmRun {
  if (!(error instanceof PhoenixError) || namesVms(selection)) throw error;
  const outcome: VmOutcome = error.exitCode === ExitCode.LOCKED ? 'locked' : 'error';
  return { vm, outcome, exitCode: error.exitCode, error, lock };
}

/**
 * Plans every selected VM against one Portainer session, `parallelVms` at a time. A problem of
 * one VM (its config, its environment, its lock) is recorded on that VM and the others go on.
 * A problem of the whole run (an invalid file, no token, Portainer unreachable) is thrown.
 */
export async function prepareMany(request: ManyRequest): Promise<PreparedMany> {
  const config = await loadConfig(request.configPath);
  const { selected, skipped } = await selectVms(config, request.selection);
  const stack = namesVms(request.selection) ? request.selection.stack : undefined;
  const summaries = new Map(selected.map((vm) => [vm.vmid, vm]));
  const stackSecrets = StackSecrets.for(config, request.env, request.warn, request.log);
  const resolved = await Promise.all(
    selected.map(async (vm): Promise<ResolvedVm | VmRun> => {
      try {
        const full = await resolveVm(config, vm.vmid, stack);
        for (const line of full.warnings ?? []) request.warn(line);
        await stackSecrets.load(full.stacks);
        return full;
      } catch (error) {
        return failed(vm, error, request.selection);
      }
    }),
  );
  const skippedRuns: VmRun[] = skipped.map((vm) => ({ vm, outcome: 'skipped', exitCode: ExitCode.OK }));
  const toPlan = resolved.filter((r): r is ResolvedVm => 'stacks' in r);
  // --concurrency is per VM; VMs run in parallel, so the shared connection pool holds them all.
  const connections = request.concurrency * Math.max(1, Math.min(request.parallelVms, toPlan.length));
  const open = request.openSession ?? openSession;
  const session = toPlan.length > 0 ? await open(config, { ...request, concurrency: connections, stackSecrets }) : undefined;
  const planned = session
    ? await mapLimit(toPlan, request.parallelVms, async (vm): Promise<VmRun> => {
        let lock: VmLock | undefined;
        try {
          if (request.lock) lock = await acquireVmLock(vm.vmid, { ...request.lock, portainerUrl: session.url });
          const prepared = await planVm(await afterLock(session, lock), config, vm, {
            stack,
            prune: request.prune,
            adopt: request.adopt,
            redeploy: request.redeploy,
            concurrency: request.concurrency,
            stackSecrets,
            warn: request.warn,
          });
          const summary = summaries.get(vm.vmid);
          const guarded = request.guardProtected === true && summary !== undefined && unnamedProtected(config, summary, request.selection).length > 0;
          const outcome: VmOutcome = prepared.plan.summary.conflict > 0 ? 'conflict' : !hasChanges(prepared.plan) ? 'unchanged' : guarded ? 'protected' : 'planned';
          const exitCode = outcome === 'conflict' ? ExitCode.CONFLICT : ExitCode.OK;
          if (outcome !== 'planned') await lock?.release();
          const error = outcome === 'conflict' ? conflictError(prepared.plan) : undefined;
          return { vm, outcome, exitCode, prepared, lock: outcome === 'planned' ? lock : undefined, ...(error ? { error } : {}) };
        } catch (error) {
          await lock?.release();
          return failed(vm, error, request.selection);
        }
      })
    : [];
  const runs = [...planned, ...resolved.filter((r): r is VmRun => !('stacks' in r)), ...skippedRuns].sort((a, b) => a.vm.vmid - b.vm.vmid);
  return {
    config,
    session,
    runs,
    close: async () => {
      await Promise.all(runs.map((run) => run.lock?.release()));
      await session?.client.close();
    },
  };
}

/**
 * The protected environments a VM's converge would write to (its own environment and those of
 * its docker_stacks entries) that the selection does not name: `--all` names none, `--env X` names X.
 */
export function unnamedProtected(config: LoadedConfig, vm: VmSummary, selection: Selection): string[] {
  const envs = new Set([...(vm.environment ? [vm.environment] : []), ...vm.stackEnvironments]);
  return [...envs].filter((env) => config.environments[env]?.protected === true && !('env' in selection && selection.env === env)).sort();
}

/** A plan with conflicts is not applied (exit 73); the hint names the way out for each kind. */
export function conflictError(plan: Plan): ConflictError {
  return new ConflictError(`${plan.summary.conflict} stack(s) need a decision; nothing was written`, {
    hint: [
      plan.items.some((i) => i.conflict !== undefined && i.conflict.kind !== 'duplicate') &&
        'Run again with --adopt to take over same-named stacks phoenix does not own (a Git-based stack is detached from Git), or rename the stack in the config.',
      plan.items.some((i) => i.conflict?.kind === 'duplicate') &&
        'Portainer holds stacks whose names differ only in case (from before Portainer 2.9.1): delete or rename the extra one in Portainer, then run again (--adopt does not resolve that).',
    ]
      .filter(Boolean)
      .join(' '),
  });
}

/**
 * Applies every VM whose plan has changes and no conflict, `parallelVms` at a time; one VM's
 * failure does not stop the others. Each lock is released as soon as its VM is done.
 */
export async function applyMany(
  prepared: PreparedMany,
  options: {
    parallelVms: number;
    concurrency: number;
    deployTimeoutMs: number;
    /** Put back the previous version after a failed update (--no-rollback turns it off). */
    rollback?: boolean;
    signal?: AbortSignal;
    progress?: (line: string) => void;
    activity?: (label: string) => () => void;
    /** Progress lines name their VM (`vm 1002: creating web...`); off when the run is one named VM. */
    nameVms?: boolean;
  },
): Promise<void> {
  const pending = prepared.runs.filter((run) => run.outcome === 'planned' && run.prepared !== undefined);
  await mapLimit(pending, options.parallelVms, async (run) => {
    const vmPrepared = run.prepared;
    if (vmPrepared === undefined) return;
    try {
      if (options.signal?.aborted) {
        run.outcome = 'not-applied';
        run.exitCode = signalExitCode(String(options.signal.reason));
        return;
      }
      const { progress, activity } = options;
      const named = (text: string) => (options.nameVms === false ? text : `vm ${run.vm.vmid}: ${text}`);
      const outcome = await executeConverge(vmPrepared, {
        concurrency: options.concurrency,
        deployTimeoutMs: options.deployTimeoutMs,
        rollback: options.rollback,
        signal: options.signal,
        progress: progress ? (line) => progress(named(line)) : undefined,
        activity: activity ? (label) => activity(named(label)) : undefined,
      });
      run.results = outcome.results;
      run.outcome = outcome.ok ? 'applied' : 'apply-failed';
      run.exitCode = outcome.ok ? ExitCode.OK : options.signal?.aborted ? signalExitCode(String(options.signal.reason)) : ExitCode.APPLY_FAILED;
    } catch (error) {
      if (!(error instanceof PhoenixError)) throw error;
      Object.assign(run, { outcome: error.exitCode === ExitCode.LOCKED ? 'locked' : 'error', exitCode: error.exitCode, error });
    } finally {
      await run.lock?.release();
      run.lock = undefined;
    }
  });
}

/** The run's exit code: the worst VM's; with --detailed-exitcode, changes planned or applied give 2. */
export function manyExitCode(runs: readonly VmRun[], detailed: boolean): ExitCodeValue {
  return worstExitCode(
    runs.map((run) =>
      detailed && run.exitCode === ExitCode.OK && (run.outcome === 'planned' || run.outcome === 'applied' || run.outcome === 'protected' || run.outcome === 'out-of-sync')
        ? ExitCode.CHANGES
        : run.exitCode,
    ),
  );
}
