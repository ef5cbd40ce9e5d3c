import { existsSync } from 'node:fs';
import { hostname } from 'node:os';

import { layoutPortainerUrl } from '../config';
import type { LoadedConfig } from '../config';
import { AuthError, isPhoenixError, UsageError } from '../errors';
import { API_KEYS_SINCE, capabilities, jwtUserId, PortainerApiError } from '../portainer';
import type { PortainerClient, PortainerVersion } from '../portainer';
import { keyringHas, keyringWhere, refusedTokenHint, removeValue, storeValue, systemKeyring, TOKEN_SERVICE, tokenAccount, tokenFilePath, tokenPrefix } from '../secrets';
import type { Keyring, StoreChoice, StoreTarget, Stored, TokenSource } from '../secrets';
import { describeVariable } from '../secrets/dotenv';
import { connect, portainerUrl } from './connection';
import { optionalConfig } from './secrets';

export interface TokenRequest {
  config?: string;
  url?: string;
  caFile?: string;
  insecure: boolean;
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  warn: (line: string) => void;
  /** Registers a value the base command must redact (a token, a password) as soon as it is known. */
  redact: (value: string) => void;
  /** Default: the OS keyring through keytar. */
  keyring?: Keyring;
}

const READ_FLAGS = { concurrency: 2, deployTimeoutMs: 30_000 };

interface Target {
  config: LoadedConfig;
  url: string;
  store: StoreTarget;
}

/** The Portainer URL (flag, config, Phoenix layout) and where its token is stored. */
async function target(request: TokenRequest): Promise<Target> {
  const config = await optionalConfig(request.config, request.env);
  const insecure = request.insecure || config.portainer.insecure;
  const url = portainerUrl(request.url ?? config.portainer.url ?? (await layoutPortainerUrl(config, request.warn)), insecure);
  const account = tokenAccount(url);
  const store: StoreTarget = {
    keyring: request.keyring ?? systemKeyring(),
    service: TOKEN_SERVICE,
    account,
    file: tokenFilePath(request.env, config.portainer.tokenFile),
    keyringWhere: keyringWhere(account),
    warn: request.warn,
  };
  return { config, url, store };
}

/** Refuse what cannot be an API token before sending it anywhere. */
function checkTokenShape(raw: string): string {
  const token = raw.trim();
  if (/\s/.test(token)) {
    throw new UsageError('the token holds whitespace; an API token is one word', { code: 'TOKEN_INVALID', hint: 'Paste only the ptr_... value Portainer showed.' });
  }
  if (/^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(token)) {
    throw new UsageError('this is a login session (JWT), not an API token', {
      code: 'TOKEN_IS_JWT',
      hint: 'A JWT dies within 8 hours and at every Portainer restart. Create an access token (My account > Access tokens), or run: phoenix portainer token create --username <user>',
    });
  }
  return token;
}

/** Portainer's answer to an authenticated read with this token; a refusal stores nothing. */
async function verify(client: PortainerClient): Promise<{ version: PortainerVersion; environments: number }> {
  try {
    const version = await client.status();
    return { version, environments: (await client.environments()).length };
  } catch (error) {
    if (error instanceof PortainerApiError && (error.kind === 'auth' || error.kind === 'forbidden')) {
      throw new AuthError(`Portainer refused the token (${error.portainerMessage ?? `HTTP ${error.status}`}); it was not stored`, {
        code: 'TOKEN_REJECTED',
        cause: error,
        hint: 'Check that you copied the whole token and that it was not revoked (Portainer: My account > Access tokens).',
      });
    }
    throw error;
  }
}

async function verifyToken(t: Target, token: string, request: TokenRequest) {
  const { client } = await connect(t.config, { url: t.url, caFile: request.caFile, insecure: request.insecure, apiKey: token, ...READ_FLAGS }, request.env, request.log, request.warn);
  try {
    return await verify(client);
  } finally {
    await client.close();
  }
}

export interface StoredToken extends Stored {
  url: string;
  prefix: string;
  verified: boolean;
  portainerVersion?: string;
}

/** Store a token after Portainer accepted it; say what would still shadow it. */
async function keep(t: Target, token: string, choice: StoreChoice, request: TokenRequest, check: Awaited<ReturnType<typeof verify>> | undefined): Promise<StoredToken> {
  const stored = await storeValue(token, choice, t.store);
  if (stored.store === 'file' && (await keyringHas(t.store))) {
    request.warn(`the ${t.store.keyringWhere} also holds a token, and it wins over the file; remove it with: phoenix portainer token delete --store keyring`);
  }
  if (request.env.PORTAINER_API_KEY) request.warn('PORTAINER_API_KEY is set in this environment and wins over the stored token.');
  return { url: t.url, ...stored, prefix: tokenPrefix(token), verified: check !== undefined, ...(check ? { portainerVersion: check.version.raw } : {}) };
}

/** `token set`: check the token against Portainer (unless told not to), then store it. */
export async function setToken(request: TokenRequest & { token: string; store: StoreChoice; verify: boolean }): Promise<StoredToken> {
  request.redact(request.token.trim());
  const token = checkTokenShape(request.token);
  const t = await target(request);
  const check = request.verify ? await verifyToken(t, token, request) : undefined;
  return keep(t, token, request.store, request, check);
}

export interface TokenStatus {
  url: string;
  source: TokenSource;
  where: string;
  prefix: string;
  check: 'accepted' | 'refused' | 'skipped';
  portainerVersion?: string;
  environments?: number;
  /** Why Portainer refused it. */
  error?: AuthError;
}

/** `token status`: which source wins, the token's first characters, and Portainer's verdict. */
export async function tokenStatus(request: TokenRequest & { verify: boolean }): Promise<TokenStatus> {
  const t = await target(request);
  const { client, token } = await connect(t.config, { url: t.url, caFile: request.caFile, insecure: request.insecure, ...READ_FLAGS }, request.env, request.log, request.warn);
  request.redact(token.token);
  const base = { url: t.url, source: token.source, where: token.where, prefix: tokenPrefix(token.token) };
  try {
    if (!request.verify) return { ...base, check: 'skipped' };
    const check = await verify(client);
    return { ...base, check: 'accepted', portainerVersion: check.version.raw, environments: check.environments };
  } catch (error) {
    if (isPhoenixError(error) && error.code === 'TOKEN_REJECTED') {
      const refused = error.message.replace('Portainer refused the token', `Portainer refused the token from ${token.where}`).replace('; it was not stored', '');
      return { ...base, check: 'refused', error: new AuthError(refused, { code: 'TOKEN_REJECTED', hint: refusedTokenHint(token) }) };
    }
    throw error;
  } finally {
    await client.close();
  }
}

/**
 * `token delete`: remove the token stored for this URL, where it was found. The keyring entry is
 * this URL's own (account = origin); the token file is shared by every Portainer that has no
 * keyring entry, so without --store it is removed only when it is this URL's source (no keyring
 * entry, no PORTAINER_API_KEY), and otherwise kept and named. `--store file` removes it as asked.
 */
export async function deleteToken(request: TokenRequest & { store: StoreChoice }): Promise<{ url?: string; removed: Stored[]; kept?: string }> {
  if (request.store === 'file') {
    const config = await optionalConfig(request.config, request.env);
    const file = tokenFilePath(request.env, config.portainer.tokenFile);
    const removed = await removeValue('file', { keyring: request.keyring ?? systemKeyring(), service: TOKEN_SERVICE, account: '', file, keyringWhere: '', warn: request.warn });
    return { removed };
  }
  const t = await target(request);
  const fromEnv = Boolean(request.env.PORTAINER_API_KEY?.trim());
  const removed: Stored[] = await removeValue('keyring', t.store);
  let kept: string | undefined;
  if (request.store === 'auto') {
    if (removed.length === 0 && !fromEnv) removed.push(...(await removeValue('file', t.store)));
    else kept = t.store.file;
  }
  if (fromEnv) request.warn(`the token in use comes from ${describeVariable('PORTAINER_API_KEY', request.env)}; phoenix cannot unset it: unset it yourself.`);
  else if (kept !== undefined && removed.length > 0 && existsSync(kept))
    request.warn(`the token file ${kept} was kept: it may hold the token of other Portainers. Remove it with: phoenix portainer token delete --store file`);
  return { url: t.url, removed, ...(kept !== undefined ? { kept } : {}) };
}

export interface CreatedToken extends StoredToken {
  username: string;
  userId: number;
  description: string;
}

/**
 * `token create`: one login (never retried: /api/auth bans an IP for an hour after a burst),
 * the user's id, one minted API key; the key is stored like `token set` and nothing else is
 * kept: the JWT lives in memory only and no cookie is ever sent.
 */
export async function createToken(request: TokenRequest & { username: string; password: string; store: StoreChoice; verify: boolean; description?: string }): Promise<CreatedToken> {
  request.redact(request.password);
  const t = await target(request);
  const description = (request.description ?? `phoenix on ${hostname()}`).slice(0, 128);
  const { client } = await connect(t.config, { url: t.url, caFile: request.caFile, insecure: request.insecure, apiKey: '', ...READ_FLAGS }, request.env, request.log, request.warn);
  let key: string;
  let userId: number;
  try {
    const version = await client.status();
    const can = capabilities(version);
    if (!can.apiKeys) {
      throw new UsageError(`Portainer ${version.raw} has no API tokens (they arrived in ${API_KEYS_SINCE})`, {
        code: 'API_KEYS_UNSUPPORTED',
        hint: `Upgrade Portainer to ${API_KEYS_SINCE} or later.`,
      });
    }
    const { jwt } = await client.authenticate(request.username, request.password);
    request.redact(jwt);
    userId = can.currentUserRoute ? (await client.currentUser(jwt)).id : jwtUserId(jwt);
    key = await client.createApiKey(jwt, userId, request.password, description);
    request.redact(key);
  } finally {
    await client.close();
  }
  try {
    const check = request.verify ? await verifyToken(t, key, request) : undefined;
    return { ...(await keep(t, key, request.store, request, check)), username: request.username, userId, description };
  } catch (error) {
    if (!isPhoenixError(error)) throw error;
    throw new AuthError(`the new API token "${description}" was created in Portainer but not stored: ${error.message}`, {
      code: error.code,
      cause: error,
      hint: `${error.hint ? `${error.hint}\n` : ''}Revoke the unused token in Portainer (My account > Access tokens), then run token create again.`,
    });
  }
}
