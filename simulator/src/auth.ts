import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Ctx } from './context';
import { HttpError, type Reply } from './http-util';
import type { SimState } from './state';
import type { SimUserSeed } from './types';

export const AUTH_COOKIE = 'portainer_api_key';
const JWT_LIFETIME_S = 8 * 3600; // DefaultUserSessionTimeout, docs/portainer-api.md#jwt-login

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** HS256 JWT with Portainer's claims (docs/portainer-api.md#jwt-login). */
export function signJwt(state: SimState, user: Required<SimUserSeed>): string {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      id: user.id,
      username: user.username,
      role: user.admin ? 1 : 2,
      scope: 'default',
      forceChangePassword: false,
      iat: now,
      exp: now + JWT_LIFETIME_S,
    }),
  );
  const sig = createHmac('sha256', state.jwtSecret).update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${b64url(sig)}`;
}

function verifyJwt(state: SimState, token: string): Required<SimUserSeed> {
  const invalid = new HttpError(401, 'Invalid JWT token', 'Unauthorized');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid;
  const expected = createHmac('sha256', state.jwtSecret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid;
  let claims: { id?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { id?: unknown; exp?: unknown };
  } catch {
    throw invalid;
  }
  if (typeof claims.exp !== 'number' || claims.exp < Date.now() / 1000) throw invalid;
  const user = typeof claims.id === 'number' ? state.user(claims.id) : undefined;
  if (!user) throw new HttpError(401, 'An authorization token is invalid', 'Unauthorized');
  return user;
}

export function cookieValue(ctx: Ctx, name: string): string | undefined {
  const header = ctx.req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name && v.join('=') !== '') return v.join('=');
  }
  return undefined;
}

/** X-API-Key header (any case, as HTTP), or the X-API-KEY query parameter in any case (docs/portainer-api.md#api-keys). */
function apiKeyOf(ctx: Ctx): string | undefined {
  const header = ctx.req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  for (const [k, v] of ctx.query) if (k.toLowerCase() === 'x-api-key' && v !== '') return v;
  return undefined;
}

function bearerOf(ctx: Ctx): string | undefined {
  const header = ctx.req.headers.authorization;
  if (header) return header.replace(/^Bearer\s+/i, '');
  const token = ctx.query.get('token');
  if (token) return token;
  return ctx.rt.state.features.cookieAndCsrf ? cookieValue(ctx, AUTH_COOKIE) : undefined;
}

/**
 * The gorilla/csrf wrapper of 2.20+ (docs/portainer-api.md#cookies-and-csrf), run on every route
 * before authentication. Returns an answer when the request is refused.
 */
export function csrfCheck(ctx: Ctx): Reply | undefined {
  if (!ctx.rt.state.features.cookieAndCsrf) return undefined;
  if (cookieValue(ctx, AUTH_COOKIE) !== undefined) {
    if (['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(ctx.method)) return undefined;
    // gorilla/csrf answers with http.Error: plain text.
    return { status: 403, text: 'Forbidden - CSRF token not found in request\n' };
  }
  if (apiKeyOf(ctx) !== undefined && ctx.req.headers.authorization) {
    return new HttpError(403, 'api key and auth header are not allowed at the same time').toReply();
  }
  return undefined;
}

/** The bouncer: API key first, then the JWT (docs/portainer-api.md#auth-failures). */
export function authenticate(ctx: Ctx): void {
  const state = ctx.rt.state;
  const key = state.features.apiKeys ? apiKeyOf(ctx) : undefined;
  if (key !== undefined) {
    const record = state.apiKeys.get(key);
    const user = record && state.user(record.userId);
    // An invalid API key gets the JWT-worded message too.
    if (!record || !user) throw new HttpError(401, 'Invalid JWT token', 'Unauthorized');
    record.lastUsed = Math.floor(Date.now() / 1000);
    ctx.user = user;
    ctx.authKind = 'apikey';
    return;
  }
  const token = bearerOf(ctx);
  if (token === undefined) throw new HttpError(401, state.features.missingTokenMessage, 'Unauthorized');
  ctx.user = verifyJwt(state, token);
  ctx.authKind = 'jwt';
}
