import type { Ctx, Route } from './context';
import { deployError, markDeploying, scheduleAsyncDeploy } from './deploy';
import { badPayload, HttpError, jsonObject, optBool, optEnv, optString, queryInt, type Reply, sleep } from './http-util';
import { findStack } from './routes-stacks-read';
import { stackJson } from './stack-json';
import { nowSeconds, type StackRecord } from './state';

const envOfStackMissing = (): HttpError => new HttpError(404, 'Unable to find the environment associated to the stack inside the database', 'object not found inside the database');

/**
 * The endpointId of update/start/stop. 2.19+ requires it (400); before, an update's missing one
 * parses as 0 and the environment lookup fails (docs/portainer-api.md#updating-a-stack).
 */
function targetEndpoint(ctx: Ctx, stack: StackRecord, fallbackToStack: boolean): number {
  const f = ctx.rt.state.features;
  // Start and stop before 2.19 never read the parameter: they act on the stack's own environment
  // (docs/portainer-api.md#start-and-stop), whatever id the caller gives.
  const given = fallbackToStack && !f.endpointIdRequired ? undefined : queryInt(ctx.query, 'endpointId', f.endpointIdRequired);
  const id = given ?? (fallbackToStack ? stack.endpointId : 0);
  if (!ctx.rt.state.endpoint(id)) throw envOfStackMissing();
  return id;
}

/** PUT /api/stacks/{id}?endpointId=N (docs/portainer-api.md#updating-a-stack). */
async function update(ctx: Ctx, params: string[]): Promise<Reply> {
  const rt = ctx.rt;
  const state = rt.state;
  const stack = findStack(ctx, params[0]);
  const endpointId = targetEndpoint(ctx, stack, false);
  const body = jsonObject(ctx.rawBody);
  const composeText = optString(body, 'StackFileContent') ?? '';
  const env = optEnv(body) ?? []; // docs/portainer-api.md#updating-a-stack: replaced wholesale, omitted means wiped
  const prune = optBool(body, 'Prune');
  const pull = pullRequested(ctx, body);
  if (composeText.trim() === '') throw badPayload('Invalid stack file content');
  // Swarm: `docker stack deploy --prune` only with Prune: true (docs/portainer-api.md#updating-a-stack);
  // compose never removes orphans, whatever Prune says.
  const flags = { pull, prune: stack.type === 1 && prune === true };

  if (state.asyncDeploy) {
    if (stack.status === 3) throw new HttpError(409, 'Stack deployment is already in progress', 'Stack deployment is already in progress');
    const previousFile = stack.composeText;
    applyUpdate(stack, { endpointId, env, composeText, prune, by: ctx.user?.username ?? '' });
    markDeploying(stack);
    const deployment = state.docker.record(stack, 'update', flags, 'pending');
    scheduleAsyncDeploy(rt, stack, previousFile, (ok) => {
      deployment.outcome = ok ? 'ok' : 'failed';
      if (ok) state.docker.up(stack, flags.prune);
    });
    return { status: 200, body: stackJson(stack, state) };
  }

  // Sync versions: the request lasts the whole deploy; the DB record is only
  // written on success, but the file on disk is written before the deploy.
  const previousFile = stack.composeText;
  const error = deployError(rt, { ...stack, endpointId, composeText, env });
  await sleep(rt.faults.deployMs);
  if (error !== undefined) {
    // ≤ 2.15 keeps the new (failed) file; 2.16+ rolls it back (docs/portainer-api.md#failed-updates).
    stack.composeText = state.features.rollbackFileOnFailure ? previousFile : composeText;
    // 2.15+ runs `compose down` after the failed up: its containers are gone, while the record,
    // which is saved only on success, still says Status 1. Swarm updates run no down.
    if (state.features.downOnFailedDeploy && stack.type === 2) state.docker.down({ ...stack, endpointId });
    state.docker.record({ ...stack, endpointId }, 'update', flags, 'failed');
    throw new HttpError(500, error, error);
  }
  applyUpdate(stack, { endpointId, env, composeText, prune, by: ctx.user?.username ?? '' });
  stack.status = 1; // docs/portainer-api.md#stack-status: forced to active
  state.docker.up(stack, flags.prune);
  state.docker.record(stack, 'update', flags, 'ok');
  return { status: 200, body: stackJson(stack, state) };
}

/**
 * The pull flag as the simulated version reads it (docs/portainer-api.md#pull-and-redeploy):
 * `PullImage` from 2.15.1, `RepullImageAndRedeploy` on the newest, ORed; a key the version does
 * not know is ignored like any unknown key.
 */
function pullRequested(ctx: Ctx, body: Record<string, unknown>): boolean {
  const f = ctx.rt.state.features;
  const pullImage = f.pullImage && optBool(body, 'PullImage') === true;
  const repull = f.repullImageAndRedeploy && optBool(body, 'RepullImageAndRedeploy') === true;
  return pullImage || repull;
}

function applyUpdate(stack: StackRecord, u: { endpointId: number; env: StackRecord['env']; composeText: string; prune?: boolean; by: string }): void {
  stack.endpointId = u.endpointId; // a different valid id re-points the stack (docs/portainer-api.md#updating-a-stack)
  stack.env = u.env;
  stack.composeText = u.composeText;
  if (u.prune !== undefined) stack.prune = u.prune;
  if (stack.git) {
    // docs/portainer-api.md#updating-a-stack: a git stack that is PUT becomes a file stack.
    stack.git = undefined;
    stack.fromAppTemplate = true;
  }
  stack.updateDate = nowSeconds();
  stack.updatedBy = u.by;
}

/** DELETE /api/stacks/{id}?endpointId=N (docs/portainer-api.md#deleting-a-stack): the containers or services go, volumes stay. */
function remove(ctx: Ctx, params: string[]): Reply {
  const rt = ctx.rt;
  if (ctx.query.get('external') === 'true') {
    throw new HttpError(501, 'Not modelled by the simulator: external stack deletion', 'simulator limitation');
  }
  const given = queryInt(ctx.query, 'endpointId', false);
  const stack = findStack(ctx, params[0]);
  // Missing or different: treated as orphaned, and the admin then hits a 404
  // looking up that environment.
  if (given !== stack.endpointId) throw envOfStackMissing();
  rt.state.docker.down(stack); // compose down --remove-orphans without -v, or docker stack rm
  rt.state.stacks.delete(stack.id);
  return { status: 204 };
}

/**
 * POST /api/stacks/{id}/start|stop (docs/portainer-api.md#start-and-stop). Stop is compose
 * `down --remove-orphans` or `docker stack rm`; start is `up -d` from the stored file and env
 * (Swarm: `stack deploy` with prune and pull), checked in Portainer's order.
 */
async function startStop(ctx: Ctx, params: string[], action: 'start' | 'stop'): Promise<Reply> {
  const rt = ctx.rt;
  const state = rt.state;
  const stack = findStack(ctx, params[0]);
  const endpointId = targetEndpoint(ctx, stack, true);
  // A deploy still running (asynchronous versions) blocks both.
  const busy = state.asyncDeploy ? 409 : 400;
  if (action === 'stop') {
    if (stack.status === 3) throw new HttpError(busy, 'Stack deployment is already in progress', 'Stack deployment is already in progress');
    if (stack.status === 2) throw new HttpError(400, 'Stack is already inactive', 'Stack is already inactive');
    state.docker.down({ ...stack, endpointId });
    stack.status = 2;
    state.docker.record({ ...stack, endpointId }, 'stop', {}, 'ok');
    return { status: 200, body: stackJson(stack, state) };
  }
  if (state.features.startStatusFirst) {
    // Newest: active, deploying and failed stacks are one 409 with the reason in details.
    const refused = startRefusal(stack);
    if (refused !== undefined) throw new HttpError(409, 'Unable to start stack', refused);
  }
  // checkUniqueStackNameInDocker: another record of that name, or any container of that compose
  // project (Swarm: any service of that namespace) on the environment. Before the status check,
  // so an active stack whose containers run answers this 409 rather than "already active".
  const otherRecord = [...state.stacks.values()].some((s) => s.id !== stack.id && s.endpointId === endpointId && s.name === stack.name);
  if (otherRecord || state.docker.hasProject(endpointId, stack.name, stack.type === 1)) {
    const message = `A stack with the name '${stack.name}' is already running`;
    throw new HttpError(409, message, message);
  }
  if (stack.status === 3) throw new HttpError(busy, 'Stack deployment is already in progress', 'Stack deployment is already in progress');
  if (stack.status === 1) throw new HttpError(400, 'Stack is already active', 'Stack is already active');
  const flags = stack.type === 1 ? { pull: true, prune: true } : {};
  const error = deployError(rt, { ...stack, endpointId });
  await sleep(rt.faults.deployMs);
  if (error !== undefined) {
    state.docker.record({ ...stack, endpointId }, 'start', flags, 'failed');
    throw new HttpError(500, 'Unable to start stack', error);
  }
  state.docker.up({ ...stack, endpointId }, flags.prune);
  stack.status = 1;
  state.docker.record({ ...stack, endpointId }, 'start', flags, 'ok');
  return { status: 200, body: stackJson(stack, state) };
}

/** The newest start's refusals (docs/portainer-api.md#start-and-stop), or undefined. */
function startRefusal(stack: StackRecord): string | undefined {
  if (stack.status === 1) return 'Stack is already active';
  if (stack.status === 3) return 'Stack deployment is already in progress';
  if (stack.status === 4) return stack.deploymentStatus.at(-1)?.Message ?? 'Stack is in error state';
  return undefined;
}

export const stackUpdateRoutes: Route[] = [
  { method: 'PUT', pattern: /^\/api\/stacks\/([^/]+)$/, auth: true, handle: update },
  { method: 'DELETE', pattern: /^\/api\/stacks\/([^/]+)$/, auth: true, handle: remove },
  {
    method: 'POST',
    pattern: /^\/api\/stacks\/([^/]+)\/start$/,
    auth: true,
    when: (f) => f.startStop,
    handle: (ctx, p) => startStop(ctx, p, 'start'),
  },
  {
    method: 'POST',
    pattern: /^\/api\/stacks\/([^/]+)\/stop$/,
    auth: true,
    when: (f) => f.startStop,
    handle: (ctx, p) => startStop(ctx, p, 'stop'),
  },
];
