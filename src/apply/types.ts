import type { EnvPair } from '../plan';

/**
 * Where a stack's deploy stands, as the writer reports it: `deploying` is polled until it ends,
 * `failed` fails the action with the deployment message (newer Portainer versions deploy
 * asynchronously, so a write's answer can come before the deploy ends).
 */
export type DeployState = 'active' | 'inactive' | 'deploying' | 'failed' | 'unknown';

/**
 * What a failed write leaves behind, as the writer classifies its own errors (apply decides on
 * these words, never on the transport's status codes):
 * - `lost`: the request may have been carried out and its answer never came (a reset, or a
 *   gateway error from a proxy that may have forwarded it). Re-read; repeating is safe only when
 *   the re-read shows it did not land.
 * - `timeout`: no answer in time: the deploy may still be running on the server. Re-read; never repeat.
 * - `conflict`: the name is taken, or (asynchronous versions) a deployment is already in progress.
 * - `not-found`: the stack is not there (for a delete, it may already be gone).
 * - `definite`: the server answered and refused or failed, or nothing was sent.
 */
export type WriteFailureKind = 'lost' | 'timeout' | 'conflict' | 'not-found' | 'definite' | 'deploy-failed';

/** The stack as a write or a read returns it: only what apply needs to decide. */
export interface WrittenStack {
  id: number;
  name: string;
  endpointId: number;
  status: DeployState;
  deploymentMessage?: string;
  /**
   * The stack's env, when the writer reports it. Needed to confirm that an update whose answer
   * was lost landed; without it apply cannot confirm and sends the update again (safe, one more
   * redeploy) unless it may still be running.
   */
  env?: EnvPair[];
}

/** The writes apply performs; the app layer implements it with the Portainer client. */
export interface StackWriter {
  createStack(input: { name: string; composeText: string; env: EnvPair[] }): Promise<WrittenStack>;
  /**
   * `pull`: Portainer pulls the images before deploying (the plan item's `pull`, --pull).
   * `prune`: Swarm removes the services that left the file (the plan's `--prune` of orphan services).
   */
  updateStack(input: { id: number; composeText: string; env: EnvPair[]; pull?: boolean; prune?: boolean }): Promise<WrittenStack>;
  deleteStack(id: number): Promise<void>;
  /**
   * Starts a stopped stack from its stored file and env. Optional, like removeContainer, so that a
   * writer for plans without runtime actions need not implement it; a plan that needs it without
   * it is a bug.
   */
  startStack?(id: number): Promise<WrittenStack>;
  /** Removes one container of an orphan service (forced, volumes kept); `not-found` when it is already gone. */
  removeContainer?(id: string): Promise<void>;
  getStack(id: number): Promise<WrittenStack>;
  /** The live stacks of the VM's environment, used to recover from a lost answer. */
  listStacks(): Promise<WrittenStack[]>;
  stackFile(id: number): Promise<string>;
  /** What an error thrown by one of the writes above leaves behind. */
  failureKind(error: unknown): WriteFailureKind;
  /** Portainer's own words for a failure (its error answer's message), when the error carries them. */
  failureMessage?(error: unknown): string | undefined;
}
