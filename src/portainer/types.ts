/** Public shapes of the Portainer client. Everything above `src/portainer/` codes against these. */

export interface ClientOptions {
  /** Base URL, e.g. https://portainer:9443 (with or without trailing slash; '/api' is appended). */
  url: string;
  apiKey: string;
  /** Other values Portainer's answers may echo and that must never be shown (secret env values). */
  secrets?: string[];
  /** The hint of a 401 to an API-key call, naming where the refused token came from. */
  authHint?: string;
  /** PEM contents of a CA to trust (the caller reads the file). */
  ca?: string | Buffer;
  insecure?: boolean;
  /** Timeout of reads; default 30 s. */
  readTimeoutMs?: number;
  /** Timeout of create/update, which last as long as the deploy on synchronous versions; default 15 min. */
  deployTimeoutMs?: number;
  /** Keep-alive connection limit of the Agent; default 8. */
  connections?: number;
  /** Receives --debug lines; never given the token. */
  log?: (line: string) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable jitter source in [0, 1). */
  random?: () => number;
}

export interface PortainerVersion {
  raw: string;
  major: number;
  minor: number;
  patch: number;
}

/**
 * What an environment (endpoint) is, from Portainer's `Type` number; `unknown` for a number this
 * version of phoenix does not know (a newer Portainer), so callers never see the number.
 */
export type EnvironmentKind = 'docker' | 'docker-agent' | 'azure-aci' | 'docker-edge-agent' | 'kubernetes' | 'kubernetes-agent' | 'kubernetes-edge-agent' | 'unknown';

/** Portainer's last word on reaching the environment (`Status` 1 up, 2 down). */
export type EnvironmentState = 'up' | 'down' | 'unknown';

export interface PortainerEnvironment {
  id: number;
  name: string;
  kind: EnvironmentKind;
  url: string;
  state: EnvironmentState;
  swarm: boolean;
}

/**
 * A stack's `Status`: 1 active, 2 inactive (stopped), 3 deploying and 4 failed (the last two
 * from the versions that deploy asynchronously); `unknown` when absent (before 2.0), 0 or new.
 */
export type StackStatus = 'active' | 'inactive' | 'deploying' | 'failed' | 'unknown';

export interface EnvPair {
  name: string;
  value: string;
}

export interface PortainerStack {
  id: number;
  name: string;
  type: 'swarm' | 'compose' | 'kubernetes';
  endpointId: number;
  swarmId: string;
  env: EnvPair[];
  status: StackStatus;
  git: { url: string } | null;
  /** Last DeploymentStatus[].Message when present (asynchronous versions). */
  deploymentMessage?: string;
}

export interface CreateStackInput {
  endpointId: number;
  name: string;
  composeText: string;
  env: EnvPair[];
  /** Present → swarm route / type 1. */
  swarmId?: string;
}

export interface UpdateStackInput {
  id: number;
  /** The stack's own EndpointId: a different valid id would re-point the stack. */
  endpointId: number;
  composeText: string;
  env: EnvPair[];
  swarm?: boolean;
  /** Ask Portainer to pull the images before the deploy (--pull); needs the version (updateStack). */
  pull?: boolean;
  /** Swarm only: `docker stack deploy --prune`, removing the services that left the file. */
  prune?: boolean;
}
