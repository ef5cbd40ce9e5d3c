import type { ActionResult } from '../apply';
import type { EnvChanges, Plan } from '../plan';
import { envDetails } from './style';
import { runtimeToJson } from './runtime';
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
      ...(item.pull ? { pull: true } : {}),
      ...(item.redeploy ? { redeploy: true } : {}),
      composeDiff: item.composeDiff,
      composeDiffOmitted: item.composeDiffOmitted !== undefined,
      ...(item.composeDiffOmitted ? { composeLinesChanged: item.composeDiffOmitted.linesChanged } : {}),
      env: envToJson(item.env),
      ...(item.conflict ? { conflict: { kind: item.conflict.kind, resolution: item.conflict.resolution } } : {}),
      ...(item.prune ? { prune: true } : {}),
      ...(item.runtime ? { runtime: runtimeToJson(item.runtime) } : {}),
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
    // Every failed update says whether its previous version was put back (false: not tried, or it failed too).
    ...(r.action === 'update' && r.outcome === 'failed' ? { rolledBack: r.rolledBack === true } : {}),
    ...(r.rollbackError ? { rollbackError: { code: r.rollbackError.code, message: r.rollbackError.message } } : {}),
  }));
}

/**
 * Env changes by name, with the desired value only where the plan may show it: built field by
 * field from the names and the planner's details, so no other value can slip in.
 */
export function envToJson(env: EnvChanges) {
  return {
    added: env.added,
    removed: env.removed,
    changed: env.changed,
    details: envDetails(env).map((d) => ({ name: d.name, change: d.change, ...(d.value === undefined ? {} : { value: d.value }), ...(d.hidden === undefined ? {} : { hidden: d.hidden }) })),
  };
}
