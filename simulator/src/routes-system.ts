import { randomBytes } from 'node:crypto';
import { AUTH_COOKIE, signJwt } from './auth';
import type { Ctx, Route } from './context';
import { badPayload, HttpError, jsonObject, optString, type Reply, routeId } from './http-util';
import type { SimState } from './state';

const tooManyLogins = (): HttpError => new HttpError(403, 'Access denied', 'Access denied to resource');

/** docs/portainer-api.md#version-detection: /api/status changed shape over the versions. */
function status(ctx: Ctx): Reply {
  const { features, instanceId } = ctx.rt.state;
  if (features.statusShape === '1.x') {
    return {
      status: 200,
      body: { Authentication: true, EndpointManagement: true, Snapshot: true, Analytics: false, Version: features.version },
    };
  }
  if (features.statusShape === '2.0') return { status: 200, body: { Version: features.version } };
  return { status: 200, body: { Version: features.version, InstanceID: instanceId } };
}

/** POST /api/auth (docs/portainer-api.md#jwt-login). */
function login(ctx: Ctx): Reply {
  const state = ctx.rt.state;
  if (!ctx.rt.rateLimiter.take()) throw tooManyLogins();
  const body = jsonObject(ctx.rawBody);
  const username = optString(body, 'Username') ?? '';
  const password = optString(body, 'Password') ?? '';
  if (username === '') throw badPayload('Invalid username');
  if (password === '') throw badPayload('Invalid password');
  const user = state.users.find((u) => u.username === username && u.password === password);
  if (!user) throw new HttpError(422, 'Invalid credentials', 'Unauthorized');
  const jwt = signJwt(state, user);
  const headers: Record<string, string> = {};
  if (state.features.cookieAndCsrf) {
    headers['Set-Cookie'] = `${AUTH_COOKIE}=${jwt}; Path=/; Max-Age=28800; HttpOnly; SameSite=Strict`;
  }
  return { status: 200, body: { jwt }, headers };
}

function me(ctx: Ctx): Reply {
  const u = ctx.user;
  if (!u) throw new HttpError(401, 'Unauthorized');
  return { status: 200, body: { Id: u.id, Username: u.username, Role: u.admin ? 1 : 2 } };
}

/** POST /api/users/{id}/tokens (docs/portainer-api.md#minting-an-api-key). */
function mintToken(ctx: Ctx, params: string[]): Reply {
  const state = ctx.rt.state;
  if (!ctx.rt.rateLimiter.take()) throw tooManyLogins();
  const userId = routeId(params[0], 'user');
  if (ctx.authKind !== 'jwt') throw new HttpError(401, 'Auth not supported', 'Unauthorized');
  const body = jsonObject(ctx.rawBody);
  const description = optString(body, 'description') ?? '';
  if (description.trim() === '' || description.length > 128) throw badPayload('invalid description');
  const password = optString(body, 'password') ?? '';
  if (state.features.tokenNeedsPassword && password === '') throw badPayload('invalid password: cannot be empty');
  const caller = ctx.user;
  if (!caller || caller.id !== userId) {
    throw new HttpError(403, 'Permission denied to create user access token', 'Permission denied');
  }
  if (state.features.tokenNeedsPassword && password !== caller.password) {
    throw new HttpError(403, "Current password doesn't match", 'Current password does not match');
  }
  const rawAPIKey = `ptr_${randomBytes(32).toString('base64')}`;
  const apiKey = state.addApiKey(rawAPIKey, caller.id, description);
  return { status: 201, body: { rawAPIKey, apiKey: { ...apiKey } } };
}

function endpointJson(state: SimState, id: number): Record<string, unknown> {
  const e = state.endpoint(id);
  if (!e) throw new HttpError(404, 'Unable to find an environment with the specified identifier inside the database', 'object not found inside the database');
  const stackCount = [...state.stacks.values()].filter((s) => s.endpointId === e.id).length;
  return {
    Id: e.id,
    Name: e.name,
    Type: e.type,
    URL: e.url,
    PublicURL: '',
    GroupId: 1,
    Status: e.status,
    TagIds: [],
    TLSConfig: { TLS: false, TLSSkipVerify: false },
    Snapshots: [{ Swarm: e.swarm, DockerVersion: '24.0.7', StackCount: stackCount, Time: Math.floor(Date.now() / 1000) }],
  };
}

function listEndpoints(ctx: Ctx): Reply {
  const state = ctx.rt.state;
  // Query parameters (excludeSnapshots, start, limit...) are accepted and ignored (docs/portainer-api.md#environments).
  const list = state.endpoints.map((e) => endpointJson(state, e.id));
  const count = String(list.length);
  return { status: 200, body: list, headers: { 'X-Total-Count': count, 'X-Total-Available': count } };
}

function systemVersion(ctx: Ctx): Reply {
  const f = ctx.rt.state.features;
  const body: Record<string, unknown> = {
    ServerVersion: f.version,
    DatabaseVersion: f.version,
    Build: { BuildNumber: 'simulator', GoVersion: 'go1.22' },
    UpdateAvailable: false,
    LatestVersion: '',
  };
  if (f.cookieAndCsrf) body.ServerEdition = 'CE';
  return { status: 200, body };
}

export const systemRoutes: Route[] = [
  { method: 'GET', pattern: /^\/api\/status$/, auth: false, handle: status },
  { method: 'GET', pattern: /^\/api\/system\/status$/, auth: false, when: (f) => f.systemStatus, handle: status },
  { method: 'GET', pattern: /^\/api\/system\/version$/, auth: true, when: (f) => f.systemStatus, handle: systemVersion },
  { method: 'POST', pattern: /^\/api\/auth$/, auth: false, handle: login },
  { method: 'POST', pattern: /^\/api\/auth\/logout$/, auth: true, handle: () => ({ status: 204 }) },
  { method: 'GET', pattern: /^\/api\/users\/me$/, auth: true, when: (f) => f.cookieAndCsrf, handle: me },
  { method: 'POST', pattern: /^\/api\/users\/([^/]+)\/tokens$/, auth: true, when: (f) => f.apiKeys, handle: mintToken },
  { method: 'GET', pattern: /^\/api\/endpoints$/, auth: true, handle: listEndpoints },
  {
    method: 'GET',
    pattern: /^\/api\/endpoints\/([^/]+)$/,
    auth: true,
    handle: (ctx, p) => ({ status: 200, body: endpointJson(ctx.rt.state, routeId(p[0], 'environment')) }),
  },
];
