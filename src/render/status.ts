import type { EnvChanges, EnvironmentRegistration, RuntimeReport } from '../plan';
import { orphanLines, runtimeLine, runtimeToJson } from './runtime';
import { envToJson } from './plan-json';
import { headerLine, registerLine } from './plan-text';
import type { PlanHeader } from './plan-text';
import type { Colour, Paint } from './style';

/** One stack of `status`, as the renderers see it (values never included). */
export interface StatusRow {
  stack: string;
  state: string;
  declared: boolean;
  stackId?: number;
  git: boolean;
  detail: string;
  composeDiff: string;
  /** Set when the compose differs but the diff was too large to show. */
  composeDiffOmitted?: { linesChanged: number };
  env: EnvChanges;
  /** What runs for the stack, when it was read (declared owned stacks). */
  runtime?: RuntimeReport;
}

const LOOK: Record<string, { mark: string; label: string; colour: Colour }> = {
  'in-sync': { mark: '=', label: 'in sync', colour: 'dim' },
  drifted: { mark: '~', label: 'drifted', colour: 'yellow' },
  missing: { mark: '+', label: 'missing', colour: 'green' },
  'not-owned': { mark: '!', label: 'not owned', colour: 'magenta' },
  git: { mark: '!', label: 'Git-based', colour: 'magenta' },
  duplicate: { mark: '!', label: 'duplicate name', colour: 'magenta' },
  'owned-undeclared': { mark: '-', label: 'owned, undeclared', colour: 'red' },
  stopped: { mark: '>', label: 'stopped', colour: 'yellow' },
  degraded: { mark: '!', label: 'services down', colour: 'red' },
  orphans: { mark: '~', label: 'orphan services', colour: 'yellow' },
  unmanaged: { mark: ' ', label: 'unmanaged', colour: 'dim' },
};

/** One line per stack, the mark and state readable at a glance, then a count line. */
export function renderStatusText(header: PlanHeader, rows: readonly StatusRow[], outOfSync: number, paint: Paint, register?: EnvironmentRegistration): string {
  const lines = [headerLine(header, register), ''];
  if (register !== undefined) lines.push(`  ${paint('green', registerLine(register))}  not in Portainer: converge registers it`);
  if (rows.length === 0) lines.push('  (no stacks declared and none live)');
  const width = Math.max(0, ...rows.map((r) => r.stack.length));
  const labelWidth = Math.max(...Object.values(LOOK).map((l) => l.label.length));
  for (const row of rows) {
    const look = LOOK[row.state] ?? { mark: '?', label: row.state, colour: 'bold' };
    const changes = [...row.env.added.map((n) => `+${n}`), ...row.env.removed.map((n) => `-${n}`), ...row.env.changed.map((n) => `~${n}`)];
    const extra = row.state === 'drifted' && changes.length > 0 ? ` (env: ${changes.join(' ')})` : '';
    const detail = row.detail === look.label ? '' : `  ${row.detail}`;
    lines.push(`  ${paint(look.colour, `${look.mark} ${row.stack.padEnd(width)}  ${look.label.padEnd(labelWidth)}`)}${detail}${extra}`.trimEnd());
    if (row.runtime) {
      const down = runtimeLine(row.stack, row.runtime);
      // status never removes anything: an orphan is listed as what stays.
      const report = { ...row.runtime, removeOrphans: false };
      for (const line of [...(down === undefined ? [] : [down]), ...orphanLines(report)]) lines.push(`      ${line}`);
    }
  }
  const count = (state: string) => rows.filter((r) => r.state === state).length;
  const parts = Object.entries(LOOK)
    .map(([state, look]) => [count(state), look.label] as const)
    .filter(([n]) => n > 0)
    // "1 with services down", not "1 services down": the count is of stacks.
    .map(([n, label]) => `${n} ${label === 'services down' || label === 'orphan services' ? `with ${label}` : label}`);
  if (register !== undefined) parts.unshift('1 environment to register');
  lines.push('', `Status: ${parts.join(', ') || 'no stacks'}. ${outOfSync === 0 ? 'Everything is in sync.' : `${outOfSync} out of sync.`}`);
  return lines.join('\n');
}

export function statusToJson(rows: readonly StatusRow[]) {
  return rows.map((r) => ({
    stack: r.stack,
    state: r.state,
    declared: r.declared,
    ...(r.stackId === undefined ? {} : { stackId: r.stackId }),
    git: r.git,
    detail: r.detail,
    composeDiff: r.composeDiff,
    composeDiffOmitted: r.composeDiffOmitted !== undefined,
    ...(r.composeDiffOmitted ? { composeLinesChanged: r.composeDiffOmitted.linesChanged } : {}),
    env: envToJson(r.env),
    ...(r.runtime ? { runtime: runtimeToJson({ ...r.runtime, removeOrphans: false }) } : {}),
  }));
}
