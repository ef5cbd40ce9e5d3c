export { PortainerClient } from './client';
export { parseVersion, supportsNewCreateRoutes } from './version';
export { ROUTES_USED } from './routes';
export { classifyWriteFailure } from './failures';
export { PortainerApiError } from './errors';
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
