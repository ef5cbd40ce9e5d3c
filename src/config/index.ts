/** The config module's public surface: load, validate and resolve phoenix_vm_configs.json. */
export type { DesiredStack, EnvValue, LoadedConfig, PortainerSettings, ResolvedVm, VmSummary } from './types';
export { CONFIG_FILE_NAME, SYSTEM_CONFIG_PATH, displayPath, findConfigPath, loadConfig, parseConfigText } from './load';
export { checkAllVms, listVms, overlayEnv, resolveVm } from './resolve';
export { configJsonSchema } from './json-schema';
export { closest, levenshtein } from './suggest';
export { ENV_NAME_PATTERN, STACK_NAME_PATTERN, envNameProblem, envValueProblem } from './schema';
export { portainerNormalizedName, stackNameProblem } from './rules';
export { composeProblem } from './compose';
export type { ComposeProblem } from './compose';
export { AGENT_DEFAULT_PORT, agentEndpoint, agentHostProblem, agentUrl, mayRegister } from './agent';
export type { AgentEndpoint } from './agent';
export { findPhoenixLayoutStack, layoutPortainerUrl, phoenixLayoutAgentPort, phoenixLayoutPortainer, HYPERVISOR_CONFIG_FILE, LAYOUT_DEFAULT_ENVIRONMENT, STACKS_CONFIG_FILE } from './phoenix-layout';
export type { LayoutPortainer, LayoutStack } from './phoenix-layout';
export { applyPromotion, planPromotion } from './promotion';
export type { PromotionChange, PromotionPlan } from './promotion';
