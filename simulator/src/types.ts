/**
 * Public types of the Portainer simulator. Other suites (end-to-end, fault
 * injection, benchmarks, the demo) code against these names: keep them stable.
 */

export interface SimEndpoint {
  id: number;
  name: string;
  type: 1 | 2 | 4;
  url?: string;
  status?: 1 | 2;
  swarm?: boolean;
  swarmClusterId?: string;
}

export interface SimStackSeed {
  name: string;
  endpointId: number;
  composeText: string;
  env?: { name: string; value: string }[];
  type?: 1 | 2;
  git?: { url: string; ref?: string; file?: string };
  status?: 1 | 2;
}

export interface SimFaults {
  /** Added to every request. */
  latencyMs?: number;
  /** 0..1 probability of an injected error answer (no state change). */
  errorRate?: number;
  /** Statuses to choose among, e.g. [500, 502, 503, 429]; 429 carries Retry-After: 1. */
  errorStatuses?: number[];
  /** Destroy the socket before processing: nothing happens. */
  resetBeforeRate?: number;
  /** Process the request (state changes) then destroy the socket: a lost answer. */
  resetAfterRate?: number;
  /** How long a deploy (create/update) takes. Default 50 ms. */
  deployMs?: number;
  /** Stack names whose deploy fails. */
  failDeployFor?: string[];
  /** A deploy (create or update) of a file that contains this text fails, e.g. 'image: bad:1'; the previous file deploys. */
  failDeployWhen?: string;
  /** The failure of a failDeployFor stack echoes its env (raw and quoted), as compose errors do. */
  echoEnvOnFailure?: boolean;
  /** Seed of the deterministic PRNG used for the rates. */
  seed?: number;
}

export interface SimUserSeed {
  id: number;
  username: string;
  password: string;
  admin?: boolean;
}

export interface SimulatorOptions {
  /** Portainer version, default '2.21.4'; decides routes and behaviours. */
  version?: string;
  /** HTTPS with a CA + server cert generated at start (127.0.0.1 and localhost). */
  tls?: boolean;
  /** Default 0 (ephemeral); always binds 127.0.0.1. */
  port?: number;
  /** Accepted X-API-Key values (owned by the first user), default ['ptr_simulatortoken']. */
  apiKeys?: string[];
  /** Default: admin/adminpassword, id 1. */
  users?: SimUserSeed[];
  /** Default: one docker environment {id 1, name 'local', type 1}. */
  endpoints?: SimEndpoint[];
  stacks?: SimStackSeed[];
  /** Agent URLs (`tcp://host:port`) that answer Portainer's ping: registering any other agent fails with 500. */
  agents?: string[];
  /** Compose projects started outside Portainer: creating that name gives 409 (2.9.1+). */
  externalProjects?: { endpointId: number; name: string }[];
  /** Default: true for version >= 2.36.0, else false. */
  asyncDeploy?: boolean;
  faults?: SimFaults;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 while in flight and for 'reset-before'. */
  status: number;
  headers: Record<string, string | undefined>;
  body?: unknown;
  at: number;
  outcome: 'answered' | 'reset-before' | 'reset-after';
}

export interface SimDeploymentStatus {
  Status: number;
  Time: number;
  Message?: string;
}

export interface SimStackView {
  id: number;
  name: string;
  endpointId: number;
  type: 1 | 2;
  env: { name: string; value: string }[];
  composeText: string;
  status: number;
  swarmId: string;
  git?: boolean;
  deploymentStatus?: SimDeploymentStatus[];
}

export interface Simulator {
  /** e.g. http://127.0.0.1:38211 (no trailing slash). */
  url: string;
  /** The CA that signed the server certificate (tls only). */
  caCertPem?: string;
  /** Every request, in arrival order. Credentials are logged as '<redacted>'. */
  requests: RequestLogEntry[];
  stacks(): SimStackView[];
  setFaults(f: SimFaults): void;
  /** Replaces the agent registry: the agent URLs that answer when an environment is registered. */
  setAgents(urls: string[]): void;
  /** Simulate a Portainer restart: close all connections, forget JWTs, keep stacks and API keys. */
  restart(): Promise<void>;
  /** Requests with method POST/PUT/DELETE. */
  writes(): RequestLogEntry[];
  stop(): Promise<void>;
}
