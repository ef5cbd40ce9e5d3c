import type { LiveStackInput, Plan } from '../plan';
import { markerVmid, stackKey } from '../plan';
import type { StatusRow } from '../render';

/** What `status` says of a stack, named once. */
export type StackState =
  | 'in-sync' // declared, live, owned, equal
  | 'drifted' // declared, owned, compose or env differ
  | 'missing' // declared, not in Portainer
  | 'not-owned' // declared; a same-named live stack phoenix does not own (or another VM's)
  | 'git' // declared; the live stack is deployed from Git
  | 'duplicate' // several live stacks share the name in different case (`WEB` beside `web`)
  | 'owned-undeclared' // live with this VM's marker, no longer declared
  | 'stopped' // declared, owned, in sync, but stopped in Portainer (converge starts it)
  | 'degraded' // declared, owned, in sync, but a service of the file does not run (exited, restarting, unhealthy, missing)
  | 'orphans' // declared, owned, in sync, but services no longer in the file still run (converge --prune removes them)
  | 'unmanaged'; // live, not declared, not this VM's (someone else's stack: fine)

/** The states that mean "converge would change something or needs a decision", or that something does not run as declared. */
export const OUT_OF_SYNC: ReadonlySet<StackState> = new Set<StackState>(['drifted', 'missing', 'not-owned', 'git', 'duplicate', 'owned-undeclared', 'stopped', 'degraded', 'orphans']);

/** A status row whose state is one of the named states. */
export interface StackStatus extends StatusRow {
  state: StackState;
}

const NO_ENV = { added: [], removed: [], changed: [] };

/**
 * Every declared and every live stack of the VM's environment with its state, from the plan
 * that `converge --prune` would make (so status and converge never disagree) plus the live
 * stacks that plan leaves alone. Sorted by name.
 */
export function stackStatuses(plan: Plan, live: readonly LiveStackInput[], desiredNames: ReadonlySet<string> = new Set()): StackStatus[] {
  const statuses: StackStatus[] = plan.items.map((item) => {
    const liveStack = live.find((s) => s.id === item.liveId);
    const base = {
      stack: item.stack,
      stackId: item.liveId,
      git: liveStack?.git ?? false,
      composeDiff: item.composeDiff,
      composeDiffOmitted: item.composeDiffOmitted,
      env: item.env,
      ...(item.runtime ? { runtime: item.runtime } : {}),
    };
    const orphans = item.runtime?.orphans.length ?? 0;
    switch (item.action) {
      case 'noop':
        if (orphans > 0) return { ...base, state: 'orphans', declared: true, detail: `${orphans} service(s) no longer in the file still run (converge --prune removes them)` };
        if ((item.runtime?.problems.length ?? 0) > 0)
          return { ...base, state: 'degraded', declared: true, detail: `in sync, but ${item.runtime?.running}/${item.runtime?.total} ${item.runtime?.total === 1 ? 'service' : 'services'} running` };
        return { ...base, state: 'in-sync', declared: true, detail: 'in sync' };
      case 'start':
        return { ...base, state: 'stopped', declared: true, detail: 'stopped in Portainer (converge starts it)' };
      case 'create':
        return { ...base, state: 'missing', declared: true, detail: 'declared but not in Portainer' };
      case 'update':
        if (item.prune?.only) return { ...base, state: 'orphans', declared: true, detail: `${orphans} service(s) no longer in the file still run (converge --prune removes them)` };
        return { ...base, state: 'drifted', declared: true, detail: item.reason };
      case 'delete':
        return { ...base, state: 'owned-undeclared', declared: false, detail: 'owned by phoenix for this VM but no longer declared (converge --prune deletes it)' };
      default:
        if (item.conflict?.kind === 'duplicate') return { ...base, state: 'duplicate', declared: desiredNames.has(stackKey(item.stack)), detail: item.reason };
        return { ...base, state: item.conflict?.kind === 'git' ? 'git' : 'not-owned', declared: true, detail: item.reason };
    }
  });
  const seen = new Set(statuses.map((s) => stackKey(s.stack)));
  for (const stack of live) {
    if (seen.has(stackKey(stack.name))) continue;
    seen.add(stackKey(stack.name));
    const owner = markerVmid(stack.composeText);
    const detail = stack.git ? 'deployed from Git; not declared, left alone' : owner !== undefined ? `owned by phoenix for vm ${owner}; left alone` : 'not declared and not phoenix’s; left alone';
    statuses.push({ stack: stack.name, state: 'unmanaged', declared: false, stackId: stack.id, git: stack.git, detail, composeDiff: '', env: NO_ENV });
  }
  return statuses.sort((a, b) => (stackKey(a.stack) < stackKey(b.stack) ? -1 : stackKey(a.stack) > stackKey(b.stack) ? 1 : 0));
}
