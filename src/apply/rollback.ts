/**
 * Roll-back of a failed update. From Portainer 2.15 a failed `compose up` is followed by
 * `compose down`, so a failed update takes a running stack down; on the versions that deploy
 * asynchronously it ends at Status 4. The plan read the stack's live file and env a moment
 * earlier, so apply puts exactly those back with ONE more update, under the same retry and
 * lost-answer rules as any update, and waits for it. A roll-back is never retried in a loop nor
 * itself rolled back: its failure is reported, naming the state the stack may be in.
 * An interrupt (Ctrl-C, SIGTERM) during the failing update does not stop the roll-back: the
 * failed update has taken the stack down, so its roll-back PUT is the one write that still starts
 * after a signal (a resend of it after a lost answer is refused, like any resend).
 * See docs/portainer-api.md#failed-updates and docs/reliability.md (Roll-back).
 */
import { PhoenixError } from '../errors';
import type { PlanItem, StackPayload } from '../plan';
import { hiddenReason } from '../plan/env-display';
import { describeError } from './describe';
import { alreadyHolds } from './recover';
import type { StackWriter } from './types';

export interface RollbackOutcome {
  outcome: 'failed';
  /** True when the previous file and env were put back and deployed. */
  rolledBack: boolean;
  error: { code: string; message: string };
  /** The roll-back's own failure, when it failed. */
  rollbackError?: { code: string; message: string };
}

/**
 * Whether a failed action is rolled back: an update (never a create or delete) of a stack that
 * was running when planned, with roll-back on, that Portainer definitely refused as a deploy
 * failure (its synchronous error answer, or Status 4 after polling). A write whose outcome is
 * unknown (lost answer, timeout, gateway error, a failed re-read, an interrupt) is not: its
 * outcome was decided by re-reading first and is reported as it is.
 */
export function shouldRollBack(item: PlanItem, action: string, error: unknown, writer: Pick<StackWriter, 'failureKind'>, enabled: boolean): item is PlanItem & { previous: StackPayload } {
  return enabled && action === 'update' && item.previous !== undefined && isDeployFailure(error, writer);
}

/** Status 4 after polling (apply's own DEPLOY_FAILED), or an error answer the writer calls a failed deploy. */
export function isDeployFailure(error: unknown, writer: Pick<StackWriter, 'failureKind'>): boolean {
  if (error instanceof PhoenixError && error.code === 'DEPLOY_FAILED') return true;
  return writer.failureKind(error) === 'deploy-failed';
}

/**
 * Sends the previous version once through `update` (apply's own update path: retries of an
 * unsent request, re-reading after a lost answer, polling an asynchronous deploy) and reports both
 * outcomes. The action stays failed (the run exits 1): the config's version is not deployed.
 */
export async function rollBack(
  item: PlanItem & { previous: StackPayload },
  failure: unknown,
  writer: Pick<StackWriter, 'failureMessage' | 'getStack' | 'stackFile'>,
  update: (item: PlanItem) => Promise<unknown>,
  options: { vmid: number; progress?: (line: string) => void },
): Promise<RollbackOutcome> {
  const reason = portainerMessage(failure, writer);
  options.progress?.(`${item.stack}: update failed; rolling back to the previous version`);
  // The same item with the previous version as its payload: a lost answer is decided by
  // re-reading against the previous file and env, never by sending again blindly.
  // No image pull: the roll-back puts back what ran, and a pull may be what failed.
  // Without Prune: putting the previous version back removes nothing.
  // From 2.16 a failed update leaves the previous file and env stored, so a re-read after a lost
  // answer matches whether the roll-back ran or not, while the stack may run nothing
  // (docs/portainer-api.md#failed-updates). When Portainer already holds them, the roll-back is
  // a bare redeploy: its lost answer is unconfirmed (ROLLBACK_FAILED, "the stack may be down"),
  // never counted as rolled back. Before 2.16 the failed file stays stored and the re-read tells.
  const unconfirmable = await alreadyHolds(writer, item.liveId ?? -1, item.previous);
  const back: PlanItem = { ...item, payload: item.previous, previous: undefined, pull: undefined, prune: undefined, ...(unconfirmable ? { redeploy: true } : {}) };
  try {
    await update(back);
  } catch (error) {
    const second = describeError(error);
    return {
      outcome: 'failed',
      rolledBack: false,
      error: {
        code: 'ROLLBACK_FAILED',
        message: `update failed and the roll-back failed too: ${reason}; roll-back: ${portainerMessage(error, writer)}; the stack may be down: run phoenix portainer ${options.vmid} status`,
      },
      rollbackError: second,
    };
  }
  return {
    outcome: 'failed',
    rolledBack: true,
    error: { code: 'UPDATE_ROLLED_BACK', message: `update failed: ${reason}; rolled back to the previous version` },
  };
}

/** Portainer's own words when the failure carries them (its error answer's message), else the error's message. */
function portainerMessage(error: unknown, writer: Pick<StackWriter, 'failureMessage'>): string {
  return writer.failureMessage?.(error) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The values of the previous env that must be redacted like secrets: a roll-back sends them back,
 * and Portainer's error text may echo them. Those of a name that is a secret in the config (the
 * previous value of a rotated secret is not the one loaded) and of a credential-like name or value
 * (a password set by hand in Portainer).
 */
export function previousSecrets(items: readonly PlanItem[], secretNames: (stack: string) => readonly string[]): string[] {
  return items.flatMap((item) => {
    const secret = new Set(secretNames(item.stack));
    return (item.previous?.env ?? []).filter((e) => hiddenReason(e.name, e.value, secret.has(e.name)) !== undefined).map((e) => e.value);
  });
}
