import type { Ctx, Route } from './context';
import { deployError, markDeploying, scheduleAsyncDeploy } from './deploy';
import { badPayload, HttpError, jsonObject, optBool, optEnv, optString, queryInt, type Reply, sleep } from './http-util';
import { findStack } from './routes-stacks-read';
import { stackJson } from './stack-json';
import { nowSeconds, type StackRecord } from './state';

const envOfStackMissing = (): HttpError => new HttpError(404, 'Unable to find the environment associated to the stack inside the database', 'object not found inside the database');

/**
 * The endpointId of update/start/stop. 2.19+ requires it (400); before, a
 * missing one parses as 0 and the environment lookup fails (docs/portainer-api.md#updating-a-stack).
 */
function targetEndpoint(ctx: Ctx, stack: StackRecord, fallbackToStack: boolean): number {
  const f = ctx.rt.state.features;
  const given = queryInt(ctx.query, 'endpointId', f.endpointIdRequired);
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
  optBool(body, 'PullImage');
  if (composeText.trim() === '') throw badPayload('Invalid stack file content');

  if (state.asyncDeploy) {
    if (stack.status === 3) throw new HttpError(409, 'Stack deployment is already in progress', 'Stack deployment is already in progress');
    const previousFile = stack.composeText;
    applyUpdate(stack, { endpointId, env, composeText, prune, by: ctx.user?.username ?? '' });
    markDeploying(stack);
    scheduleAsyncDeploy(rt, stack, previousFile);
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
    // 2.15+ runs `compose down` after the failed up: the stack is down.
    if (state.features.downOnFailedDeploy) stack.status = 2;
    throw new HttpError(500, error, error);
  }
  applyUpdate(stack, { endpointId, env, composeText, prune, by: ctx.user?.username ?? '' });
  stack.status = 1; // docs/portainer-api.md#stack-status: forced to active
  return { status: 200, body: stackJson(stack, state) };
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

/** DELETE /api/stacks/{id}?endpointId=N (docs/portainer-api.md#deleting-a-stack). Volumes are not modelled: they would survive. */
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
  rt.state.stacks.delete(stack.id);
  return { status: 204 };
}

/** POST /api/stacks/{id}/start|stop (docs/portainer-api.md#start-and-stop). */
function startStop(ctx: Ctx, params: string[], action: 'start' | 'stop'): Reply {
  const state = ctx.rt.state;
  const stack = findStack(ctx, params[0]);
  targetEndpoint(ctx, stack, true);
  // CE ≤ 2.23 answers 400; the newest (EE 2.42 spec) answers 409.
  const conflict = state.asyncDeploy ? 409 : 400;
  if (stack.status === 3) throw new HttpError(conflict, 'Stack deployment is already in progress', 'Stack deployment is already in progress');
  if (action === 'start' && stack.status === 1) throw new HttpError(conflict, 'Stack is already active', 'Stack is already active');
  if (action === 'stop' && stack.status === 2) throw new HttpError(conflict, 'Stack is already inactive', 'Stack is already inactive');
  stack.status = action === 'start' ? 1 : 2;
  return { status: 200, body: stackJson(stack, state) };
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
