import { createHash } from 'node:crypto';
import type { Ctx, Route } from './context';
import { serviceNames } from './deploy';
import { HttpError, isRecord, type Reply, routeId } from './http-util';

/**
 * A sliver of the Docker Engine API proxied under /api/endpoints/{id}/docker
 * (docs/portainer-api.md#docker-proxy): enough to read the swarm cluster id and to look for
 * compose projects by label (docs/portainer-api.md#name-conflicts, docs/portainer-api.md#containers). Docker's own errors are `{message}`.
 */

function endpointOf(ctx: Ctx, raw: string) {
  const e = ctx.rt.state.endpoint(routeId(raw, 'environment'));
  if (!e) throw new HttpError(404, 'Unable to find an environment with the specified identifier inside the database', 'object not found inside the database');
  return e;
}

const notSwarmManager = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

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

interface Container {
  Id: string;
  Names: string[];
  State: string;
  Labels: Record<string, string>;
}

function container(project: string, service: string, running: boolean): Container {
  return {
    Id: createHash('sha256').update(`${project}/${service}`).digest('hex'),
    Names: [`/${project}-${service}-1`],
    State: running ? 'running' : 'exited',
    Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service },
  };
}

/** GET .../docker/containers/json[?all=1][&filters={"label":["k=v"]}] */
function containers(ctx: Ctx, params: string[]): Reply {
  const e = endpointOf(ctx, params[0]);
  const state = ctx.rt.state;
  const list: Container[] = [];
  for (const s of state.stacks.values()) {
    if (s.endpointId !== e.id || s.type !== 2) continue;
    for (const svc of serviceNames(s.composeText)) list.push(container(s.name, svc, s.status === 1));
  }
  for (const key of state.externalProjects) {
    const [eid, name] = key.split('/');
    if (Number(eid) === e.id) list.push(container(name, 'app', true));
  }
  const all = ['1', 'true'].includes(ctx.query.get('all') ?? '');
  let labels: string[] = [];
  const rawFilters = ctx.query.get('filters');
  if (rawFilters) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawFilters);
    } catch {
      return { status: 400, body: { message: 'invalid filter' } };
    }
    const label = isRecord(parsed) ? parsed.label : undefined;
    if (Array.isArray(label)) labels = label.filter((l): l is string => typeof l === 'string');
  }
  const matches = (c: Container): boolean =>
    labels.every((l) => {
      const [k, ...v] = l.split('=');
      return v.length === 0 ? k in c.Labels : c.Labels[k] === v.join('=');
    });
  return { status: 200, body: list.filter((c) => (all || c.State === 'running') && matches(c)) };
}

export const dockerRoutes: Route[] = [
  { method: 'GET', pattern: /^\/api\/endpoints\/([^/]+)\/docker\/swarm$/, auth: true, handle: swarm },
  { method: 'GET', pattern: /^\/api\/endpoints\/([^/]+)\/docker\/info$/, auth: true, handle: info },
  { method: 'GET', pattern: /^\/api\/endpoints\/([^/]+)\/docker\/containers\/json$/, auth: true, handle: containers },
];
