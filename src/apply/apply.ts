import { ApplyError, BugError, ConflictError, PhoenixError, signalExitCode, UnavailableError } from '../errors';
import type { Plan, PlanItem } from '../plan';
import { mapLimit } from '../util/concurrency';
import { describeError } from './describe';
import { removeOrphanContainers, removesContainers } from './orphans';
import { reread } from './recover';
import type { WriteAction } from './recover';
import { rollBack, shouldRollBack } from './rollback';
import type { StackWriter, WriteFailureKind, WrittenStack } from './types';

export type { StackWriter, WrittenStack } from './types';

export type Outcome = 'done' | 'failed' | 'not-attempted';

export interface ActionResult {
  stack: string;
  /** `remove-orphans`: the containers of a stack's orphan services, removed after its own action. */
  action: WriteAction | 'remove-orphans';
  outcome: Outcome;
  /** Set when the outcome was decided by re-reading Portainer after a lost answer. */
  recovered?: boolean;
  error?: { code: string; message: string };
  /** Set on a failed update that was rolled back (true) or whose roll-back failed too (false). */
  rolledBack?: boolean;
  /** The roll-back's own failure. */
  rollbackError?: { code: string; message: string };
}

export interface ApplyOptions {
  vmid: number;
  concurrency: number;
  /** How long a deploy may stay deploying before apply gives up on it. */
  deployTimeoutMs: number;
  /** When aborted (Ctrl-C), no new write starts (nor a resend); writes in flight finish. */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Progress lines for stderr. */
  progress?: (line: string) => void;
  /** Called when an action starts; the returned function when it ends (an elapsed-time line on a terminal). */
  activity?: (label: string) => () => void;
  /** Put a running stack's previous file and env back when its update fails (default true; `--no-rollback` turns it off). */
  rollback?: boolean;
}

export interface ApplyResult {
  results: ActionResult[];
  ok: boolean;
}

const POLL_DELAYS_MS = [250, 500, 1000, 2000];
/**
 * How often one write is sent, the first time included, when answers keep getting lost and each
 * re-read shows that it did not land. Bounded so that a broken proxy cannot keep apply busy.
 */
export const MAX_SENDS = 3;
const RESEND_DELAYS_MS = [500, 1500];

/**
 * Execute exactly the writes of `plan`, the same objects that were shown: preview and apply
 * share one code path.
 * One failed action does not stop independent ones; each result says done, failed or
 * not attempted. The caller has already refused plans that hold a conflict.
 */
export async function applyPlan(plan: Plan, writer: StackWriter, options: ApplyOptions): Promise<ApplyResult> {
  const work = plan.items.filter((item) => isWrite(item) || removesContainers(item));
  const perItem = await mapLimit(work, options.concurrency, async (item): Promise<ActionResult[]> => {
    const results: ActionResult[] = [];
    if (isWrite(item)) results.push(options.signal?.aborted ? { stack: item.stack, action: item.action, outcome: 'not-attempted' } : await applyOne(item, item.action, writer, options));
    // Orphan containers go after the stack's own action, and only when it succeeded.
    if (removesContainers(item)) {
      const removal = results.some((r) => r.outcome !== 'done') ? { outcome: 'not-attempted' as const } : await removeOrphanContainers(item, writer, options.signal, options.progress);
      results.push({ stack: item.stack, action: 'remove-orphans', ...removal });
    }
    return results;
  });
  const results = perItem.flat();
  return { results, ok: results.every((r) => r.outcome === 'done') };
}

function isWrite(item: PlanItem): item is PlanItem & { action: WriteAction } {
  return item.action === 'create' || item.action === 'update' || item.action === 'delete' || item.action === 'start';
}

async function applyOne(item: PlanItem, action: WriteAction, writer: StackWriter, options: ApplyOptions): Promise<ActionResult> {
  const base = { stack: item.stack, action };
  // One progress line per action, when it starts: its outcome is in the results (stdout), which
  // already name the action, so "done"/"failed" progress lines only repeated it.
  options.progress?.(`${verb(action)} ${item.stack}...`);
  const end = options.activity?.(`${action === 'delete' ? 'deleting' : action === 'start' ? 'starting' : 'deploying'} ${item.stack}`);
  try {
    const { recovered } = await execute(item, action, writer, options);
    return { ...base, outcome: 'done', ...(recovered ? { recovered } : {}) };
  } catch (error) {
    if (shouldRollBack(item, action, error, writer, options.rollback ?? true)) {
      return { ...base, ...(await rollBack(item, error, writer, (previous) => execute(previous, 'update', writer, options), options)) };
    }
    return { ...base, outcome: 'failed', error: describeError(error) };
  } finally {
    end?.();
  }
}

/**
 * One action, to its end. A write whose outcome is unknown (answer lost, gateway error, timeout,
 * 409, a delete's 404) is never repeated blindly: Portainer is re-read and that decides
 * (docs/reliability.md#2-lost-answers-are-decided-by-re-reading-portainer-never-by-blind-repetition).
 * It counts as done when the re-read shows it landed; it is sent again only when
 * the re-read shows it did not, the failure was not a client-side timeout (the deploy may still
 * run on the server), Ctrl-C was not pressed, and fewer than MAX_SENDS copies went out.
 */
async function execute(item: PlanItem, action: WriteAction, writer: StackWriter, options: ApplyOptions): Promise<{ recovered: boolean }> {
  for (let sends = 1; ; sends++) {
    let written: WrittenStack | undefined;
    let recovered = false;
    try {
      written = await write(item, action, writer);
    } catch (error) {
      const kind = writer.failureKind(error);
      if (kind === 'definite' || kind === 'deploy-failed') throw error;
      if (kind === 'not-found' && action !== 'delete') throw error;
      if (kind === 'conflict' && action === 'update') {
        // A 409 on an update is Portainer's answer that another deploy holds the stack ("already in
        // progress", asynchronous versions): nothing of this update ran. Re-reading would count it
        // as landed whenever the file and env match (always for a redeploy, whose pull never ran),
        // so that deploy is waited out and the update sent again, within MAX_SENDS.
        options.progress?.(`${item.stack}: ${explain(kind, error)}; waiting for the deploy in progress`);
        await waitWhileDeploying(await writer.getStack(required(item.liveId, 'liveId')), writer, options);
        await beforeResend(item, action, kind, sends, options, error);
        continue;
      }
      options.progress?.(`${item.stack}: ${explain(kind, error)}; re-reading Portainer`);
      let seen = await reread(item, action, writer, options.vmid, error);
      if (seen.kind === 'deploying') {
        // Someone else's deploy holds the stack (its file is not ours): let it end.
        await waitWhileDeploying(seen.stack, writer, options);
        seen = await reread(item, action, writer, options.vmid, error);
      }
      if (seen.kind === 'foreign') throw foreignStack(item.stack, seen.ownerVmid, error);
      // A bare redeploy (--redeploy, --pull) sends the file and env Portainer already has: the
      // re-read matches whether it ran or not, so it can neither count as done nor be resent.
      if (seen.kind === 'landed' && action === 'update' && item.redeploy === true) throw redeployUnconfirmed(item, error);
      if (seen.kind === 'landed') {
        written = seen.stack;
        recovered = true;
      } else {
        await beforeResend(item, action, kind, sends, options, error);
        continue;
      }
    }
    if (written) await waitForDeploy(written, writer, options);
    return { recovered };
  }
}

/** Throws when the write that did not land must not be sent again; else pauses, then returns. */
async function beforeResend(item: PlanItem, action: WriteAction, kind: WriteFailureKind, sends: number, options: ApplyOptions, error: unknown): Promise<void> {
  refuseResend(item, action, kind, sends, options, error);
  await (options.sleep ?? defaultSleep)(RESEND_DELAYS_MS[Math.min(sends - 1, RESEND_DELAYS_MS.length - 1)]);
  if (options.signal?.aborted) throw interrupted(item.stack, action, error, options.signal.reason);
  options.progress?.(`${item.stack}: not in Portainer; sending the ${action} again (${sends + 1}/${MAX_SENDS})`);
}

/** Throws when the write that did not land must not be sent again; returns when it may. */
function refuseResend(item: PlanItem, action: WriteAction, kind: WriteFailureKind, sends: number, options: ApplyOptions, error: unknown): void {
  // A 409 on create with no owned stack of that name: the name is taken (an external compose
  // project, docs/portainer-api.md#name-conflicts). A delete's 404 with the stack still listed: a wrong environment.
  // A start's 409 with the stack still stopped: another project of that name runs there.
  if (kind === 'conflict' && (action === 'create' || action === 'start')) throw error;
  if (kind === 'not-found') throw error;
  if (kind === 'timeout') {
    throw new ApplyError(`${action} of ${item.stack} got no answer in time and is not in Portainer yet; it was not sent again (the deploy may still be running there)`, {
      code: 'DEPLOY_UNCONFIRMED',
      hint: 'Run the same converge again in a few minutes: it sees what Portainer finished, or raise --timeout.',
      cause: error,
    });
  }
  if (options.signal?.aborted) throw interrupted(item.stack, action, error, options.signal.reason);
  if (sends >= MAX_SENDS) throw error;
}

async function write(item: PlanItem, action: WriteAction, writer: StackWriter): Promise<WrittenStack | undefined> {
  if (action === 'delete') {
    await writer.deleteStack(required(item.liveId, 'liveId'));
    return undefined;
  }
  if (action === 'start') return required(writer.startStack?.bind(writer), 'a writer that starts stacks')(required(item.liveId, 'liveId'));
  const payload = required(item.payload, 'payload');
  if (action === 'create') return writer.createStack({ name: item.stack, ...payload });
  return writer.updateStack({ id: required(item.liveId, 'liveId'), ...payload, ...(item.pull === true ? { pull: true } : {}), ...(item.prune ? { prune: true } : {}) });
}

/** Polls (with backoff) while the stack is deploying; a failed deploy fails with Portainer's message. */
async function waitForDeploy(stack: WrittenStack, writer: StackWriter, options: ApplyOptions): Promise<void> {
  const current = await waitWhileDeploying(stack, writer, options);
  if (current.status === 'failed') {
    throw new PhoenixError(`Portainer failed to deploy ${stack.name}: ${current.deploymentMessage ?? 'no message'}`, {
      code: 'DEPLOY_FAILED',
      exitCode: 1,
    });
  }
}

async function waitWhileDeploying(stack: WrittenStack, writer: StackWriter, options: ApplyOptions): Promise<WrittenStack> {
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const deadline = now() + options.deployTimeoutMs;
  let current = stack;
  for (let attempt = 0; current.status === 'deploying'; attempt++) {
    if (now() >= deadline) {
      throw new UnavailableError(`stack ${stack.name} is still deploying after ${Math.round(options.deployTimeoutMs / 1000)} s`, {
        code: 'DEPLOY_TIMEOUT',
        hint: 'Portainer goes on deploying on its side; run converge again later to see where it ended, or raise --timeout.',
      });
    }
    await sleep(POLL_DELAYS_MS[Math.min(attempt, POLL_DELAYS_MS.length - 1)]);
    current = await writer.getStack(stack.id);
  }
  return current;
}

function explain(kind: WriteFailureKind, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (kind === 'conflict') return `Portainer answered a conflict (${message})`;
  if (kind === 'not-found') return `Portainer answered not found (${message})`;
  return `answer lost (${message})`;
}

function redeployUnconfirmed(item: PlanItem, cause: unknown): ApplyError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ApplyError(
    `the answer to the redeploy of ${item.stack} was lost (${reason}); Portainer already had this file and env, so re-reading it cannot tell whether the redeploy${item.pull === true ? ' and its image pull' : ''} ran; it was not sent again`,
    {
      code: 'DEPLOY_UNCONFIRMED',
      hint: `Look at the stack's containers (their images and start times) in Portainer, or run the same converge again to redeploy once more.`,
      cause,
    },
  );
}

function foreignStack(stack: string, ownerVmid: number | undefined, cause: unknown): ConflictError {
  const owner = ownerVmid === undefined ? 'that phoenix does not own' : `owned by VM ${ownerVmid}`;
  return new ConflictError(`a stack named ${stack} ${owner} appeared in Portainer while creating it; it was left alone`, {
    code: 'STACK_APPEARED',
    hint: 'Run the converge again to see the conflict in the plan, then rename the stack or use --adopt.',
    cause,
  });
}

/** INTERRUPTED exits 130 or 143 wherever it is raised, like the signal that caused it. */
function interrupted(stack: string, action: WriteAction, cause: unknown, signal: unknown): PhoenixError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new PhoenixError(`${action} of ${stack} was not sent again after an interrupt (its first answer was lost: ${reason})`, {
    code: 'INTERRUPTED',
    exitCode: signalExitCode(String(signal)),
    cause,
  });
}

function verb(action: WriteAction): string {
  return action === 'create' ? 'creating' : action === 'update' ? 'updating' : action === 'start' ? 'starting' : 'deleting';
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new BugError(`plan item without ${what}`);
  return value;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
