export { applyPlan } from './apply';
export type { ActionResult, ApplyOptions, ApplyResult, Outcome, StackWriter, WrittenStack } from './apply';
