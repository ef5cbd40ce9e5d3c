export { renderPlanText, renderResultText, summaryLine } from './plan-text';
export type { PlanHeader } from './plan-text';
export { renderPlanMarkdown } from './plan-markdown';
export { planToJson, resultsToJson } from './plan-json';
export { colourWanted, painter } from './style';
export type { Paint } from './style';
export { manyToJson, renderManyMarkdown, renderManySummary } from './many';
export type { VmRow } from './many';
export { promotionToJson, renderPromotionText } from './promotion';
