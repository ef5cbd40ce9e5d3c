import type { Ctx, Route } from './context';
import { anyOf, boolParam, DOCKER_BASE, DockerError, dockerHandler, endpointOf, labelsMatch, notSwarmManager, parseFilters, pathSegment } from './docker-util';
import type { Reply } from './http-util';
import { NAMESPACE, type ServiceRecord, serviceJson, tasksOf } from './swarm';

/**
 * Swarm services and tasks through the Docker proxy (docs/portainer-api.md#swarm-services):
 * `GET /services[?filters=&status=true]`, `GET /services/{id}`, `GET /tasks[?filters=]`. A node
 * that is not a Swarm manager answers 503, as Docker does.
 */

function manager(ctx: Ctx, raw: string) {
  const e = endpointOf(ctx, raw);
  if (!e.swarm) throw new DockerError(503, notSwarmManager);
  return e;
}

const labelsOf = (s: ServiceRecord): Record<string, string> => ({ [NAMESPACE]: s.stack, 'com.docker.stack.image': s.image });
const fullName = (s: ServiceRecord): string => `${s.stack}_${s.service}`;

/** GET .../docker/services: `name` and `id` match prefixes (moby turns them into NamePrefixes and IDPrefixes). */
function services(ctx: Ctx, params: string[]): Reply {
  const e = manager(ctx, params[0]);
  const filters = parseFilters(ctx.query, ['id', 'label', 'mode', 'name']);
  for (const m of filters.get('mode') ?? []) if (m !== 'replicated' && m !== 'global') throw new DockerError(400, `Invalid filter: 'mode'='${m}'`);
  const list = ctx.rt.state.docker.swarm.services.filter(
    (s) =>
      s.endpointId === e.id &&
      labelsMatch(filters.get('label'), labelsOf(s)) &&
      anyOf(filters.get('name'), (n) => fullName(s).startsWith(n)) &&
      anyOf(filters.get('id'), (i) => s.id.startsWith(i)) &&
      anyOf(filters.get('mode'), (m) => (m === 'global') === s.global),
  );
  const status = boolParam(ctx.query, 'status');
  return { status: 200, body: list.map((s) => serviceJson(s, status)) };
}

/** A service by full id, full name or id prefix, as `docker service inspect` resolves it. */
function findService(ctx: Ctx, endpointId: number, ref: string): ServiceRecord | undefined {
  const mine = ctx.rt.state.docker.swarm.services.filter((s) => s.endpointId === endpointId);
  return mine.find((s) => s.id === ref) ?? mine.find((s) => fullName(s) === ref) ?? (ref === '' ? undefined : mine.find((s) => s.id.startsWith(ref)));
}

function service(ctx: Ctx, params: string[]): Reply {
  const e = manager(ctx, params[0]);
  const ref = pathSegment(params[1]);
  const s = findService(ctx, e.id, ref);
  if (!s) throw new DockerError(404, `service ${ref} not found`);
  return { status: 200, body: serviceJson(s, false) };
}

/**
 * GET .../docker/tasks. `service` takes ids or names (an unknown one is a 404, as moby's lookup
 * answers [unverified]); `label` matches the service's labels, which is how `docker stack ps`
 * finds a stack's tasks by `com.docker.stack.namespace`.
 */
function tasks(ctx: Ctx, params: string[]): Reply {
  const e = manager(ctx, params[0]);
  const filters = parseFilters(ctx.query, ['desired-state', 'id', 'label', 'name', 'node', 'service', 'up-to-date']);
  for (const d of filters.get('desired-state') ?? []) if (!['running', 'shutdown', 'accepted'].includes(d)) throw new DockerError(400, `Invalid desired-state filter: '${d}'`);
  const wanted = (filters.get('service') ?? []).map((ref) => {
    const s = findService(ctx, e.id, ref);
    if (!s) throw new DockerError(404, `service ${ref} not found`);
    return s.id;
  });
  const out: Record<string, unknown>[] = [];
  for (const s of ctx.rt.state.docker.swarm.services) {
    if (s.endpointId !== e.id || (wanted.length > 0 && !wanted.includes(s.id)) || !labelsMatch(filters.get('label'), labelsOf(s))) continue;
    for (const t of tasksOf(s)) {
      const slot = typeof t.Slot === 'number' ? t.Slot : String(t.NodeID);
      if (!anyOf(filters.get('desired-state'), (d) => d === t.DesiredState)) continue;
      if (!anyOf(filters.get('id'), (i) => String(t.ID).startsWith(i))) continue;
      if (!anyOf(filters.get('name'), (n) => `${fullName(s)}.${slot}`.startsWith(n))) continue;
      if (!anyOf(filters.get('node'), (n) => n === t.NodeID)) continue;
      out.push(t);
    }
  }
  return { status: 200, body: out };
}

export const swarmRoutes: Route[] = [
  { method: 'GET', pattern: new RegExp(`${DOCKER_BASE}\\/services$`), auth: true, handle: dockerHandler(services) },
  { method: 'GET', pattern: new RegExp(`${DOCKER_BASE}\\/services\\/([^/]+)$`), auth: true, handle: dockerHandler(service) },
  { method: 'GET', pattern: new RegExp(`${DOCKER_BASE}\\/tasks$`), auth: true, handle: dockerHandler(tasks) },
];
