import type { EnvPair } from '../plan';

/** The stack as a write or a read returns it: only what apply needs to decide. */
export interface WrittenStack {
  id: number;
  name: string;
  endpointId: number;
  /** 1 active, 2 inactive, 3 deploying, 4 failed (newest Portainer versions deploy asynchronously). */
  status: number;
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
  updateStack(input: { id: number; composeText: string; env: EnvPair[] }): Promise<WrittenStack>;
  deleteStack(id: number): Promise<void>;
  getStack(id: number): Promise<WrittenStack>;
  /** The live stacks of the VM's environment, used to recover from a lost answer. */
  listStacks(): Promise<WrittenStack[]>;
  stackFile(id: number): Promise<string>;
}
