import type { ActionResult } from '../apply';
import type { Plan, PlanSummary } from '../plan';
import type { PlanHeader } from './plan-text';
import type { StatusRow } from './status';
import type { Paint } from './style';

/** One VM of a run, as the renderers see it (no app types, no env values). */
export interface VmRow {
  vmid: number;
  name: string;
  /** The VM's phoenix environment (dev/test/prod) from the config. */
  phoenixEnvironment?: string;
  /** The Portainer environment (endpoint) it deploys to, when the VM got that far. */
  portainerEnvironment?: { id: number; name: string; swarm: boolean };
  /** Set with the plan: what the plan's and the status's first line say. */
  header?: PlanHeader;
  outcome: string;
  exitCode: number;
  plan?: Plan;
  results?: readonly ActionResult[];
  /** status only. */
  status?: { stacks: readonly StatusRow[]; outOfSync: number };
  error?: { code: string; message: string; hint?: string };
  /** outcome `protected`: the protected phoenix environments the run did not name. */
  protectedEnvironments?: string[];
  /** The agent environment converge registered for this VM before its stacks. */
  registered?: { name: string; url: string; environmentId: number; recovered: boolean };
}

const OUTCOME_TEXT: Record<string, string> = {
  skipped: 'skipped (no docker_stacks)',
  unchanged: 'in sync',
  planned: 'changes planned',
  applied: 'applied',
  'apply-failed': 'APPLY FAILED',
  conflict: 'conflict: nothing written',
  locked: 'locked by another converge',
  error: 'error',
  'not-applied': 'not applied',
  protected: 'protected: not applied',
  'in-sync': 'in sync',
  'out-of-sync': 'out of sync',
};

function counts(summary: PlanSummary | undefined): string[] {
  if (summary === undefined) return ['-', '-', '-', '-', '-'];
  return [summary.create, summary.update, summary.delete, summary.noop, summary.conflict].map(String);
}

/** The per-VM summary table printed after every plan of a multi-VM run, and the totals line. */
/** `applies`: a converge; plan and status never apply, so their line does not count applied VMs. */
export function renderManySummary(rows: readonly VmRow[], paint: Paint, applies = true): string {
  const header = ['VMID', 'NAME', 'ENV', 'CREATE', 'UPDATE', 'DELETE', 'UNCHANGED', 'CONFLICT', 'OUTCOME'];
  const table = rows.map((row) => [
    String(row.vmid),
    row.name,
    row.phoenixEnvironment ?? '-',
    ...counts(row.plan?.summary),
    `${OUTCOME_TEXT[row.outcome] ?? row.outcome}${row.exitCode !== 0 ? ` (exit ${row.exitCode})` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => cells[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const colour = (row: VmRow, text: string) =>
    row.exitCode === 0 ? (row.outcome === 'skipped' ? paint('dim', text) : text) : paint(row.outcome === 'conflict' || row.outcome === 'locked' ? 'magenta' : 'red', text);
  const lines = [paint('bold', line(header)), ...table.map((cells, i) => colour(rows[i], line(cells)))];
  for (const row of rows.filter((r) => r.error)) {
    lines.push(`  vm ${row.vmid}: ${row.error?.message}${row.error?.hint ? `\n    Hint: ${row.error.hint}` : ''}`);
  }
  const by = (outcome: string) => rows.filter((row) => row.outcome === outcome).length;
  const problems = rows.filter((row) => row.exitCode !== 0 && row.exitCode !== 2).length;
  lines.push(
    '',
    `VMs: ${rows.length} selected, ${applies ? `${by('applied')} applied, ` : ''}${by('planned') + by('out-of-sync')} with changes, ${by('unchanged') + by('in-sync')} in sync, ${by('skipped')} skipped, ${problems} with problems.`,
  );
  return lines.join('\n');
}

/** Markdown for a merge-request comment: the summary table of every VM. */
export function renderManyMarkdown(rows: readonly VmRow[]): string {
  const lines = ['| VM | name | env | create | update | delete | unchanged | conflict | outcome |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const row of rows) {
    const outcome = `${OUTCOME_TEXT[row.outcome] ?? row.outcome}${row.exitCode !== 0 ? ` (exit ${row.exitCode})` : ''}`;
    lines.push(`| ${row.vmid} | ${row.name} | ${row.phoenixEnvironment ?? '-'} | ${counts(row.plan?.summary).join(' | ')} | ${outcome.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n');
}
