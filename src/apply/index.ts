export { applyPlan, MAX_SENDS } from './apply';
export type { ActionResult, ApplyOptions, ApplyResult, Outcome, StackWriter, WrittenStack } from './apply';
export type { DeployState, WriteFailureKind } from './types';
