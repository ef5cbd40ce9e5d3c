/**
 * Deciding after an ambiguous write
 * (docs/reliability.md#2-lost-answers-are-decided-by-re-reading-portainer-never-by-blind-repetition): the request may or may not have been
 * carried out, so Portainer is re-read and the answer decides. Nothing here sends a write.
 */
import { BugError, UnavailableError } from '../errors';
import { diffEnv, markerVmid, normaliseCompose, stackKey } from '../plan';
import type { EnvPair, PlanItem } from '../plan';
import type { StackWriter, WrittenStack } from './types';

export type Reread =
  /** The write is in Portainer: a create's owned stack of that name, an update's file and env, a delete's absence. */
  | { kind: 'landed'; stack?: WrittenStack }
  /** The write is not there (the stack is as before): sending it again is safe unless it may still run. */
  | { kind: 'absent' }
  /** An update's target is mid-deploy: wait, then re-read again. */
  | { kind: 'deploying'; stack: WrittenStack }
  /** A create's name is now held by a stack phoenix does not own (for this VM). */
  | { kind: 'foreign'; ownerVmid?: number };

export type WriteAction = 'create' | 'update' | 'delete' | 'start';

/**
 * Re-reads the stacks of the environment and says whether `action` on `item` is in Portainer.
 * A re-read that itself fails (after the client's own read retries) becomes OUTCOME_UNKNOWN,
 * naming both failures: apply cannot tell what happened, and says so.
 */
export async function reread(item: PlanItem, action: WriteAction, writer: StackWriter, vmid: number, cause: unknown): Promise<Reread> {
  try {
    return await inspect(item, action, writer, vmid);
  } catch (error) {
    const first = cause instanceof Error ? cause.message : String(cause);
    const second = error instanceof Error ? error.message : String(error);
    throw new UnavailableError(`whether the ${action} of ${item.stack} happened is unknown: its answer was lost (${first}), and re-reading Portainer failed too (${second})`, {
      code: 'OUTCOME_UNKNOWN',
      hint: 'Run the same converge again once Portainer answers: it re-plans from what Portainer has, and never creates a second stack of the same name.',
      cause: error,
    });
  }
}

async function inspect(item: PlanItem, action: WriteAction, writer: StackWriter, vmid: number): Promise<Reread> {
  const stacks = await writer.listStacks();
  if (action === 'delete') {
    return stacks.some((s) => s.id === item.liveId) ? { kind: 'absent' } : { kind: 'landed' };
  }
  if (action === 'start') {
    // A start landed when the stack is active again (or deploying, on versions that deploy
    // asynchronously); still stopped, it did not, and sending it again is safe.
    const found = stacks.find((s) => s.id === item.liveId);
    return found !== undefined && (found.status === 'active' || found.status === 'deploying') ? { kind: 'landed', stack: found } : { kind: 'absent' };
  }
  if (action === 'create') {
    const found = stacks.find((s) => stackKey(s.name) === stackKey(item.stack));
    if (!found) return { kind: 'absent' };
    const owner = markerVmid(await writer.stackFile(found.id));
    // An owned stack of that name counts as created, whatever its deploy state
    // (docs/reliability.md#2-lost-answers-are-decided-by-re-reading-portainer-never-by-blind-repetition).
    return owner === vmid ? { kind: 'landed', stack: found } : { kind: 'foreign', ...(owner === undefined ? {} : { ownerVmid: owner }) };
  }
  const found = stacks.find((s) => s.id === item.liveId);
  if (!found) return { kind: 'absent' }; // deleted meanwhile: the update did not land, and the caller's resend will say not found
  const payload = item.payload;
  if (!payload) throw new BugError('update without payload');
  if (await matches(writer, found, payload)) return { kind: 'landed', stack: found };
  // Async versions store the file before deploying, so a landed update matches at once; a
  // mismatch while deploying is someone else's deploy, whose end we wait for.
  return found.status === 'deploying' ? { kind: 'deploying', stack: found } : { kind: 'absent' };
}

/**
 * Whether Portainer already stores exactly this file and env for the stack, so that re-reading it
 * after a lost answer could not tell whether a write of them ran. A read that fails says yes:
 * the write is then treated as unconfirmable, never as landed.
 */
export async function alreadyHolds(writer: Pick<StackWriter, 'getStack' | 'stackFile'>, id: number, payload: { composeText: string; env: EnvPair[] }): Promise<boolean> {
  try {
    return await matches(writer, { id }, payload);
  } catch {
    return true;
  }
}

async function matches(writer: Pick<StackWriter, 'getStack' | 'stackFile'>, stack: Pick<WrittenStack, 'id'>, payload: { composeText: string; env: EnvPair[] }): Promise<boolean> {
  const text = await writer.stackFile(stack.id);
  if (normaliseCompose(text) !== normaliseCompose(payload.composeText)) return false;
  const full = await writer.getStack(stack.id);
  // A writer that does not report env cannot confirm: treated as not landed (resent when safe).
  return full.env !== undefined && sameEnv(full.env, payload.env);
}

/** The planner's own notion of env equality (by name, last value wins). */
function sameEnv(live: readonly EnvPair[], desired: readonly EnvPair[]): boolean {
  const changes = diffEnv(live, desired);
  return changes.added.length + changes.removed.length + changes.changed.length === 0;
}
