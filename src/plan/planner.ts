import { composeDiff as boundedDiff } from './compose-diff';
import { markerVmid, stripMarker, withMarker } from './marker';
import { canonicalEnv, compare, diffEnv, envChanged, normaliseCompose, stackKey } from './normalise';
import { runtimeReport, unitsByProject } from './runtime';
import type { DesiredStackInput, EnvChanges, EnvironmentRuntime, LiveStackInput, Plan, PlanItem, PlanOptions, PlanSummary, RuntimeUnitInput } from './types';

const NO_ENV_CHANGES: EnvChanges = { added: [], removed: [], changed: [] };

/**
 * Decide, per stack, what converging the VM would do. Pure: no I/O, clock or randomness, and
 * items sorted by stack name, so the same inputs always give the same plan.
 *
 * - A desired stack that is not live is created.
 * - A live stack carrying this VM's marker is updated when its compose text or env differ.
 * - A live stack without this VM's marker, or one deployed from Git, is a conflict unless
 *   `adopt`: phoenix never changes what it does not own.
 * - An owned live stack that is not desired is deleted only with `prune`; otherwise it is
 *   listed in `orphans`.
 * - With `redeploy`, an owned declared stack in sync is updated all the same (a redeploy, with
 *   the image pull for `pull`; a stopped one too: the update starts it); a conflict stays a
 *   conflict and a create stays a create.
 * - With `runtime` (what runs on the environment): an owned stack in sync that Portainer stopped
 *   is started; services of the file that do not run are reported (never a redeploy by
 *   themselves); services that run but left the file are orphans, removed only with `prune`
 *   (containers after the stack's own action; Swarm through an update with Prune). Only units
 *   whose project label is the stack's name exactly belong to it, and only owned stacks lose any.
 *
 * `live` and `runtime` must hold the VM's Portainer environment only.
 */
export function plan(desired: readonly DesiredStackInput[], live: readonly LiveStackInput[], options: PlanOptions, runtime?: EnvironmentRuntime): Plan {
  const units = unitsByProject(runtime);
  const running = runtime === undefined ? undefined : { kind: runtime.kind, of: (name: string) => units.get(name) ?? [] };
  // Grouped by normalised name, lowest id first. More than one stack per name happens only with
  // names from before Portainer 2.9.1 (`WEB` beside `web`): each is reported, none is dropped.
  const liveByKey = new Map<string, LiveStackInput[]>();
  for (const stack of [...live].sort((a, b) => a.id - b.id)) {
    const group = liveByKey.get(stackKey(stack.name));
    if (group) group.push(stack);
    else liveByKey.set(stackKey(stack.name), [stack]);
  }
  const desiredKeys = new Set(desired.map((stack) => stackKey(stack.name)));

  const items: PlanItem[] = desired.map((stack) => {
    const group = liveByKey.get(stackKey(stack.name));
    return group !== undefined && group.length > 1 ? duplicateConflict(stack.name, group) : planDesired(stack, group?.[0], options, running);
  });
  const orphans: string[] = [];
  for (const [key, group] of liveByKey) {
    if (desiredKeys.has(key)) continue;
    const ours = group.filter((stack) => !stack.git && markerVmid(stack.composeText) === options.vmid);
    if (ours.length === 0) continue;
    if (!options.prune) {
      orphans.push(...ours.map((stack) => stack.name));
    } else if (group.length > 1) {
      items.push(duplicateConflict(ours[0].name, group));
    } else {
      items.push({
        stack: ours[0].name,
        action: 'delete',
        reason: 'owned by phoenix and no longer in the config (--prune); volumes are kept',
        liveId: ours[0].id,
        composeDiff: '',
        env: NO_ENV_CHANGES,
      });
    }
  }

  items.sort((a, b) => compare(stackKey(a.stack), stackKey(b.stack)));
  const register = options.register === undefined ? {} : { register: { name: options.register.name, url: options.register.url } };
  return { vmid: options.vmid, items, orphans: orphans.sort(compare), summary: summarise(items), ...register };
}

/**
 * Two live stacks whose names differ only in case share one compose project, so writing either
 * one would act on the other's containers: phoenix touches neither, whatever the flags, and
 * names both so a person can remove or rename the extra one in Portainer.
 */
function duplicateConflict(name: string, group: readonly LiveStackInput[]): PlanItem {
  const listing = group.map((stack) => `${JSON.stringify(stack.name)} (id ${stack.id})`).join(', ');
  return {
    stack: name,
    action: 'conflict',
    reason: `Portainer has ${group.length} stacks with this name in different case: ${listing}; delete or rename the extra one in Portainer, then run again`,
    liveId: group[0].id,
    composeDiff: '',
    env: NO_ENV_CHANGES,
    conflict: { kind: 'duplicate', resolution: 'delete or rename the extra stack in Portainer (--adopt does not resolve it)' },
  };
}

interface StackRuntime {
  kind: EnvironmentRuntime['kind'];
  of(name: string): readonly RuntimeUnitInput[];
}

function planDesired(stack: DesiredStackInput, live: LiveStackInput | undefined, options: PlanOptions, running?: StackRuntime): PlanItem {
  const payload = {
    composeText: withMarker(options.vmid, stack.composeText, normaliseCompose),
    env: canonicalEnv(stack.env),
  };
  const desiredText = normaliseCompose(stripMarker(stack.composeText));

  if (live === undefined) {
    return {
      stack: stack.name,
      action: 'create',
      reason: 'not in Portainer',
      composeDiff: '',
      env: diffEnv([], payload.env, stack.secretNames),
      payload,
    };
  }

  const owner = markerVmid(live.composeText);
  const liveText = live.composeText === undefined ? '' : normaliseCompose(stripMarker(live.composeText));
  // A stack whose file was not read (Git-based) has nothing to compare: no diff against an empty file.
  const composeEqual = live.composeText === undefined || liveText === desiredText;
  const diff = composeEqual ? { text: '' } : boundedDiff(stack.name, liveText, desiredText);
  const env = diffEnv(live.env, payload.env, stack.secretNames);
  const base = { stack: stack.name, liveId: live.id, composeDiff: diff.text, ...(diff.omitted ? { composeDiffOmitted: diff.omitted } : {}), env, payload };
  // What a failed update of a running stack is rolled back to: the file and env exactly as read.
  const previous = live.running && live.composeText !== undefined ? { previous: { composeText: live.composeText, env: live.env } } : {};

  // --pull: every update of the plan asks for the pull, not only the forced redeploys.
  const pull = options.redeploy === 'pull' ? { pull: true } : {};
  const pulled = options.redeploy === 'pull' ? '; images pulled first (--pull)' : '';

  const owned = !live.git && owner === options.vmid;
  // A stopped stack has no containers: nothing to report until it runs. Only an owned stack loses orphans.
  const report = running && stack.services && !live.stopped ? runtimeReport(running.kind, stack.services, running.of(live.name), options.prune && owned) : undefined;
  const runtime = report ? { runtime: report } : {};
  const swarmPrune = report?.kind === 'swarm' && report.removeOrphans;
  // An update that redeploys anyway carries Prune when Swarm orphans go (--prune).
  const withPrune = swarmPrune ? { prune: { only: false } } : {};

  if (!owned) {
    if (options.adopt) {
      const what = live.git ? 'Git-based stack, detached from Git' : 'stack not created by phoenix';
      return { ...base, ...previous, ...runtime, ...pull, action: 'update', adopt: true, reason: `adopt (--adopt): ${what}; the marker is added${pulled}` };
    }
    return { ...base, action: 'conflict', reason: conflictReason(live, owner), conflict: conflictOf(live, owner) };
  }

  if (composeEqual && !envChanged(env)) {
    if (live.failed) return { ...base, ...runtime, ...pull, ...withPrune, action: 'update', redeploy: true, reason: `in sync, but its last deploy failed in Portainer: redeploy${pulled}` };
    if (options.redeploy !== undefined) {
      // A stopped stack too: the redeploy starts it (one update, not a start as well).
      const reason = options.redeploy === 'pull' ? 'redeploy with image pull (--pull)' : 'redeploy requested (--redeploy)';
      return { ...base, ...previous, ...runtime, ...pull, ...withPrune, action: 'update', redeploy: true, reason };
    }
    if (live.stopped) return { ...base, action: 'start', reason: 'in sync, but stopped in Portainer: start it', payload: undefined };
    if (swarmPrune) return { ...base, ...previous, ...runtime, prune: { only: true }, action: 'update', reason: `in sync, but ${orphanWords(report.orphans.length)}: redeploy with Prune (--prune)` };
    if (report?.removeOrphans) return { ...base, ...runtime, action: 'noop', reason: `in sync, but ${orphanWords(report.orphans.length)}: removed (--prune)`, payload: undefined };
    if (report && report.orphans.length > 0)
      return { ...base, ...runtime, action: 'noop', reason: `in sync, but ${orphanWords(report.orphans.length)} (--prune removes ${report.orphans.length === 1 ? 'it' : 'them'})`, payload: undefined };
    return { ...base, ...runtime, action: 'noop', reason: 'in sync', payload: undefined };
  }
  const what = [composeEqual ? '' : 'compose', envChanged(env) ? 'env' : ''].filter(Boolean).join(' and ');
  // An update of a stopped stack redeploys it, which starts it: one update, not a start as well.
  const stopped = live.stopped ? '; stopped in Portainer, the update starts it' : '';
  return { ...base, ...previous, ...runtime, ...pull, ...withPrune, action: 'update', reason: `${what} differ${what.includes(' and ') ? '' : 's'}${stopped}${pulled}` };
}

function orphanWords(count: number): string {
  return count === 1 ? '1 service no longer in the file still runs' : `${count} services no longer in the file still run`;
}

function conflictOf(live: LiveStackInput, owner: number | undefined): PlanItem['conflict'] {
  if (live.git) return { kind: 'git', resolution: '--adopt (detaches the stack from Git)' };
  return { kind: owner === undefined ? 'unowned' : 'other-vm', resolution: '--adopt' };
}

function conflictReason(live: LiveStackInput, owner: number | undefined): string {
  if (live.git) return 'deployed from Git in Portainer; phoenix would detach it (use --adopt to take it over)';
  if (owner !== undefined) return `owned by phoenix for vm ${owner}, not this VM (use --adopt to take it over)`;
  return 'exists in Portainer but phoenix does not own it (use --adopt to take it over)';
}

function summarise(items: readonly PlanItem[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, start: 0, noop: 0, conflict: 0, orphansToRemove: 0 };
  for (const item of items) {
    summary[item.action] += 1;
    if (item.runtime?.removeOrphans) summary.orphansToRemove += item.runtime.orphans.length;
  }
  return summary;
}

/** Anything to write: a create, update, delete or start, or orphan services to remove. */
export function hasChanges(p: Plan): boolean {
  return p.register !== undefined || p.summary.create + p.summary.update + p.summary.delete + p.summary.start + p.summary.orphansToRemove > 0;
}
