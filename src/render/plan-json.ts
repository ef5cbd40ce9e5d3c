import type { ActionResult } from '../apply';
import type { Plan } from '../plan';
import { hasChanges } from '../plan';

/**
 * The `plan` part of the `--json` document. Built field by field, so the payload (which holds
 * env values, secrets among them) can never leak into it.
 */
export function planToJson(plan: Plan) {
  return {
    hasChanges: hasChanges(plan),
    summary: plan.summary,
    items: plan.items.map((item) => ({
      stack: item.stack,
      action: item.action,
      reason: item.reason,
      ...(item.liveId === undefined ? {} : { stackId: item.liveId }),
      ...(item.adopt ? { adopt: true } : {}),
      composeDiff: item.composeDiff,
      composeDiffOmitted: item.composeDiffOmitted !== undefined,
      ...(item.composeDiffOmitted ? { composeLinesChanged: item.composeDiffOmitted.linesChanged } : {}),
      env: { added: item.env.added, removed: item.env.removed, changed: item.env.changed },
      ...(item.conflict ? { conflict: { kind: item.conflict.kind, resolution: item.conflict.resolution } } : {}),
    })),
    orphans: plan.orphans,
  };
}

export function resultsToJson(results: readonly ActionResult[]) {
  return results.map((r) => ({
    stack: r.stack,
    action: r.action,
    outcome: r.outcome,
    ...(r.recovered ? { recovered: true } : {}),
    ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
  }));
}
