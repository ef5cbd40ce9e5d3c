import type { RuntimeReport, ServiceProblem } from '../plan';
import { plural, safeName, thousands } from './style';

/** Orphan services listed one per line; beyond that a count (thousands of them must not flood the plan). */
const SHOWN_ORPHANS = 20;

function problemWords(p: ServiceProblem, kind: RuntimeReport['kind']): string {
  const name = safeName(p.service);
  const code = p.exitCode === undefined ? '' : ` (${p.exitCode})`;
  switch (p.problem) {
    case 'exited':
    case 'restarting':
      return `${name} ${p.problem}${code}`;
    case 'missing':
      return `${name} ${kind === 'swarm' ? 'has no service' : 'has no container'}`;
    case 'replicas':
      return `${name} ${p.running ?? 0}/${p.desired ?? 0} replicas running`;
    case 'created':
      return `${name} created, not started`;
    case 'removing':
      return `${name} being removed`;
    case 'unknown':
      return `${name} in an unknown state`;
    default:
      return `${name} ${p.problem}`;
  }
}

/**
 * `web: 1/2 services running; worker exited (1)`, or undefined when every service of the file
 * runs. Service and stack names come from Docker labels and the config: quoted when not plain,
 * so a label cannot move the cursor or forge a line.
 */
export function runtimeLine(stack: string, report: RuntimeReport): string | undefined {
  if (report.problems.length === 0) return undefined;
  const kind = report.kind;
  const services = report.total === 1 ? 'service' : 'services';
  return `${safeName(stack)}: ${report.running}/${report.total} ${services} running; ${report.problems.map((p) => problemWords(p, kind)).join('; ')}`;
}

/** One line per orphan service (at most SHOWN_ORPHANS, then a count): what stays, or what `--prune` removes. */
export function orphanLines(report: RuntimeReport): string[] {
  const lines = report.orphans.slice(0, SHOWN_ORPHANS).map((o) => {
    const what = report.kind === 'swarm' ? 'Swarm service' : plural(o.units.length, 'container');
    if (report.removeOrphans) {
      return report.kind === 'swarm' ? `- orphan service ${safeName(o.service)}: removed by the update with Prune` : `- orphan service ${safeName(o.service)}: ${what} removed (--prune), volumes kept`;
    }
    return `  orphan service ${safeName(o.service)}: not in the file, ${what} still running (--prune removes it)`;
  });
  const more = report.orphans.length - SHOWN_ORPHANS;
  if (more > 0) lines.push(`  ... and ${thousands(more)} more orphan service${more === 1 ? '' : 's'}`);
  return lines;
}

/** The `runtime` part of a plan item's JSON, built field by field. */
export function runtimeToJson(report: RuntimeReport) {
  return {
    kind: report.kind,
    running: report.running,
    total: report.total,
    problems: report.problems.map((p) => ({
      service: p.service,
      problem: p.problem,
      ...(p.exitCode === undefined ? {} : { exitCode: p.exitCode }),
      ...(p.running === undefined ? {} : { running: p.running }),
      ...(p.desired === undefined ? {} : { desired: p.desired }),
    })),
    orphans: report.orphans.map((o) => ({ service: o.service, remove: report.removeOrphans, units: o.units.map((u) => ({ id: u.id, name: u.name })) })),
  };
}
