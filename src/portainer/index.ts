export { PortainerClient } from './client';
export { API_KEYS_SINCE, capabilities, parseVersion, supportsNewCreateRoutes } from './version';
export type { Capabilities } from './version';
export { jwtUserId } from './jwt';
export { ROUTES_USED } from './routes';
export { classifyWriteFailure } from './failures';
export { PortainerApiError } from './errors';
export { parsePortainerUrl } from './url';
export type { PortainerApiErrorFields } from './errors';
export type { WriteFailure } from './failures';
export type { RouteSpec } from './routes';
export type {
  ClientOptions,
  CreateStackInput,
  EnvironmentKind,
  EnvironmentState,
  EnvPair,
  PortainerEnvironment,
  PortainerStack,
  PortainerVersion,
  StackStatus,
  UpdateStackInput,
} from './types';
