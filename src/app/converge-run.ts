import type { LoadedConfig } from '../config';
import { ExitCode, worstExitCode } from '../errors';
import type { ExitCodeValue, PhoenixError } from '../errors';
import { stackKey } from '../plan';
import { applyMany, manyExitCode, namesVms, prepareMany } from './converge-many';
import type { ManyRequest, Selection, VmRun } from './converge-many';
import { OUT_OF_SYNC, stackStatuses } from './status';

/** plan and status never write; converge applies exactly the plans it showed (one code path for preview and apply). */
export type RunMode = 'plan' | 'converge' | 'status';

export interface RunRequest extends Omit<ManyRequest, 'lock' | 'guardProtected'> {
  mode: RunMode;
  /** With --detailed-exitcode: 2 when anything changed, would change or is out of sync. */
  detailedExitcode: boolean;
  /** converge: how long to wait for a held VM lock, and the command line the lock records. */
  lock?: { waitMs: number; command: string };
  /** converge --all/--env: also apply VMs of protected phoenix environments the selection does not name. */
  includeProtected?: boolean;
  /** converge: put back the previous file and env of a running stack whose update failed (default on). */
  rollback?: boolean;
}

/** What the run needs from its caller: it never prints or asks by itself. */
export interface RunIo {
  /** Every VM's plan (or status), before the confirmation and before any write. */
  showPlans(run: RunResult): void;
  /** Resolves to go on, throws (CancelledError, UsageError) to stop: nothing is written then. */
  /** `redeploys` (bare redeploys of stacks in sync) and `pulls` (updates that pull images) only when there are any. */
  confirm(pending: { vms: number; deletes: number; orphans?: number; redeploys?: number; pulls?: number }): Promise<void>;
  /** Runs the writes; a first signal stops new writes and `interrupted` carries its exit code. */
  interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<{ result: T; interrupted: ExitCodeValue | undefined }>;
  /** Values to redact from every output (the token, secret env values). */
  secrets(values: readonly string[]): void;
  progress?: (line: string) => void;
  activity?: (label: string) => () => void;
}

export interface RunResult {
  mode: RunMode;
  selection: Selection;
  config: LoadedConfig;
  portainer: { url: string; version: string } | null;
  applied: boolean;
  /** One per selected VM, in vmid order. */
  runs: VmRun[];
  exitCode: ExitCodeValue;
  /** When the selection names its VMs, the failure of one of them (a conflict) is the run's failure. */
  failure?: PhoenixError;
}

/**
 * plan, converge and status of one VM or many: load the config, select the VMs, open one
 * Portainer session, take each VM's lock (converge only, around plan and apply), plan, show the
 * plans, confirm once, apply, and return what happened. One VM is a selection of one.
 * A problem of the whole run (invalid file, no token, Portainer unreachable) is thrown, and so is a
 * named VM's problem before its plan; with --all/--env it is recorded on the VM and the others go on.
 */
export async function runConverge(request: RunRequest, io: RunIo): Promise<RunResult> {
  const applying = request.mode === 'converge';
  const status = request.mode === 'status';
  const prepared = await prepareMany({
    ...request,
    // status reports what `converge --prune` would do, and names not-owned stacks instead of adopting them.
    prune: status ? true : request.prune,
    adopt: status ? false : request.adopt,
    redeploy: status ? undefined : request.redeploy,
    lock: applying ? request.lock : undefined,
    guardProtected: applying && !namesVms(request.selection) && request.includeProtected !== true,
  });
  io.secrets(prepared.session?.secrets ?? []);
  try {
    if (status) for (const run of prepared.runs) markStatus(run);
    const result: RunResult = {
      mode: request.mode,
      selection: request.selection,
      config: prepared.config,
      portainer: prepared.session ? { url: prepared.session.url, version: prepared.session.version.raw } : null,
      applied: false,
      runs: prepared.runs,
      exitCode: ExitCode.OK,
    };
    io.showPlans(result);
    const pending = prepared.runs.filter((run) => run.outcome === 'planned');
    let interrupted: ExitCodeValue | undefined;
    if (applying && pending.length > 0) {
      const items = pending.flatMap((run) => run.prepared?.plan.items ?? []);
      const redeploys = items.filter((i) => i.redeploy === true).length;
      const pulls = items.filter((i) => i.pull === true).length;
      // Orphan services that --prune removes are asked about with the deletes.
      const orphans = pending.reduce((sum, run) => sum + (run.prepared?.plan.summary.orphansToRemove ?? 0), 0);
      await io.confirm({
        vms: pending.length,
        deletes: pending.reduce((sum, run) => sum + (run.prepared?.plan.summary.delete ?? 0), 0),
        ...(orphans > 0 ? { orphans } : {}),
        ...(redeploys > 0 ? { redeploys } : {}),
        ...(pulls > 0 ? { pulls } : {}),
      });
      ({ interrupted } = await io.interruptible((signal) =>
        applyMany(prepared, {
          parallelVms: request.parallelVms,
          concurrency: request.concurrency,
          deployTimeoutMs: request.deployTimeoutMs,
          rollback: request.rollback,
          signal,
          progress: io.progress,
          activity: io.activity,
          nameVms: !namesVms(request.selection) || request.selection.vmids.length > 1,
        }),
      ));
      result.applied = true;
    }
    result.exitCode = worstExitCode([manyExitCode(prepared.runs, request.detailedExitcode), interrupted ?? ExitCode.OK]);
    const failure = namesVms(request.selection) ? prepared.runs.find((run) => run.error !== undefined)?.error : undefined;
    return failure ? { ...result, failure } : result;
  } finally {
    await prepared.close();
  }
}

/** status: every stack's state from the VM's plan; out of sync counts as changes (exit 2 with --detailed-exitcode), never as a conflict. */
function markStatus(run: VmRun): void {
  if (run.prepared === undefined) return;
  const stacks = stackStatuses(run.prepared.plan, run.prepared.live, new Set(run.prepared.vm.stacks.map((s) => stackKey(s.name))));
  // An agent environment still to register is out of sync too: converge would register it.
  const outOfSync = stacks.filter((s) => OUT_OF_SYNC.has(s.state)).length + (run.prepared.plan.register === undefined ? 0 : 1);
  run.status = { stacks, outOfSync };
  run.outcome = outOfSync === 0 ? 'in-sync' : 'out-of-sync';
  run.exitCode = ExitCode.OK;
  delete run.error;
}
