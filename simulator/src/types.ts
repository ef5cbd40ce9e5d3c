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
  /** Compose projects started outside Portainer: creating that name gives 409 (2.9.1+). */
  externalProjects?: { endpointId: number; name: string }[];
  /** Default: true for version >= 2.36.0, else false. */
  asyncDeploy?: boolean;
  faults?: SimFaults;
  /** What runs goes wrong: a service's container exits, restarts in a loop, turns unhealthy; Swarm tasks fail. */
  serviceFaults?: SimServiceFault[];
  /** Containers (standalone) or services (Swarm environments) left behind by a service that left the file. */
  orphans?: SimOrphanSeed[];
}

/**
 * A knob on what runs: the containers of `service` in compose project `stack` (or the Swarm
 * service `<stack>_<service>`) go into `state`. Applied when the simulator starts and after every
 * deploy while `sticky`; otherwise the next deploy that starts the service again clears it.
 */
export interface SimServiceFault {
  stack: string;
  service: string;
  /** Default: any environment that runs it. */
  endpointId?: number;
  /** Default 'exited'. 'starting' is `(health: starting)`; 'running' clears a fault. */
  state?: 'exited' | 'restarting' | 'unhealthy' | 'starting' | 'dead' | 'paused' | 'running';
  /** Exit code shown in `Exited (N)` / `Restarting (N)` and in failed Swarm tasks. Default 1. */
  exitCode?: number;
  /** Swarm: how many of the desired tasks run. Default 0 when the fault applies. */
  runningTasks?: number;
  /** Keep the fault through later deploys (a crash loop a redeploy does not fix). */
  sticky?: boolean;
}

export interface SimOrphanSeed {
  endpointId: number;
  /** The compose project or stack namespace (a stack name). */
  stack: string;
  service: string;
  image?: string;
}

/** One container as the simulator holds it (read-only view). */
export interface SimContainerView {
  id: string;
  endpointId: number;
  name: string;
  image: string;
  project?: string;
  service?: string;
  state: string;
  status: string;
  labels: Record<string, string>;
}

export interface SimServiceView {
  id: string;
  endpointId: number;
  /** `<stack>_<service>` */
  name: string;
  stack: string;
  service: string;
  image: string;
  mode: 'replicated' | 'global';
  desiredTasks: number;
  runningTasks: number;
}

/** A named volume of a compose project (they survive stop, delete and container removal). */
export interface SimVolumeView {
  endpointId: number;
  /** `<project>_<key>` unless the file names it. */
  name: string;
  project: string;
  /** The key under the file's top-level `volumes:`. */
  volume: string;
  createdAt: string;
}

/** A container removed through the Docker proxy (`DELETE .../docker/containers/{id}`). */
export interface SimContainerRemoval {
  endpointId: number;
  id: string;
  name: string;
  project?: string;
  service?: string;
  /** `force` as Docker read it. */
  force: boolean;
  /** `v`: anonymous volumes removed too (named ones never are). */
  removeVolumes: boolean;
  at: number;
}

/** One deploy the simulator ran (create, update, start) or took down (stop), with the flags as Portainer read them. */
export interface SimDeployment {
  stackId: number;
  stack: string;
  endpointId: number;
  kind: 'create' | 'update' | 'start' | 'stop';
  /** Images pulled first: `PullImage` (2.15.1+) OR `RepullImageAndRedeploy` (2.36+); a Swarm start always pulls. */
  pull: boolean;
  /** Swarm: services that left the file were removed (`Prune`, or a start). */
  prune: boolean;
  outcome: 'ok' | 'failed' | 'pending';
  at: number;
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
  /** Simulate a Portainer restart: close all connections, forget JWTs, keep stacks and API keys. */
  restart(): Promise<void>;
  /** Requests with method POST/PUT/DELETE. */
  writes(): RequestLogEntry[];
  /** What runs: every container of the standalone environments (all of them, or of one environment). */
  containers(endpointId?: number): SimContainerView[];
  /** Every Swarm service (or of one environment). */
  services(endpointId?: number): SimServiceView[];
  /** Named volumes of the compose projects, which nothing the simulator models removes. */
  volumes(endpointId?: number): SimVolumeView[];
  /** Containers removed through the Docker proxy, in order. */
  containerRemovals(): SimContainerRemoval[];
  /** Deploys and stops, in order, with the pull and prune flags Portainer honoured. */
  deployments(): SimDeployment[];
  /** Applies a runtime knob now (and after every deploy when sticky); returns how many containers or services it hit. */
  setServiceFault(f: SimServiceFault): number;
  /** Plants a container (or, on a Swarm environment, a service) labelled as the given stack's. */
  addOrphan(o: SimOrphanSeed): SimContainerView | SimServiceView;
  stop(): Promise<void>;
}
