/**
 * Removing the containers of orphan services (compose only: Swarm drops its orphan services
 * through the update with Prune). Runs after the stack's own action, like a delete: a container
 * is named by id, so removing it twice can at worst answer not-found, which counts as removed.
 */
import { BugError, signalExitCode } from '../errors';
import type { PlanItem } from '../plan';
import { describeError } from './describe';
import type { StackWriter } from './types';

export interface OrphanRemoval {
  outcome: 'done' | 'failed' | 'not-attempted';
  error?: { code: string; message: string };
}

/** The compose items whose orphan containers apply removes (`--prune` on an owned stack). */
export function removesContainers(item: PlanItem): boolean {
  return item.runtime?.kind === 'compose' && item.runtime.removeOrphans;
}

export async function removeOrphanContainers(item: PlanItem, writer: StackWriter, signal: AbortSignal | undefined, progress?: (line: string) => void): Promise<OrphanRemoval> {
  const remove = writer.removeContainer?.bind(writer);
  if (remove === undefined) throw new BugError('a plan removes containers through a writer that cannot');
  const containers = (item.runtime?.orphans ?? []).flatMap((o) => o.units);
  progress?.(`removing ${containers.length} orphan container(s) of ${item.stack}...`);
  let removed = 0;
  for (const container of containers) {
    if (signal?.aborted) {
      if (removed === 0) return { outcome: 'not-attempted' };
      return {
        outcome: 'failed',
        error: { code: 'INTERRUPTED', message: `interrupted after removing ${removed} of ${containers.length} orphan containers (exit ${signalExitCode(String(signal.reason))})` },
      };
    }
    try {
      await remove(container.id);
    } catch (error) {
      // Already gone (removed by hand, or a repeat whose first answer was lost): that was the goal.
      if (writer.failureKind(error) !== 'not-found') {
        const { code, message } = describeError(error);
        return { outcome: 'failed', error: { code, message: `removed ${removed} of ${containers.length} orphan containers; ${message}` } };
      }
    }
    removed += 1;
  }
  return { outcome: 'done' };
}
