/**
 * Turns transport failures into the project's error types. Network and "not Portainer"
 * failures become UnavailableError (exit 69); HTTP error statuses become PortainerApiError.
 * Every text that reaches a message goes through the caller's `scrub` first.
 */
import { UnavailableError } from '../errors';
import { PortainerApiError } from './errors';
import { errorBodySchema } from './schemas';

export type Scrub = (text: string) => string;

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/** Transient transport failures worth another try on a read. DNS and TLS failures are not. */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * fetch wraps the real failure in `TypeError('fetch failed', { cause })`, sometimes twice;
 * find the first `code` along the cause chain (plain objects included).
 */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ('code' in current && typeof current.code === 'string') return current.code;
    // When the Agent's undici and fetch's undici live in different module realms (as under a
    // test runner's sandbox), fetch re-wraps the Agent's error as a plain Error whose message is
    // "SocketError: other side closed", losing the code. Recognise it by that message.
    if ('message' in current && typeof current.message === 'string' && /^SocketError: other side closed/.test(current.message)) return 'UND_ERR_SOCKET';
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/**
 * AbortSignal.timeout() rejects with a DOMException named TimeoutError; checked by name because
 * DOMException comes from another realm under some runners (instanceof Error is then false).
 */
export function isTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if ('name' in current && current.name === 'TimeoutError') return true;
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}

export function isRetryableNetworkError(error: unknown): boolean {
  const code = networkCode(error);
  return code !== undefined && RETRYABLE_CODES.has(code);
}

export interface FailureContext {
  /** Base URL as shown to the user (no credentials). */
  url: string;
  method: string;
  path: string;
  scrub: Scrub;
}

/** `kind` is which timeout ran out (the read or the deploy one), so the hint names the flag that raises it. */
export function timeoutError(ctx: FailureContext, timeoutMs: number, cause: unknown, kind: 'read' | 'deploy' = ctx.method === 'GET' ? 'read' : 'deploy'): UnavailableError {
  return new UnavailableError(`Portainer at ${ctx.url} did not answer ${ctx.method} ${ctx.path} within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`, {
    code: 'PORTAINER_TIMEOUT',
    hint:
      kind === 'read'
        ? 'Check that Portainer is up and reachable; if it is only slow, raise the read timeout with --read-timeout 2m (or PHOENIX_READ_TIMEOUT=2m).'
        : 'The deploy may still be running in Portainer: check the stack before retrying, or raise the deploy timeout with --timeout 30m.',
    cause,
  });
}

export function networkError(ctx: FailureContext, cause: unknown): UnavailableError {
  const code = networkCode(cause);
  const where = `${ctx.method} ${ctx.path}`;
  if (code === 'ECONNREFUSED') {
    return new UnavailableError(`Connection refused by ${ctx.url} (${where})`, {
      code: 'PORTAINER_UNREACHABLE',
      hint: `Is Portainer running at ${ctx.url}? Check --url / PORTAINER_URL.`,
      cause,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new UnavailableError(`The host of ${ctx.url} could not be resolved (${code}, ${where})`, {
      code: 'PORTAINER_HOST_NOT_FOUND',
      hint: 'Check the host name in --url / PORTAINER_URL, and DNS on this machine.',
      cause,
    });
  }
  if (code !== undefined && TLS_CODES.has(code)) {
    return new UnavailableError(`The TLS certificate of ${ctx.url} was not trusted (${code}, ${where})`, {
      code: 'PORTAINER_TLS',
      hint: "Pass --ca-file <Portainer's CA> or, at your own risk, --insecure.",
      cause,
    });
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
    return new UnavailableError(`TLS handshake with ${ctx.url} failed (${code}, ${where})`, {
      code: 'PORTAINER_TLS',
      hint: 'Is the scheme right? Portainer serves plain HTTP on 9000 and HTTPS on 9443.',
      cause,
    });
  }
  const reason = cause instanceof Error ? ctx.scrub(cause.message) : 'unknown error';
  // An HTTPS port spoken to in plain HTTP closes the connection without a word: say so.
  const closed = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
  const schemeHint = closed && ctx.url.startsWith('http://') ? ` If Portainer serves HTTPS on that port (9443 does), use ${ctx.url.replace(/^http:/, 'https:')}.` : '';
  return new UnavailableError(`Could not talk to Portainer at ${ctx.url} (${code ?? reason}, ${where})`, {
    code: 'PORTAINER_NETWORK',
    hint: `Check that ${ctx.url} is reachable from this machine.${schemeHint}`,
    cause,
  });
}

/** A short single-line excerpt of a body, for "this is not Portainer" messages. */
export function excerpt(text: string, scrub: Scrub, max = 120): string {
  const flat = scrub(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function badAnswer(ctx: FailureContext, reason: string, body: string): UnavailableError {
  const shown = body.length === 0 ? '(empty body)' : `"${excerpt(body, ctx.scrub)}"`;
  return new UnavailableError(`The server at ${ctx.url} did not answer like Portainer: ${ctx.method} ${ctx.path} ${ctx.scrub(reason)}: ${shown}`, {
    code: 'PORTAINER_BAD_ANSWER',
    hint: 'Check that --url / PORTAINER_URL points at Portainer itself, not at a proxy or login page.',
  });
}

export function redirected(ctx: FailureContext, status: number, location: string | null): UnavailableError {
  return new UnavailableError(`The server at ${ctx.url} answered ${ctx.method} ${ctx.path} with a redirect (${status}) to ${ctx.scrub(location ?? '?')}`, {
    code: 'PORTAINER_REDIRECTED',
    // Following it would resend the API key to wherever it points.
    hint: 'Use the final Portainer URL in --url / PORTAINER_URL (e.g. https://host:9443); redirects are not followed.',
  });
}

/** Keeps Portainer's own `message`/`details` (or 1.x `err`) when the body has them. */
export function apiError(ctx: FailureContext, status: number, body: string, hint?: string): PortainerApiError {
  let message: string | undefined;
  let details: string | undefined;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (parsed.success) {
      message = parsed.data.message ?? parsed.data.err;
      details = parsed.data.details;
    }
  } catch {
    // Not JSON (a proxy page): the status alone has to do.
  }
  return new PortainerApiError(
    {
      method: ctx.method,
      path: ctx.path,
      status,
      ...(message === undefined ? {} : { portainerMessage: ctx.scrub(message) }),
      ...(details === undefined ? {} : { details: ctx.scrub(details) }),
    },
    hint === undefined ? {} : { hint },
  );
}

/**
 * What a failed write leaves behind, for apply (which must not read status numbers):
 * - `lost`: the request may have been carried out and its answer never came (a reset, or a
 *   502/503/504 from a gateway that may have forwarded it). Re-read; repeating is safe only when
 *   the re-read shows it did not land.
 * - `timeout`: no answer within the deploy timeout: the deploy may still be running server-side
 *   (synchronous versions save the stack only when it ends). Re-read; never repeat.
 * - `conflict`: 409 (name taken; on async versions "deployment already in progress").
 * - `not-found`: 404 (for a delete, the stack may already be gone).
 * - `definite`: Portainer answered and refused or failed (400, 401, 403, 500 with compose
 *   output...), or nothing was sent (connection refused after retries, DNS, TLS).
 */
export type WriteFailure = 'lost' | 'timeout' | 'conflict' | 'not-found' | 'definite';

/**
 * A start refused because the stack already runs (docs/portainer-api.md#start-and-stop): `400
 * Stack is already active` up to 2.23, the newest versions' 409 with it in `details`. Started by
 * someone else since the plan: the start's end state is there.
 */
export function isAlreadyActive(error: unknown): boolean {
  return error instanceof PortainerApiError && /already active/i.test(`${error.portainerMessage ?? ''} ${error.portainerDetails ?? ''}`);
}

export function classifyWriteFailure(error: unknown): WriteFailure {
  if (error instanceof UnavailableError) {
    if (error.code === 'PORTAINER_TIMEOUT') return 'timeout';
    if (error.code === 'PORTAINER_NETWORK') return 'lost';
    return 'definite';
  }
  if (error instanceof PortainerApiError) {
    if (error.status === 502 || error.status === 503 || error.status === 504) return 'lost';
    if (error.status === 409) return 'conflict';
    if (error.status === 404) return 'not-found';
  }
  return 'definite';
}
