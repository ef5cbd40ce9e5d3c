import { compare } from './normalise';
import type { EnvironmentRuntime, OrphanService, RuntimeReport, RuntimeUnitInput, ServiceProblem } from './types';

/** The units of an environment by project label, compared exactly: `web` never takes `web2`'s or `Web`'s containers. */
export function unitsByProject(runtime: EnvironmentRuntime | undefined): Map<string, RuntimeUnitInput[]> {
  return groupBy(runtime?.units ?? [], (unit) => unit.project);
}

function groupBy(units: readonly RuntimeUnitInput[], key: (unit: RuntimeUnitInput) => string): Map<string, RuntimeUnitInput[]> {
  const groups = new Map<string, RuntimeUnitInput[]>();
  for (const unit of units) {
    const group = groups.get(key(unit));
    if (group) group.push(unit);
    else groups.set(key(unit), [unit]);
  }
  return groups;
}

/**
 * What runs for one stack against what its file declares: each service of the file that does not
 * run as asked, and each service that runs but left the file (an orphan: compose never removes
 * one, Swarm only with Prune). `removeOrphans` is the caller's decision (`--prune` on an owned stack).
 * A service with no reading (Swarm without task counts) is taken as running: nothing to report.
 */
export function runtimeReport(kind: EnvironmentRuntime['kind'], services: readonly string[], units: readonly RuntimeUnitInput[], removeOrphans: boolean): RuntimeReport {
  const byService = groupBy(units, (unit) => unit.service);
  const problems: ServiceProblem[] = [];
  for (const service of services) {
    const problem = serviceProblem(kind, service, byService.get(service) ?? []);
    if (problem) problems.push(problem);
  }
  const declared = new Set(services);
  const orphans: OrphanService[] = [...byService.entries()]
    .filter(([service]) => !declared.has(service))
    .sort(([a], [b]) => compare(a, b))
    .map(([service, group]) => ({ service, units: group.map((u) => ({ id: u.id, name: u.name })).sort((a, b) => compare(a.id, b.id)) }));
  return { kind, running: services.length - problems.length, total: services.length, problems, orphans, removeOrphans: removeOrphans && orphans.length > 0 };
}

/** How bad each container state is: the worst container of a service names its problem. */
const SEVERITY: Record<ServiceProblem['problem'], number> = {
  restarting: 9,
  exited: 8,
  dead: 7,
  unhealthy: 6,
  removing: 5,
  created: 4,
  paused: 3,
  unknown: 2,
  missing: 1,
  replicas: 0,
};

function serviceProblem(kind: EnvironmentRuntime['kind'], service: string, units: readonly RuntimeUnitInput[]): ServiceProblem | undefined {
  if (units.length === 0) return { service, problem: 'missing' };
  if (kind === 'swarm') {
    const [unit] = units;
    if (unit.running === undefined || unit.desired === undefined || unit.running >= unit.desired) return undefined;
    return { service, problem: 'replicas', running: unit.running, desired: unit.desired };
  }
  let worst: ServiceProblem | undefined;
  for (const unit of units) {
    const problem = containerProblem(service, unit);
    if (problem && (worst === undefined || SEVERITY[problem.problem] > SEVERITY[worst.problem])) worst = problem;
  }
  return worst;
}

function containerProblem(service: string, unit: RuntimeUnitInput): ServiceProblem | undefined {
  const state = unit.state ?? 'unknown';
  if (state === 'running') return unit.health === 'unhealthy' ? { service, problem: 'unhealthy' } : undefined;
  if ((state === 'exited' || state === 'restarting') && unit.exitCode !== undefined) return { service, problem: state, exitCode: unit.exitCode };
  return { service, problem: state };
}
