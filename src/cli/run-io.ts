import { runConverge } from '../app/converge-run';
import type { RunRequest, RunResult } from '../app/converge-run';
import { unnamedProtected } from '../app/converge-many';
import type { VmRun } from '../app/converge-many';
import { nothingToDo, renderRun, renderVmPlans, runNotes } from '../render';
import type { RunView, VmRow } from '../render';
import { ElapsedLine } from '../util/elapsed';
import type { ExitCodeValue } from '../errors';
import type { Paint } from '../render';
import { confirmApply } from './prompts';

/** What a command lends to the helpers here (BaseCommand.host()): its output, redaction and signal handling. */
export interface CommandHost {
  out(text: string): void;
  note(text: string): void;
  redact(text: string): string;
  paint: Paint;
  json: boolean;
  secrets: string[];
  interruptible<R>(work: (signal: AbortSignal) => Promise<R>): Promise<{ result: R; interrupted: ExitCodeValue | undefined }>;
}

export interface ShowSettings {
  markdown: boolean;
  yes: boolean;
  /** What the confirmation's hint offers to only look (`phoenix portainer 1002 plan`). */
  lookCommand: string;
}

/**
 * Runs plan, converge or status through the one use case and shows it: every plan before the
 * question, the question on the terminal, then the results (and with many VMs the summary).
 */
export async function runAndShow(host: CommandHost, request: RunRequest, settings: ShowSettings): Promise<{ result: RunResult; view: RunView }> {
  const options = { paint: host.paint, markdown: settings.markdown };
  const result = await runConverge(request, {
    showPlans: (shown) => {
      const view = viewOf(shown);
      for (const block of renderVmPlans(view, options)) host.out(block);
      for (const line of runNotes(view)) host.note(line);
    },
    confirm: (pending) => confirmApply({ yes: settings.yes, json: host.json, ...pending, lookCommand: settings.lookCommand }),
    interruptible: (work) => host.interruptible(work),
    secrets: (values) => host.secrets.push(...values),
    ...progressOptions(host),
  });
  const view = viewOf(result);
  for (const block of renderRun(view, options)) host.out(block);
  const nothing = nothingToDo(view);
  if (nothing !== undefined) host.note(nothing);
  return { result, view };
}

/** The JSON head of every run: the selection as given, and the Portainer it talked to. */
export function runHead(result: RunResult) {
  return { selection: result.selection, portainer: result.portainer };
}

export function viewOf(result: RunResult): RunView {
  return { mode: result.mode, named: 'vmids' in result.selection, applied: result.applied, vms: result.runs.map((run) => rowOf(run, result)) };
}

function rowOf(run: VmRun, result: RunResult): VmRow {
  const prepared = run.prepared;
  return {
    vmid: run.vm.vmid,
    name: run.vm.name,
    phoenixEnvironment: run.vm.environment,
    // An environment still to register has no id yet: null in --json, until converge registered it.
    portainerEnvironment:
      prepared && prepared.register === undefined ? { id: prepared.portainerEnvironment.id, name: prepared.portainerEnvironment.name, swarm: prepared.portainerEnvironment.swarm } : undefined,
    header: prepared
      ? {
          vmid: prepared.vm.vmid,
          vmName: prepared.vm.name,
          phoenixEnvironment: prepared.vm.environment,
          portainerEnvironmentName: prepared.portainerEnvironment.name,
          portainerEnvironmentId: prepared.portainerEnvironment.id,
          portainerVersion: prepared.version.raw,
          url: prepared.url,
        }
      : undefined,
    outcome: run.outcome,
    exitCode: run.exitCode,
    plan: prepared?.plan,
    results: run.results,
    status: run.status,
    error: run.error ? { code: run.error.code, message: run.error.message, ...(run.error.hint ? { hint: run.error.hint } : {}) } : undefined,
    protectedEnvironments: run.outcome === 'protected' ? unnamedProtected(result.config, run.vm, result.selection) : undefined,
    registered: prepared?.registered,
  };
}

/**
 * Progress lines on stderr; on a terminal (and not with --json) also an elapsed-time line,
 * redrawn in place, for actions slower than a few seconds.
 */
function progressOptions(host: CommandHost): { progress: (line: string) => void; activity?: (label: string) => () => void } {
  if (!process.stderr.isTTY || host.json) return { progress: (line) => host.note(line) };
  const elapsed = new ElapsedLine((text) => process.stderr.write(host.redact(text)));
  return { progress: (line) => elapsed.print(host.redact(line)), activity: (label) => elapsed.start(label) };
}
