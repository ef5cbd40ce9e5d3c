import { createHash } from 'node:crypto';
import type { Ctx, Route } from './context';
import { anyOf, boolParam, DOCKER_BASE, DockerError, dockerError, dockerHandler, endpointOf, labelsMatch, notSwarmManager, parseFilters, pathSegment } from './docker-util';
import type { Reply } from './http-util';
import { type ContainerRecord, isRunning, PROJECT, SERVICE, statusText } from './runtime';
import { swarmRoutes } from './routes-swarm';

/**
 * The part of the Docker Engine API proxied under /api/endpoints/{id}/docker that phoenix reads
 * (docs/portainer-api.md#docker-proxy): the swarm cluster id, and the containers of the compose
 * projects (docs/portainer-api.md#containers): list, inspect, remove. Docker's own errors are
 * `{message}`. Swarm services and tasks are in routes-swarm.ts.
 */

function swarm(ctx: Ctx, params: string[]): Reply {
  const e = endpointOf(ctx, params[0]);
  if (!e.swarm) return { status: 503, body: { message: notSwarmManager } };
  return { status: 200, body: { ID: e.swarmClusterId, CreatedAt: '2024-01-01T00:00:00Z', UpdatedAt: '2024-01-01T00:00:00Z' } };
}

function info(ctx: Ctx, params: string[]): Reply {
  const e = endpointOf(ctx, params[0]);
  return {
    status: 200,
    body: {
      Name: e.name,
      ServerVersion: '24.0.7',
      Swarm: e.swarm ? { LocalNodeState: 'active', ControlAvailable: true, Cluster: { ID: e.swarmClusterId } } : { LocalNodeState: 'inactive', ControlAvailable: false },
    },
  };
}

const imageId = (image: string): string => `sha256:${createHash('sha256').update(image).digest('hex')}`;

/** One entry of `GET /containers/json` (Docker's container summary). */
function summary(c: ContainerRecord): Record<string, unknown> {
  const project = c.labels[PROJECT];
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: c.image,
    ImageID: imageId(c.image),
    Command: '/docker-entrypoint.sh',
    Created: Math.floor(c.created / 1000),
    Ports: [],
    Labels: { ...c.labels },
    State: c.state,
    Status: statusText(c),
    HostConfig: { NetworkMode: project ? `${project}_default` : 'bridge' },
    NetworkSettings: { Networks: {} },
    Mounts: [],
  };
}

const HEALTH = ['starting', 'healthy', 'unhealthy', 'none'];

/** Docker matches the name filter as a regular expression. */
function pattern(text: string): RegExp {
  try {
    return new RegExp(text);
  } catch {
    throw new DockerError(400, `invalid filter: name=${text}`);
  }
}

/** GET .../docker/containers/json[?all=1][&filters={"label":["k=v"],...}] */
function list(ctx: Ctx, params: string[]): Reply {
  const e = endpointOf(ctx, params[0]);
  const filters = parseFilters(ctx.query, ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume']);
  const all = boolParam(ctx.query, 'all');
  for (const h of filters.get('health') ?? []) if (!HEALTH.includes(h)) throw new DockerError(400, `Unrecognised filter value for health: ${h}`);
  const containers = ctx.rt.state.docker.compose.containers.filter(
    (c) =>
      c.endpointId === e.id &&
      // A status filter lists what it names even without all=1.
      (all || filters.has('status') || isRunning(c)) &&
      labelsMatch(filters.get('label'), c.labels) &&
      anyOf(filters.get('status'), (s) => s === c.state) &&
      anyOf(filters.get('name'), (n) => pattern(n).test(`/${c.name}`)) &&
      anyOf(filters.get('id'), (i) => c.id.startsWith(i)) &&
      anyOf(filters.get('health'), (h) => (c.health ?? 'none') === h) &&
      anyOf(filters.get('exited'), (x) => c.state === 'exited' && String(c.exitCode) === x),
  );
  return { status: 200, body: containers.sort((a, b) => b.created - a.created).map(summary) };
}

/** A container by full id, name (with or without the slash) or unique id prefix, as Docker resolves it. */
function findContainer(ctx: Ctx, endpointId: number, ref: string): ContainerRecord {
  const mine = ctx.rt.state.docker.compose.containers.filter((c) => c.endpointId === endpointId);
  const name = ref.replace(/^\//, '');
  const exact = mine.find((c) => c.id === ref) ?? mine.find((c) => c.name === name);
  if (exact) return exact;
  const prefixed = ref === '' ? [] : mine.filter((c) => c.id.startsWith(ref));
  if (prefixed.length === 1) return prefixed[0];
  if (prefixed.length > 1) throw new DockerError(400, `Multiple IDs found with provided prefix: ${ref}`);
  throw new DockerError(404, `No such container: ${ref}`);
}

const iso = (ms: number): string => (ms === 0 ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString());

/** GET .../docker/containers/{id}/json: where the exit code and the health are fields. */
function inspect(ctx: Ctx, params: string[]): Reply {
  const e = endpointOf(ctx, params[0]);
  const c = findContainer(ctx, e.id, pathSegment(params[1]));
  const running = isRunning(c);
  return {
    status: 200,
    body: {
      Id: c.id,
      Created: iso(c.created),
      Name: `/${c.name}`,
      Image: imageId(c.image),
      State: {
        Status: c.state,
        Running: running,
        Paused: c.state === 'paused',
        Restarting: c.state === 'restarting',
        OOMKilled: false,
        Dead: c.state === 'dead',
        Pid: c.state === 'running' || c.state === 'paused' ? 4242 : 0,
        ExitCode: c.exitCode,
        Error: '',
        StartedAt: iso(c.startedAt),
        FinishedAt: iso(c.finishedAt),
        ...(c.health ? { Health: { Status: c.health, FailingStreak: c.health === 'unhealthy' ? 3 : 0, Log: [] } } : {}),
      },
      Config: { Image: c.image, Labels: { ...c.labels } },
    },
  };
}

/** DELETE .../docker/containers/{id}?force=true&v=false: 204; 404; 409 for a running one without force. */
function remove(ctx: Ctx, params: string[]): Reply {
  const e = endpointOf(ctx, params[0]);
  const docker = ctx.rt.state.docker;
  const c = findContainer(ctx, e.id, pathSegment(params[1]));
  const force = boolParam(ctx.query, 'force');
  if (isRunning(c) && !force) {
    const why = c.state === 'paused' ? 'container is paused and must be unpaused first' : `container is ${c.state}: stop the container before removing or force remove`;
    return dockerError(409, `cannot remove container "/${c.name}": ${why}`);
  }
  docker.compose.remove(c);
  docker.compose.removals.push({
    endpointId: e.id,
    id: c.id,
    name: c.name,
    project: c.labels[PROJECT],
    service: c.labels[SERVICE],
    force,
    removeVolumes: boolParam(ctx.query, 'v'),
    at: Date.now(),
  });
  return { status: 204 };
}

/** GET .../docker/volumes: the named volumes, labelled as compose labels them (they outlive the stack). */
function volumes(ctx: Ctx, params: string[]): Reply {
  const e = endpointOf(ctx, params[0]);
  const filters = parseFilters(ctx.query, ['dangling', 'driver', 'label', 'name']);
  const docker = ctx.rt.state.docker;
  const inUse = (project: string): boolean => docker.compose.of(e.id, project).length > 0;
  const out = docker.volumes
    .filter((v) => v.endpointId === e.id)
    .map((v) => ({
      view: v,
      Labels: { 'com.docker.compose.project': v.project, 'com.docker.compose.volume': v.volume, 'com.docker.compose.version': '2.29.7' },
    }))
    .filter(
      ({ view, Labels }) =>
        labelsMatch(filters.get('label'), Labels) &&
        anyOf(filters.get('name'), (n) => view.name.includes(n)) &&
        anyOf(filters.get('driver'), (d) => d === 'local') &&
        anyOf(filters.get('dangling'), (d) => boolParam(new URLSearchParams({ d }), 'd') === !inUse(view.project)),
    )
    .map(({ view, Labels }) => ({ Name: view.name, Driver: 'local', Mountpoint: `/var/lib/docker/volumes/${view.name}/_data`, Labels, Scope: 'local', Options: null, CreatedAt: view.createdAt }));
  return { status: 200, body: { Volumes: out, Warnings: [] } };
}

const base = DOCKER_BASE;
const docker = dockerHandler;

export const dockerRoutes: Route[] = [
  { method: 'GET', pattern: new RegExp(`${base}\\/swarm$`), auth: true, handle: swarm },
  { method: 'GET', pattern: new RegExp(`${base}\\/info$`), auth: true, handle: info },
  { method: 'GET', pattern: new RegExp(`${base}\\/containers\\/json$`), auth: true, handle: docker(list) },
  { method: 'GET', pattern: new RegExp(`${base}\\/containers\\/([^/]+)\\/json$`), auth: true, handle: docker(inspect) },
  { method: 'DELETE', pattern: new RegExp(`${base}\\/containers\\/([^/]+)$`), auth: true, handle: docker(remove) },
  { method: 'GET', pattern: new RegExp(`${base}\\/volumes$`), auth: true, handle: docker(volumes) },
  ...swarmRoutes,
];
