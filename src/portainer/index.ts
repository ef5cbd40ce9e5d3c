export { PortainerClient } from './client';
export { parseVersion, supportsNewCreateRoutes } from './version';
export { ROUTES_USED } from './routes';
export { classifyWriteFailure } from './failures';
export type { WriteFailure } from './failures';
export type { RouteSpec } from './routes';
export type {
  ClientOptions,
  CreateStackInput,
  EnvPair,
  PortainerEnvironment,
  PortainerStack,
  PortainerVersion,
  UpdateStackInput,
} from './types';
