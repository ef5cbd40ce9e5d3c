export { applyPlan, MAX_SENDS } from './apply';
export { previousSecrets } from './rollback';
export type { ActionResult, ApplyOptions, ApplyResult, Outcome, StackWriter, WrittenStack } from './apply';
export type { DeployState, WriteFailureKind } from './types';
