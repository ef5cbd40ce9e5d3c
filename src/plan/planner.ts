import { createTwoFilesPatch } from 'diff';

import { markerVmid, stripMarker, withMarker } from './marker';
import { canonicalEnv, diffEnv, envChanged, normaliseCompose, stackKey } from './normalise';
import type {
  DesiredStackInput,
  EnvChanges,
  LiveStackInput,
  Plan,
  PlanItem,
  PlanOptions,
  PlanSummary,
} from './types';

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
 *
 * `live` must hold the stacks of the VM's Portainer environment only.
 */
export function plan(desired: readonly DesiredStackInput[], live: readonly LiveStackInput[], options: PlanOptions): Plan {
  const liveByKey = new Map<string, LiveStackInput>();
  for (const stack of [...live].sort((a, b) => a.id - b.id)) {
    if (!liveByKey.has(stackKey(stack.name))) liveByKey.set(stackKey(stack.name), stack);
  }
  const desiredKeys = new Set(desired.map((stack) => stackKey(stack.name)));

  const items: PlanItem[] = desired.map((stack) => planDesired(stack, liveByKey.get(stackKey(stack.name)), options));
  const orphans: string[] = [];
  for (const [key, stack] of liveByKey) {
    if (desiredKeys.has(key) || stack.git || markerVmid(stack.composeText) !== options.vmid) continue;
    if (options.prune) {
      items.push({
        stack: stack.name,
        action: 'delete',
        reason: 'owned by phoenix and no longer in the config (--prune); volumes are kept',
        liveId: stack.id,
        composeDiff: '',
        env: NO_ENV_CHANGES,
      });
    } else {
      orphans.push(stack.name);
    }
  }

  items.sort((a, b) => compare(stackKey(a.stack), stackKey(b.stack)));
  return { vmid: options.vmid, items, orphans: orphans.sort(compare), summary: summarise(items) };
}

function planDesired(stack: DesiredStackInput, live: LiveStackInput | undefined, options: PlanOptions): PlanItem {
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
      env: diffEnv([], payload.env),
      payload,
    };
  }

  const owner = markerVmid(live.composeText);
  const liveText = live.composeText === undefined ? '' : normaliseCompose(stripMarker(live.composeText));
  // A stack whose file was not read (Git-based) has nothing to compare: no diff against an empty file.
  const composeDiff = live.composeText === undefined || liveText === desiredText ? '' : unifiedDiff(stack.name, liveText, desiredText);
  const env = diffEnv(live.env, payload.env);
  const base = { stack: stack.name, liveId: live.id, composeDiff, env, payload };

  if (live.git || owner !== options.vmid) {
    if (options.adopt) {
      const what = live.git ? 'Git-based stack, detached from Git' : 'stack not created by phoenix';
      return { ...base, action: 'update', adopt: true, reason: `adopt (--adopt): ${what}; the marker is added` };
    }
    return { ...base, action: 'conflict', reason: conflictReason(live, owner), conflict: conflictOf(live, owner) };
  }

  if (composeDiff === '' && !envChanged(env)) {
    if (live.failed) return { ...base, action: 'update', reason: 'in sync, but its last deploy failed in Portainer: redeploy' };
    return { ...base, action: 'noop', reason: 'in sync', payload: undefined };
  }
  const what = [composeDiff === '' ? '' : 'compose', envChanged(env) ? 'env' : ''].filter(Boolean).join(' and ');
  return { ...base, action: 'update', reason: `${what} differ${what.includes(' and ') ? '' : 's'}` };
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

function unifiedDiff(name: string, before: string, after: string): string {
  return createTwoFilesPatch(`live/${name}`, `desired/${name}`, before, after, undefined, undefined, { context: 3 })
    .split('\n')
    .filter((line) => !line.startsWith('====='))
    .join('\n')
    .trimEnd();
}

function summarise(items: readonly PlanItem[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, noop: 0, conflict: 0 };
  for (const item of items) summary[item.action] += 1;
  return summary;
}

export function hasChanges(p: Plan): boolean {
  return p.summary.create + p.summary.update + p.summary.delete > 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
