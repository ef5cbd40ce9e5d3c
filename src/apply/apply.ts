import { PhoenixError, UnavailableError } from '../errors';
import { markerVmid, stackKey } from '../plan';
import type { EnvPair, Plan, PlanItem } from '../plan';

/** The stack as a write or a read returns it: only what apply needs to decide. */
export interface WrittenStack {
  id: number;
  name: string;
  endpointId: number;
  /** 1 active, 2 inactive, 3 deploying, 4 failed (newest Portainer versions deploy asynchronously). */
  status: number;
  deploymentMessage?: string;
}

/** The writes apply performs; the app layer implements it with the Portainer client. */
export interface StackWriter {
  createStack(input: { name: string; composeText: string; env: EnvPair[] }): Promise<WrittenStack>;
  updateStack(input: { id: number; composeText: string; env: EnvPair[] }): Promise<WrittenStack>;
  deleteStack(id: number): Promise<void>;
  getStack(id: number): Promise<WrittenStack>;
  /** The live stacks of the VM's environment, used to recover from a lost answer. */
  listStacks(): Promise<WrittenStack[]>;
  stackFile(id: number): Promise<string>;
}

export type Outcome = 'done' | 'failed' | 'not-attempted';

export interface ActionResult {
  stack: string;
  action: 'create' | 'update' | 'delete';
  outcome: Outcome;
  /** Set when the outcome was decided by re-reading Portainer after a lost answer. */
  recovered?: boolean;
  error?: { code: string; message: string };
}

export interface ApplyOptions {
  vmid: number;
  concurrency: number;
  /** How long a deploy may stay in Status 3 (deploying) before apply gives up on it. */
  deployTimeoutMs: number;
  /** When aborted (Ctrl-C), no new write starts; writes in flight finish. */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Progress lines for stderr. */
  progress?: (line: string) => void;
}

export interface ApplyResult {
  results: ActionResult[];
  ok: boolean;
}

const POLL_DELAYS_MS = [250, 500, 1000, 2000];

/**
 * Execute exactly the writes of `plan` (STYLE.md habit 3): the same objects that were shown.
 * One failed action does not stop independent ones; each result says done, failed or
 * not attempted. The caller has already refused plans that hold a conflict.
 */
export async function applyPlan(plan: Plan, writer: StackWriter, options: ApplyOptions): Promise<ApplyResult> {
  const writes = plan.items.filter((item) => item.action === 'create' || item.action === 'update' || item.action === 'delete');
  const results: ActionResult[] = new Array(writes.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < writes.length) {
      const index = next++;
      const item = writes[index];
      const action = item.action as ActionResult['action'];
      if (options.signal?.aborted) {
        results[index] = { stack: item.stack, action, outcome: 'not-attempted' };
        continue;
      }
      results[index] = await applyOne(item, action, writer, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, writes.length)) }, worker));
  return { results, ok: results.every((r) => r.outcome === 'done') };
}

async function applyOne(item: PlanItem, action: ActionResult['action'], writer: StackWriter, options: ApplyOptions): Promise<ActionResult> {
  const base = { stack: item.stack, action };
  options.progress?.(`${verb(action)} ${item.stack}...`);
  try {
    let recovered = false;
    let written: WrittenStack | undefined;
    try {
      written = await write(item, action, writer);
    } catch (error) {
      if (!isLostAnswer(error)) throw error;
      // The request may have been carried out even though its answer never came: re-read and
      // decide, never repeat blindly (SPEC section 5).
      options.progress?.(`${item.stack}: answer lost (${(error as Error).message}); re-reading Portainer`);
      const found = await recover(item, action, writer, options.vmid);
      if (found === null) throw error;
      written = found;
      recovered = true;
    }
    if (written) await waitForDeploy(written, writer, options);
    options.progress?.(`${item.stack}: ${action} done`);
    return { ...base, outcome: 'done', ...(recovered ? { recovered } : {}) };
  } catch (error) {
    const failure = describe(error);
    options.progress?.(`${item.stack}: ${action} failed: ${failure.message}`);
    return { ...base, outcome: 'failed', error: failure };
  }
}

async function write(item: PlanItem, action: ActionResult['action'], writer: StackWriter): Promise<WrittenStack | undefined> {
  if (action === 'delete') {
    await writer.deleteStack(required(item.liveId, 'liveId'));
    return undefined;
  }
  const payload = required(item.payload, 'payload');
  if (action === 'create') return writer.createStack({ name: item.stack, ...payload });
  return writer.updateStack({ id: required(item.liveId, 'liveId'), ...payload });
}

/**
 * After a lost answer: did the write happen? Returns the stack when it did, undefined for a
 * delete that happened, and null when it did not (the original error then stands).
 */
async function recover(
  item: PlanItem,
  action: ActionResult['action'],
  writer: StackWriter,
  vmid: number,
): Promise<WrittenStack | undefined | null> {
  const stacks = await writer.listStacks();
  const found = stacks.find((s) => (action === 'create' ? stackKey(s.name) === stackKey(item.stack) : s.id === item.liveId));
  if (action === 'delete') return found ? null : undefined;
  if (!found) return null;
  const text = await writer.stackFile(found.id);
  if (markerVmid(text) !== vmid) return null;
  if (action === 'update' && text.trimEnd() !== required(item.payload, 'payload').composeText.trimEnd()) return null;
  return found;
}

async function waitForDeploy(stack: WrittenStack, writer: StackWriter, options: ApplyOptions): Promise<void> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.deployTimeoutMs;
  let current = stack;
  for (let attempt = 0; current.status === 3; attempt++) {
    if (now() >= deadline) {
      throw new UnavailableError(`stack ${stack.name} is still deploying after ${Math.round(options.deployTimeoutMs / 1000)} s`, {
        code: 'DEPLOY_TIMEOUT',
        hint: 'Portainer goes on deploying on its side; run converge again later to see where it ended, or raise --timeout.',
      });
    }
    await sleep(POLL_DELAYS_MS[Math.min(attempt, POLL_DELAYS_MS.length - 1)]);
    current = await writer.getStack(stack.id);
  }
  if (current.status === 4) {
    throw new PhoenixError(`Portainer failed to deploy ${stack.name}: ${current.deploymentMessage ?? 'no message'}`, {
      code: 'DEPLOY_FAILED',
      exitCode: 1,
    });
  }
}

/**
 * A failure after which the write may have happened: the request went out and no answer came
 * (a timeout, a reset). A refused connection, DNS or TLS failure means nothing was sent.
 */
function isLostAnswer(error: unknown): boolean {
  return error instanceof UnavailableError && (error.code === 'PORTAINER_TIMEOUT' || error.code === 'PORTAINER_NETWORK');
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof PhoenixError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

function verb(action: ActionResult['action']): string {
  return action === 'create' ? 'creating' : action === 'update' ? 'updating' : 'deleting';
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`bug: plan item without ${what}`);
  return value;
}
