/**
 * The Portainer simulator: an in-memory HTTP(S) server that follows the real
 * API per version (docs/portainer-api.md). It shares no code with
 * src/portainer, so that a bug in one cannot hide the same bug in the other.
 */
export { startSimulator } from './server';
export type {
  RequestLogEntry,
  SimContainerRemoval,
  SimContainerView,
  SimDeployment,
  SimDeploymentStatus,
  SimEndpoint,
  SimFaults,
  SimOrphanSeed,
  SimServiceFault,
  SimServiceView,
  SimStackSeed,
  SimStackView,
  SimUserSeed,
  SimVolumeView,
  Simulator,
  SimulatorOptions,
} from './types';
