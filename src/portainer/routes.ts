/**
 * Every Portainer route the client calls, in one place, in swagger style (relative to the
 * `/api` basePath), so that `test/portainer/swagger-drift.test.ts` can hold them against the
 * published spec. The client builds URLs only through `buildPath`, which refuses a query
 * parameter a route does not declare: a route cannot be used without being listed here.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** Swagger-style template, e.g. '/stacks/{id}'. */
  path: string;
  query: readonly string[];
  /** Set when the route is knowingly absent from swagger.yaml, with the reason (docs/portainer-api.md#spec-gaps). */
  notInSwagger?: string;
}

const route = (method: HttpMethod, path: string, query: readonly string[] = [], notInSwagger?: string): RouteSpec =>
  notInSwagger === undefined ? { method, path, query } : { method, path, query, notInSwagger };

const DOCKER_PROXY = 'Docker proxy route: /api/endpoints/{id}/docker/<Docker Engine API path> is not in the specs (docs/portainer-api.md#docker-proxy, docs/portainer-api.md#spec-gaps)';

export const ROUTES = {
  status: route('GET', '/status'),
  // excludeSnapshotRaw drops the megabytes of DockerSnapshotRaw but keeps Snapshots[0].Swarm.
  environments: route('GET', '/endpoints', ['excludeSnapshotRaw']),
  createEnvironment: route('POST', '/endpoints'),
  swarm: route(
    'GET',
    '/endpoints/{id}/docker/swarm',
    [],
    'Docker proxy route: /api/endpoints/{id}/docker/<Docker Engine API path> is not in the specs (docs/portainer-api.md#docker-proxy, docs/portainer-api.md#spec-gaps)',
  ),
  // One read per environment of what runs (docs/portainer-api.md#containers, docs/portainer-api.md#swarm-services).
  containers: route('GET', '/endpoints/{id}/docker/containers/json', ['all', 'filters'], DOCKER_PROXY),
  swarmServices: route('GET', '/endpoints/{id}/docker/services', ['status', 'filters'], DOCKER_PROXY),
  removeContainer: route('DELETE', '/endpoints/{id}/docker/containers/{containerId}', ['force', 'v'], DOCKER_PROXY),
  listStacks: route('GET', '/stacks'),
  getStack: route('GET', '/stacks/{id}'),
  stackFile: route('GET', '/stacks/{id}/file'),
  createStandalone: route('POST', '/stacks/create/standalone/string', ['endpointId']),
  createSwarm: route('POST', '/stacks/create/swarm/string', ['endpointId']),
  createLegacy: route(
    'POST',
    '/stacks',
    ['type', 'method', 'endpointId'],
    'pre-2.19 create route, deprecated since 2.19.1 and not listed in the spec (docs/portainer-api.md#stack-routes, docs/portainer-api.md#spec-gaps)',
  ),
  updateStack: route('PUT', '/stacks/{id}', ['endpointId']),
  startStack: route('POST', '/stacks/{id}/start', ['endpointId']),
  deleteStack: route('DELETE', '/stacks/{id}', ['endpointId']),
  authenticate: route('POST', '/auth'),
  createApiKey: route('POST', '/users/{id}/tokens'),
  currentUser: route('GET', '/users/me', ['noEndpointAuthorizations']),
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** The list the swagger drift test walks. */
export const ROUTES_USED: readonly RouteSpec[] = Object.values(ROUTES);

export type QueryValue = string | number | boolean;

/**
 * Fills the path template and appends the query. Returns the path relative to the base URL,
 * including the `/api` prefix, e.g. `/api/stacks/5?endpointId=2`.
 */
export function buildPath(spec: RouteSpec, params: Record<string, string | number> = {}, query: Record<string, QueryValue> = {}): string {
  const path = spec.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${spec.path}: missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (!spec.query.includes(key)) throw new Error(`route ${spec.method} ${spec.path}: undeclared query parameter ${key}`);
    search.append(key, String(value));
  }
  const qs = search.toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}
