import type { Ctx } from './context';
import { HttpError, isRecord, type Reply, routeId } from './http-util';

/** Helpers shared by the Docker proxy routes: Docker's own parameter and error conventions. */

export function endpointOf(ctx: Ctx, raw: string) {
  const e = ctx.rt.state.endpoint(routeId(raw, 'environment'));
  if (!e) throw new HttpError(404, 'Unable to find an environment with the specified identifier inside the database', 'object not found inside the database');
  return e;
}

export const notSwarmManager = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';

/** Docker's errors are `{message}` only (docs/portainer-api.md#docker-proxy). */
export const dockerError = (status: number, message: string): Reply => ({ status, body: { message } });

/** Thrown by the helpers below and turned into a Docker answer by `dockerReply`. */
export class DockerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Wraps a handler so that a DockerError becomes Docker's `{message}` answer. */
export function dockerHandler(handle: (ctx: Ctx, params: string[]) => Reply): (ctx: Ctx, params: string[]) => Reply {
  return (ctx, params) => {
    try {
      return handle(ctx, params);
    } catch (e) {
      if (e instanceof DockerError) return dockerError(e.status, e.message);
      throw e;
    }
  };
}

/** The proxy prefix; Docker's versioned paths (/v1.41/containers/json) reach the same handlers. */
export const DOCKER_BASE = '^\\/api\\/endpoints\\/([^/]+)\\/docker(?:\\/v\\d+\\.\\d+)?';

/** A path segment as Docker's router reads it; a malformed escape stays as sent (it then matches nothing: 404). */
export function pathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** moby httputils.BoolValue: anything but "", "0", "no", "false" and "none" is true. */
export function boolParam(query: URLSearchParams, name: string): boolean {
  const v = (query.get(name) ?? '').trim().toLowerCase();
  return !['', '0', 'no', 'false', 'none'].includes(v);
}

/**
 * The `filters` parameter: a JSON map of lists (`{"label":["k=v"]}`), or the older map of maps
 * (`{"label":{"k=v":true}}`) Docker still reads. A key the route does not know is a 400.
 */
export function parseFilters(query: URLSearchParams, known: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const raw = query.get('filters');
  if (raw === null || raw.trim() === '') return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new DockerError(400, `invalid filter: ${raw}`);
  }
  if (!isRecord(parsed)) throw new DockerError(400, `invalid filter: ${raw}`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.includes(key)) throw new DockerError(400, `invalid filter '${key}'`);
    // Anything else (a bare string, a number) does not decode into Docker's map[string]map[string]bool.
    if (!Array.isArray(value) && !isRecord(value)) throw new DockerError(400, `invalid filter: ${raw}`);
    const values = Array.isArray(value) ? value : Object.keys(value).filter((k) => value[k] === true);
    out.set(
      key,
      values.filter((v): v is string => typeof v === 'string'),
    );
  }
  return out;
}

/** The `label` filter: every entry must hold, `key` (present) or `key=value` (equal). */
export function labelsMatch(wanted: readonly string[] | undefined, labels: Record<string, string>): boolean {
  return (wanted ?? []).every((l) => {
    const [k, ...v] = l.split('=');
    return v.length === 0 ? k in labels : labels[k] === v.join('=');
  });
}

/** A filter with several values matches when any value does (Docker ORs within one key). */
export function anyOf(values: readonly string[] | undefined, test: (v: string) => boolean): boolean {
  return values === undefined || values.length === 0 || values.some(test);
}
