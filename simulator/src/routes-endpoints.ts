/**
 * `POST /api/endpoints`: registering a Portainer agent environment
 * (docs/portainer-api.md#environment-registration).
 *
 * - The body is a form read field by field (Go's `r.FormValue`): multipart/form-data and
 *   application/x-www-form-urlencoded both work, names are case-sensitive, and a JSON body has no
 *   fields at all, so it is refused like a form without a name.
 * - A boolean is true only as the exact string `true`.
 * - From 2.14.0 a name already in use (exact comparison) is 409, before the agent is contacted.
 * - The agent is "pinged": only the URLs in the simulator's agent registry answer (seed key
 *   `agents`, or `setAgents()`); any other is Portainer's 500 with a Go dial error as details.
 * - Nothing is saved unless the ping succeeded; the new environment takes stacks at once.
 */
import type { Ctx, Route } from './context';
import { HttpError, type Reply } from './http-util';
import type { SimState } from './state';
import { compareVersions, parseVersion } from './version';

const PAYLOAD = 'Invalid request payload';
const TYPES =
  'Invalid environment type value. Value must be one of: 1 (Docker environment), 2 (Agent environment), 3 (Azure environment), 4 (Edge Agent environment) or 5 (Local Kubernetes environment)';

/** The form fields of the request, or none for any other body (JSON included), as r.FormValue sees them. */
async function formFields(ctx: Ctx): Promise<{ value(name: string): string; isFile(name: string): boolean }> {
  const contentType = ctx.req.headers['content-type'] ?? '';
  const empty = { value: () => '', isFile: () => false };
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(contentType)) return empty;
  let form: FormData;
  try {
    form = await new Response(ctx.rawBody, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return empty;
  }
  return {
    value: (name) => {
      const v = form.get(name);
      return typeof v === 'string' ? v : '';
    },
    isFile: (name) => typeof form.get(name) === 'object' && form.get(name) !== null,
  };
}

/** `tcp://Host:9001`, `host:9001` → `host:9001` (lower case): how the registry compares agent URLs. */
export function agentKey(url: string): string {
  return url
    .trim()
    .replace(/^tcp:\/\//i, '')
    .replace(/\/$/, '')
    .toLowerCase();
}

function endpointBody(state: SimState, id: number, groupId: number, tls: { skipVerify: boolean }): Record<string, unknown> {
  const e = state.endpoint(id);
  if (e === undefined) throw new HttpError(500, 'Unable to persist environment inside the database', 'simulator: the new environment vanished');
  return {
    Id: e.id,
    Name: e.name,
    Type: e.type,
    URL: e.url,
    PublicURL: '',
    GroupId: groupId,
    Status: e.status,
    TagIds: [],
    TLSConfig: { TLS: true, TLSSkipVerify: tls.skipVerify },
    Agent: { Version: state.features.version },
    Snapshots: [{ Swarm: false, DockerVersion: '24.0.7', StackCount: 0, Time: Math.floor(Date.now() / 1000) }],
  };
}

async function createEndpoint(ctx: Ctx): Promise<Reply> {
  const state = ctx.rt.state;
  if (ctx.user?.admin !== true) throw new HttpError(403, 'Access denied to resource', 'Unauthorized');
  const form = await formFields(ctx);
  const name = form.value('Name');
  if (name === '') throw new HttpError(400, PAYLOAD, 'Invalid environment name');
  const type = Number(form.value('EndpointCreationType'));
  if (!Number.isInteger(type) || type < 1 || type > 5) throw new HttpError(400, PAYLOAD, TYPES);
  if (type !== 2) throw new HttpError(400, PAYLOAD, `simulator: only agent environments (EndpointCreationType 2) can be created, not ${type}`);
  const url = form.value('URL');
  const tls = form.value('TLS') === 'true';
  const skipVerify = form.value('TLSSkipVerify') === 'true';
  const skipClientVerify = form.value('TLSSkipClientVerify') === 'true';
  if (tls && !skipVerify && !form.isFile('TLSCACertFile')) throw new HttpError(400, PAYLOAD, 'Invalid CA certificate file. Ensure that the file is uploaded correctly');
  if (tls && !skipClientVerify && !form.isFile('TLSCertFile')) throw new HttpError(400, PAYLOAD, 'Invalid certificate file. Ensure that the file is uploaded correctly');
  const groupRaw = form.value('GroupID');
  const groupId = groupRaw === '' || groupRaw === '0' ? 1 : Number(groupRaw);
  if (!Number.isInteger(groupId) || groupId < 1) throw new HttpError(400, PAYLOAD, 'Invalid environment group identifier');
  if (compareVersions(parseVersion(state.features.version), [2, 14, 0]) >= 0 && state.endpoints.some((e) => e.name === name)) {
    throw new HttpError(409, 'Name is not unique');
  }
  const target = agentKey(url);
  if (!state.agents.has(target)) {
    // Portainer forces https for the ping and reports Go's net/http error.
    throw new HttpError(500, 'Unable to get environment type', `Get "https://${target}/ping": dial tcp ${target}: connect: connection refused`);
  }
  const id = state.addEndpoint({ name, type: 2, url });
  return { status: 200, body: endpointBody(state, id, groupId, { skipVerify }) };
}

export const endpointRoutes: Route[] = [{ method: 'POST', pattern: /^\/api\/endpoints$/, auth: true, handle: createEndpoint }];
