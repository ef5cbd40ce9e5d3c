/**
 * What runs on an environment, read through Portainer's Docker proxy: the containers of every
 * compose project (standalone) or the services of every stack namespace (Swarm), one request per
 * environment whatever the number of stacks (docs/portainer-api.md#containers,
 * docs/portainer-api.md#swarm-services). Docker's answers are parsed here and mapped to words,
 * so no code above src/portainer/ reads a Docker field or a `docker ps` status text.
 */
import { z } from 'zod';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
const COMPOSE_ONEOFF_LABEL = 'com.docker.compose.oneoff';
export const STACK_NAMESPACE_LABEL = 'com.docker.stack.namespace';

/** Docker's container `State` words; `unknown` for anything else (a newer Docker). */
export type ContainerState = 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'created' | 'removing' | 'unknown';
export type ContainerHealth = 'healthy' | 'unhealthy' | 'starting';

/** One container of a compose project (standalone environments). */
export interface RuntimeContainer {
  kind: 'container';
  id: string;
  /** The container's name without Docker's leading slash (`web-worker-1`), '' when it has none. */
  name: string;
  /** The `com.docker.compose.project` label, exactly as Docker has it. */
  project: string;
  /** The `com.docker.compose.service` label. */
  service: string;
  state: ContainerState;
  /** From the `docker ps` status text (`Exited (1) 3 minutes ago`, `Restarting (137) ...`): the list carries it nowhere else. */
  exitCode?: number;
  /** From the status text (`(unhealthy)`, `(health: starting)`); absent for a container without a health check. */
  health?: ContainerHealth;
}

/** One service of a Swarm stack. */
export interface RuntimeSwarmService {
  kind: 'swarm-service';
  id: string;
  /** Docker's service name, `<stack>_<service>`. */
  name: string;
  /** The `com.docker.stack.namespace` label, exactly as Docker has it. */
  project: string;
  /** The compose service name: `name` without the `<stack>_` prefix. */
  service: string;
  /** Running and desired tasks (`ServiceStatus`, Docker API 1.41+); absent when Docker did not report them. */
  running?: number;
  desired?: number;
}

export type RuntimeUnit = RuntimeContainer | RuntimeSwarmService;

const CONTAINER_STATES: Readonly<Record<string, ContainerState>> = {
  running: 'running',
  restarting: 'restarting',
  paused: 'paused',
  exited: 'exited',
  dead: 'dead',
  created: 'created',
  removing: 'removing',
};
const HEALTH: Readonly<Record<string, ContainerHealth>> = { healthy: 'healthy', unhealthy: 'unhealthy', 'health: starting': 'starting' };
const labels = z
  .record(z.string(), z.string())
  .nullish()
  .transform((l) => l ?? {});

/** The state word; Docker before API 1.23 sent no `State`, only the status text (`Up 2 hours`). */
function containerState(state: string | undefined, status: string): ContainerState {
  const word = state?.toLowerCase();
  if (word !== undefined && word !== '') return Object.hasOwn(CONTAINER_STATES, word) ? CONTAINER_STATES[word] : 'unknown';
  if (/^Up /.test(status)) return /\(Paused\)/.test(status) ? 'paused' : 'running';
  if (/^Restarting /.test(status)) return 'restarting';
  if (/^Exited /.test(status)) return 'exited';
  if (/^Dead/.test(status)) return 'dead';
  if (/^Created/.test(status)) return 'created';
  return 'unknown';
}

/** `Exited (1) 3 minutes ago` → 1; `Restarting (137) 5 seconds ago` → 137. */
export function statusExitCode(status: string): number | undefined {
  const match = /^(?:Exited|Restarting) \((-?\d+)\)/.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** `Up 2 hours (unhealthy)` → unhealthy; `Up 3 seconds (health: starting)` → starting. */
export function statusHealth(status: string): ContainerHealth | undefined {
  const match = /\((healthy|unhealthy|health: starting)\)/.exec(status);
  return match ? HEALTH[match[1]] : undefined;
}

const containerSchema = z.looseObject({
  Id: z.string().min(1),
  Names: z.array(z.string()).nullish(),
  State: z.string().optional(),
  Status: z.string().optional(),
  Labels: labels,
});

/**
 * `GET .../docker/containers/json` (may be `null` from some proxies: []). Containers without the
 * service label, and `docker compose run` one-offs, are not service containers and are dropped.
 */
export const containerListSchema = z
  .array(containerSchema)
  .nullable()
  .transform((list): RuntimeContainer[] =>
    (list ?? []).flatMap((c): RuntimeContainer[] => {
      const project = c.Labels[COMPOSE_PROJECT_LABEL];
      const service = c.Labels[COMPOSE_SERVICE_LABEL];
      if (project === undefined || service === undefined || c.Labels[COMPOSE_ONEOFF_LABEL]?.toLowerCase() === 'true') return [];
      const status = c.Status ?? '';
      const exitCode = statusExitCode(status);
      const health = statusHealth(status);
      return [
        {
          kind: 'container',
          id: c.Id,
          name: (c.Names?.[0] ?? '').replace(/^\//, ''),
          project,
          service,
          state: containerState(c.State, status),
          ...(exitCode === undefined ? {} : { exitCode }),
          ...(health === undefined ? {} : { health }),
        },
      ];
    }),
  );

const count = z.number().int().nonnegative();

const serviceSchema = z.looseObject({
  ID: z.string().min(1),
  Spec: z.looseObject({
    Name: z.string(),
    Labels: labels,
  }),
  ServiceStatus: z.looseObject({ RunningTasks: count, DesiredTasks: count }).nullish(),
});

/** `GET .../docker/services?status=true`: services without the namespace label are not a stack's and are dropped. */
export const serviceListSchema = z
  .array(serviceSchema)
  .nullable()
  .transform((list): RuntimeSwarmService[] =>
    (list ?? []).flatMap((s): RuntimeSwarmService[] => {
      const project = s.Spec.Labels[STACK_NAMESPACE_LABEL];
      if (project === undefined) return [];
      const prefix = `${project}_`;
      const service = s.Spec.Name.startsWith(prefix) ? s.Spec.Name.slice(prefix.length) : s.Spec.Name;
      const status = s.ServiceStatus ? { running: s.ServiceStatus.RunningTasks, desired: s.ServiceStatus.DesiredTasks } : {};
      return [{ kind: 'swarm-service', id: s.ID, name: s.Spec.Name, project, service, ...status }];
    }),
  );
