import type { Ctx, Route } from './context';
import { field, HttpError, isRecord, type Reply, routeId } from './http-util';
import { stackJson } from './stack-json';
import type { StackRecord } from './state';

export function findStack(ctx: Ctx, rawId: string): StackRecord {
  const id = routeId(rawId, 'stack');
  const stack = ctx.rt.state.stacks.get(id);
  if (!stack) {
    throw new HttpError(404, 'Unable to find a stack with the specified identifier inside the database', 'object not found inside the database');
  }
  return stack;
}

/**
 * GET /api/stacks[?filters=]. Quirk (docs/portainer-api.md#listing-stacks): EndpointID matches only
 * compose stacks on that environment, SwarmID only swarm stacks of that
 * cluster; with any filter set, nothing else comes back.
 */
function list(ctx: Ctx): Reply {
  const state = ctx.rt.state;
  const all = [...state.stacks.values()].sort((a, b) => a.id - b.id);
  const raw = ctx.query.get('filters');
  let result = all;
  if (raw !== null && raw !== '') {
    let filters: unknown;
    try {
      filters = JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'Invalid query parameter: filters', 'Unable to parse query parameter');
    }
    if (!isRecord(filters)) throw new HttpError(400, 'Invalid query parameter: filters', 'Unable to parse query parameter');
    const endpointId = field(filters, 'EndpointID');
    const swarmId = field(filters, 'SwarmID');
    const eid = typeof endpointId === 'number' ? endpointId : 0;
    const sid = typeof swarmId === 'string' ? swarmId : '';
    if (eid !== 0 || sid !== '') {
      result = all.filter((s) => (s.type === 2 && s.endpointId === eid) || (s.type === 1 && s.swarmId === sid));
    }
  }
  return { status: 200, body: result.map((s) => stackJson(s, state)) };
}

export const stackReadRoutes: Route[] = [
  { method: 'GET', pattern: /^\/api\/stacks$/, auth: true, handle: list },
  {
    method: 'GET',
    pattern: /^\/api\/stacks\/([^/]+)$/,
    auth: true,
    handle: (ctx, p) => ({ status: 200, body: stackJson(findStack(ctx, p[0]), ctx.rt.state) }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/stacks\/([^/]+)\/file$/,
    auth: true,
    // docs/portainer-api.md#stack-file: only the entry point's text.
    handle: (ctx, p) => ({ status: 200, body: { StackFileContent: findStack(ctx, p[0]).composeText } }),
  },
];
