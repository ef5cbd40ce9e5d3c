import type { ActionResult } from '../apply';
import { closest, listVms, loadConfig, resolveVm } from '../config';
import type { LoadedConfig, ResolvedVm, VmSummary } from '../config';
import { ConfigError, ExitCode, PhoenixError, signalExitCode } from '../errors';
import type { ExitCodeValue } from '../errors';
import { hasChanges } from '../plan';
import { mapLimit } from '../util/concurrency';
import { afterLock, executeConverge, openSession, planVm } from './converge';
import type { PortainerSession, PreparedConverge, SessionRequest } from './converge';
import { StackSecrets } from './desired-env';
import { acquireVmLock } from './lock';
import type { VmLock } from './lock';

/**
 * Which exit code wins when VMs of one run end differently, most severe first:
 * 143 / 130 (terminated / interrupted) > 1 (an apply failed: live state is half-changed, look first) >
 * 77 (auth) > 69 (Portainer unreachable) > 65 (config) > 73 (a decision is needed) >
 * 75 (locked: transient, retry) > 2 (changes, with --detailed-exitcode) > 0.
 */
export const EXIT_CODE_SEVERITY: readonly ExitCodeValue[] = [
  ExitCode.TERMINATED,
  ExitCode.INTERRUPTED,
  ExitCode.APPLY_FAILED,
  ExitCode.AUTH,
  ExitCode.UNAVAILABLE,
  ExitCode.CONFIG,
  ExitCode.CONFLICT,
  ExitCode.LOCKED,
  ExitCode.CHANGES,
  ExitCode.OK,
];

/** The most severe of `codes` by EXIT_CODE_SEVERITY; 0 for none. */
export function worstExitCode(codes: readonly ExitCodeValue[]): ExitCodeValue {
  const rank = (code: ExitCodeValue) => {
    const index = EXIT_CODE_SEVERITY.indexOf(code);
    return index < 0 ? -1 : index;
  };
  return codes.reduce<ExitCodeValue>((worst, code) => (rank(code) < rank(worst) ? code : worst), ExitCode.OK);
}

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
  | 'protected'; // has changes, but writes to a protected environment that the run did not name

export interface VmRun {
  vm: VmSummary;
  outcome: VmOutcome;
  exitCode: ExitCodeValue;
  prepared?: PreparedConverge;
  results?: ActionResult[];
  error?: PhoenixError;
  /** Held from before the plan until after the apply (converge only). */
  lock?: VmLock;
}

export interface Selection {
  all: boolean;
  env?: string;
}

export interface ManyRequest extends SessionRequest {
  configPath: string;
  selection: Selection;
  prune: boolean;
  adopt: boolean;
  /** VMs planned and applied at once. */
  parallelVms: number;
  /** Converge takes each VM's lock around plan and apply; plan does not. */
  lock?: { waitMs: number; command: string };
  /**
   * Converge: a VM that would write to a `protected` environment is planned but not applied
   * unless the run names that environment (`--env prod`); `--include-protected` turns this off.
   */
  guardProtected?: boolean;
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
 * docker_stacks come back as skipped (SPEC section 3.8).
 */
export function selectVms(config: LoadedConfig, selection: Selection): { selected: VmSummary[]; skipped: VmSummary[] } {
  const vms = listVms(config);
  let chosen = vms;
  if (!selection.all && selection.env !== undefined) {
    const env = selection.env;
    const known = [...new Set([...Object.keys(config.environments), ...vms.flatMap((vm) => [...(vm.environment ? [vm.environment] : []), ...vm.stackEnvironments])])].sort();
    if (!known.includes(env)) {
      const suggestion = closest(env, known);
      throw new ConfigError(`unknown environment "${env}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`, {
        code: 'UNKNOWN_ENVIRONMENT',
        hint: known.length > 0 ? `Environments of the config: ${known.join(', ')}.` : 'The config declares no environments.',
      });
    }
    chosen = vms.filter((vm) => vm.environment === env || vm.stackEnvironments.includes(env));
  }
  return { selected: chosen.filter((vm) => vm.stackNames.length > 0), skipped: chosen.filter((vm) => vm.stackNames.length === 0) };
}

function failed(vm: VmSummary, error: unknown, lock?: VmLock): VmRun {
  if (!(error instanceof PhoenixError)) throw error;
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
  const { selected, skipped } = selectVms(config, request.selection);
  const summaries = new Map(selected.map((vm) => [vm.vmid, vm]));
  const stackSecrets = StackSecrets.for(config, request.env, request.warn);
  const resolved = await Promise.all(
    selected.map(async (vm): Promise<ResolvedVm | VmRun> => {
      try {
        const full = await resolveVm(config, vm.vmid);
        for (const line of full.warnings ?? []) request.warn(line);
        await stackSecrets.load(full.stacks);
        return full;
      } catch (error) {
        return failed(vm, error);
      }
    }),
  );
  const skippedRuns: VmRun[] = skipped.map((vm) => ({ vm, outcome: 'skipped', exitCode: ExitCode.OK }));
  const toPlan = resolved.filter((r): r is ResolvedVm => 'stacks' in r);
  // --concurrency is per VM; VMs run in parallel, so the shared connection pool holds them all.
  const connections = request.concurrency * Math.max(1, Math.min(request.parallelVms, toPlan.length));
  const session = toPlan.length > 0 ? await openSession(config, { ...request, concurrency: connections, stackSecrets }) : undefined;
  const planned = session
    ? await mapLimit(toPlan, request.parallelVms, async (vm): Promise<VmRun> => {
        let lock: VmLock | undefined;
        try {
          if (request.lock) lock = await acquireVmLock(vm.vmid, { ...request.lock, portainerUrl: session.url });
          const prepared = await planVm(await afterLock(session, lock), config, vm, { prune: request.prune, adopt: request.adopt, concurrency: request.concurrency, stackSecrets });
          const summary = summaries.get(vm.vmid);
          const guarded = request.guardProtected === true && summary !== undefined && unnamedProtected(config, summary, request.selection).length > 0;
          const outcome: VmOutcome = prepared.plan.summary.conflict > 0 ? 'conflict' : !hasChanges(prepared.plan) ? 'unchanged' : guarded ? 'protected' : 'planned';
          const exitCode = outcome === 'conflict' ? ExitCode.CONFLICT : ExitCode.OK;
          if (outcome !== 'planned') await lock?.release();
          return { vm, outcome, exitCode, prepared, lock: outcome === 'planned' ? lock : undefined };
        } catch (error) {
          await lock?.release();
          return failed(vm, error);
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
  return [...envs].filter((env) => config.environments[env]?.protected === true && !(selection.env === env && !selection.all)).sort();
}

/**
 * Applies every VM whose plan has changes and no conflict, `parallelVms` at a time; one VM's
 * failure does not stop the others. Each lock is released as soon as its VM is done.
 */
export async function applyMany(
  prepared: PreparedMany,
  options: { parallelVms: number; concurrency: number; deployTimeoutMs: number; rollback?: boolean; signal?: AbortSignal; progress?: (line: string) => void; activity?: (label: string) => () => void },
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
      const progress = options.progress;
      const outcome = await executeConverge(vmPrepared, {
        concurrency: options.concurrency,
        deployTimeoutMs: options.deployTimeoutMs,
        rollback: options.rollback,
        signal: options.signal,
        progress: progress ? (line) => progress(`vm ${run.vm.vmid}: ${line}`) : undefined,
        activity: options.activity ? (label) => options.activity?.(`vm ${run.vm.vmid}: ${label}`) ?? (() => undefined) : undefined,
      });
      run.results = outcome.results;
      run.outcome = outcome.ok ? 'applied' : 'apply-failed';
      run.exitCode = outcome.ok ? ExitCode.OK : options.signal?.aborted ? signalExitCode(String(options.signal.reason)) : ExitCode.APPLY_FAILED;
    } catch (error) {
      Object.assign(run, failed(run.vm, error));
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
      detailed && run.exitCode === ExitCode.OK && (run.outcome === 'planned' || run.outcome === 'applied' || run.outcome === 'protected') ? ExitCode.CHANGES : run.exitCode,
    ),
  );
}
