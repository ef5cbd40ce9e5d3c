import type { Ctx, Route } from './context';
import { deployError, markDeploying, scheduleAsyncDeploy } from './deploy';
import { badPayload, HttpError, jsonObject, optEnv, optString, queryInt, type Reply, sleep } from './http-util';
import { stackJson } from './stack-json';
import type { SimState } from './state';
import { normaliseStackName } from './version';

const notModelled = (what: string): HttpError => new HttpError(501, `Not modelled by the simulator: ${what}`, 'simulator limitation');

/** Uniqueness (docs/portainer-api.md#name-conflicts): Portainer's DB, then (2.9.1+) Docker's compose projects. */
function checkUnique(state: SimState, name: string, endpointId: number, swarm: boolean): void {
  const f = state.features;
  const clash = [...state.stacks.values()].some((s) => s.name.toLowerCase() === name && (!f.uniquePerEndpoint || s.endpointId === endpointId));
  // Docker's compose projects (containers) and, for a Swarm stack, its stack namespaces (services).
  const external = f.dockerNameCheck && state.docker.hasProject(endpointId, name, swarm);
  if (clash || external) throw new HttpError(409, f.conflictMessage(name), f.conflictMessage(name));
}

/** docs/portainer-api.md#creating-a-stack: create a compose (type 2) or swarm (type 1) stack from a string. */
async function createFromString(ctx: Ctx, type: 1 | 2): Promise<Reply> {
  const rt = ctx.rt;
  const state = rt.state;
  const endpointId = queryInt(ctx.query, 'endpointId', true) ?? 0;
  if (!state.endpoint(endpointId)) {
    throw new HttpError(404, 'Unable to find an environment with the specified identifier inside the database', 'object not found inside the database');
  }
  const body = jsonObject(ctx.rawBody);
  const rawName = optString(body, 'Name') ?? '';
  const composeText = optString(body, 'StackFileContent') ?? '';
  const swarmId = optString(body, 'SwarmID') ?? '';
  const env = optEnv(body) ?? [];
  optString(body, 'Webhook'); // EE field: decoded, type-checked, ignored
  if (rawName.trim() === '') throw badPayload('Invalid stack name');
  if (type === 1 && swarmId === '') throw badPayload('Invalid Swarm ID');
  if (composeText.trim() === '') throw badPayload('Invalid stack file content');
  const name = normaliseStackName(rawName, state.features);
  if (name === '') throw badPayload('Invalid stack name');
  checkUnique(state, name, endpointId, type === 1);

  const base = {
    name,
    type,
    endpointId,
    swarmId: type === 1 ? swarmId : '',
    env,
    composeText,
    createdBy: ctx.user?.username ?? '',
  };
  if (state.asyncDeploy) {
    const stack = state.addStack({ ...base, status: 3 });
    markDeploying(stack);
    const deployment = state.docker.record(stack, 'create', {}, 'pending');
    scheduleAsyncDeploy(rt, stack, undefined, (ok) => {
      deployment.outcome = ok ? 'ok' : 'failed';
      if (ok) state.docker.up(stack);
    });
    return { status: 200, body: stackJson(stack, state) };
  }
  // Sync versions hold the request for the whole deploy and save the record only on success.
  const error = deployError(rt, { ...base, id: 0 });
  await sleep(rt.faults.deployMs);
  if (error !== undefined) {
    // Before 2.15 nothing ran `compose down` after a failed up: the half-started
    // project is left behind and blocks the name from 2.9.1 on (docs/portainer-api.md#name-conflicts, docs/portainer-api.md#failed-updates).
    if (!state.features.downOnFailedDeploy) {
      state.externalProjects.add(`${endpointId}/${name}`);
      state.docker.up({ ...base, id: 0 });
    }
    throw new HttpError(500, error, error);
  }
  checkUnique(state, name, endpointId, type === 1); // a concurrent create may have won meanwhile
  const stack = state.addStack({ ...base, status: 1 });
  state.docker.up(stack);
  state.docker.record(stack, 'create', {}, 'ok');
  return { status: 200, body: stackJson(stack, state) };
}

/** Pre-2.19 (and deprecated 2.19.1+) POST /api/stacks?type=&method=&endpointId= (docs/portainer-api.md#stack-routes). */
function createOld(ctx: Ctx): Promise<Reply> {
  const type = queryInt(ctx.query, 'type', true);
  if (type !== 1 && type !== 2 && type !== 3) throw new HttpError(400, 'Invalid query parameter: type', 'Invalid stack type');
  const method = ctx.query.get('method');
  if (!method) throw new HttpError(400, 'Invalid query parameter: method', 'Missing query parameter');
  if (!['string', 'file', 'repository', 'url'].includes(method)) {
    throw new HttpError(400, 'Invalid value for query parameter: method. Value must be one of: string, file or repository', 'Invalid method');
  }
  if (type === 3) throw notModelled('Kubernetes stacks');
  if (method !== 'string') throw notModelled(`stack creation by ${method}`);
  return createFromString(ctx, type);
}

function createNew(ctx: Ctx, params: string[]): Promise<Reply> {
  const [kind, method] = params;
  if (kind === 'kubernetes') throw notModelled('Kubernetes stacks');
  if (method !== 'string') throw notModelled(`stack creation by ${method}`);
  return createFromString(ctx, kind === 'swarm' ? 1 : 2);
}

export const stackCreateRoutes: Route[] = [
  { method: 'POST', pattern: /^\/api\/stacks$/, auth: true, when: (f) => f.oldCreateRoute, handle: createOld },
  {
    method: 'POST',
    pattern: /^\/api\/stacks\/create\/(standalone|swarm|kubernetes)\/(string|file|repository|url)$/,
    auth: true,
    when: (f) => f.newCreateRoutes,
    handle: createNew,
  },
];
