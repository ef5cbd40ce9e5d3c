/**
 * The one place that sends HTTP: the global fetch (nock intercepts it, not undici.request), over
 * an undici Agent only where TLS needs one (see Transport's constructor), a timeout on every request, retries by an explicit
 * policy per call (see RetryPolicy), the headers (and so the secrets they carry) built in one
 * function, and one debug line per attempt: `METHOD path?query -> status (N ms)`.
 */
import type { Agent } from 'undici';
import type { z } from 'zod';
import { Redactor } from '../secrets/redactor';
import { apiError, badAnswer, FailureContext, isRetryableNetworkError, isTimeout, networkCode, networkError, redirected, timeoutError } from './failures';
import { buildPath, QueryValue, RouteSpec } from './routes';
import type { ClientOptions } from './types';
import { parsePortainerUrl } from './url';

/**
 * Which failures a call may retry by itself (bounded exponential backoff with jitter, Retry-After
 * honoured on 429, each retry a `--debug` line). docs/reliability.md explains the choice:
 *
 * - `transient` (default for GET and DELETE): network errors (reset, refused, socket closed),
 *   502/503/504 and 429. A GET changes nothing. A DELETE names one stack id and Portainer never
 *   reuses ids, so sending it twice can at worst answer 404 for a stack that is already gone
 *   (apply then re-reads and counts the stack as deleted).
 * - `unsent` (create and update): only failures that prove the request never reached Portainer:
 *   a refused connection or connect timeout, and 429 (the server or its proxy declined to
 *   process it). Not a reset, a 502/503/504 or a client timeout: the deploy may have started
 *   (or even finished) behind them. Repeating a create could make a duplicate; repeating an
 *   update redeploys, which on 2.15+ takes the stack down when it fails and on async versions
 *   answers 409 "deployment already in progress". Apply re-reads Portainer and decides instead.
 * - `none` (default for POST and PUT: login, API-key minting): `/api/auth` bans an IP after
 *   about ten attempts, so nothing is repeated behind the user's back.
 * Client-side timeouts are never retried, whatever the policy.
 */
export type RetryPolicy = 'transient' | 'unsent' | 'none';

export type Auth = { kind: 'apiKey' } | { kind: 'bearer'; jwt: string } | { kind: 'none' };

export interface CallSpec {
  route: RouteSpec;
  params?: Record<string, string | number>;
  query?: Record<string, QueryValue>;
  body?: unknown;
  auth: Auth;
  timeout: 'read' | 'deploy';
  /** Default: `transient` for GET and DELETE, `none` otherwise. */
  retry?: RetryPolicy;
  /** Replaces PortainerApiError's default hint (e.g. a 401 on a JWT route is not the API key's fault). */
  hints?: Partial<Record<number, string>>;
  /** Secrets in the body (a password) that must never be echoed. */
  secrets?: string[];
}

export interface Answer {
  status: number;
  text: string;
  ctx: FailureContext;
}

export const MAX_RETRIES = 3;
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 30_000;
/** Network failures that happen before a byte of the request reached the server. */
const UNSENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

function defaultPolicy(method: string): RetryPolicy {
  return method === 'GET' || method === 'DELETE' ? 'transient' : 'none';
}

/** Whether `policy` lets a call retry after this failure (a status, or a network error code). */
export function mayRetry(policy: RetryPolicy, failure: { status: number } | { code: string | undefined; retryable: boolean }): boolean {
  if (policy === 'none') return false;
  if ('status' in failure) return policy === 'transient' ? RETRY_STATUSES.has(failure.status) : failure.status === 429;
  if (!failure.retryable) return false;
  return policy === 'transient' || (failure.code !== undefined && UNSENT_CODES.has(failure.code));
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function withheld(policy: RetryPolicy): string {
  return policy === 'unsent' ? ', not retried: Portainer may have started the deploy' : ', not retried';
}

export class Transport {
  private readonly base: string;
  private readonly shownUrl: string;
  /** Only for a private CA or --insecure; undefined: fetch's own connection pool. */
  private readonly agent: Agent | undefined;
  private readonly redactor: Redactor;
  private readonly log: (line: string) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly readTimeoutMs: number;
  private readonly deployTimeoutMs: number;

  constructor(private readonly options: ClientOptions) {
    const parsed = parsePortainerUrl(options.url, { insecure: options.insecure ?? false });
    parsed.search = '';
    parsed.hash = '';
    this.base = parsed.toString().replace(/\/+$/, '');
    this.shownUrl = this.base;
    // The token, and every other value the caller knows must never be echoed (secret env values:
    // compose errors print the env), before anything can log or throw.
    this.redactor = new Redactor([options.apiKey, ...(options.secrets ?? [])], '[REDACTED]');
    const log = options.log ?? (() => undefined);
    this.log = (line) => log(this.scrub(line));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.readTimeoutMs = options.readTimeoutMs ?? 30_000;
    this.deployTimeoutMs = options.deployTimeoutMs ?? 900_000;
    this.agent = options.ca !== undefined || options.insecure ? tlsAgent(options) : undefined;
  }

  /**
   * Replaces every known secret (API key, secret env values, JWTs and passwords seen so far),
   * raw or JSON/Go-quoted or percent-encoded, in a text. Every text from Portainer that reaches
   * an error or a debug line goes through it.
   */
  readonly scrub = (text: string): string => this.redactor.text(text);

  /** Adds a secret learned from an answer (a JWT, a minted key) to the redactor. */
  remember(secret: string): void {
    this.addSecret(secret);
  }

  private addSecret(secret: string | undefined): void {
    this.redactor.add(secret);
  }

  /**
   * The single place headers are built: registers every secret it puts in a header with the
   * redactor before anything can log or throw. Never a cookie; Authorization only for an
   * explicit bearer call (the API-key mint route), and never together with X-API-Key.
   */
  private headersFor(auth: Auth, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (hasBody) headers['Content-Type'] = 'application/json';
    if (auth.kind === 'apiKey') headers['X-API-Key'] = this.options.apiKey;
    if (auth.kind === 'bearer') {
      this.addSecret(auth.jwt);
      headers.Authorization = `Bearer ${auth.jwt}`;
    }
    return headers;
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
    return Math.round(ceiling * (0.5 + 0.5 * this.random()));
  }

  private retryAfter(value: string | null): number | undefined {
    if (value === null || !/^\d+$/.test(value.trim())) return undefined;
    return Math.min(RETRY_AFTER_CAP_MS, Number(value.trim()) * 1000);
  }

  /** Sends one call; a non-2xx answer, a network failure or a timeout throws the mapped error. */
  async call(spec: CallSpec): Promise<Answer> {
    for (const secret of spec.secrets ?? []) this.addSecret(secret);
    const { method } = spec.route;
    const path = buildPath(spec.route, spec.params, spec.query);
    const ctx: FailureContext = { url: this.shownUrl, method, path, scrub: this.scrub };
    // A form (environment registration) goes as multipart: fetch writes its Content-Type with the boundary.
    const form = spec.body instanceof FormData;
    const headers = this.headersFor(spec.auth, spec.body !== undefined && !form);
    const body = spec.body === undefined ? undefined : spec.body instanceof FormData ? spec.body : JSON.stringify(spec.body);
    const timeoutMs = spec.timeout === 'read' ? this.readTimeoutMs : this.deployTimeoutMs;
    const policy = spec.retry ?? defaultPolicy(method);

    for (let attempt = 0; ; attempt++) {
      const started = Date.now();
      const label = () => `${method} ${path}`;
      const took = () => `(${Date.now() - started} ms)`;
      const budgetLeft = attempt < MAX_RETRIES;
      let response: Response;
      let text: string;
      try {
        response = await fetch(this.base + path, {
          method,
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
          // @types/node bundles its own undici-types; the runtime accepts undici 7's Agent.
          ...(this.agent ? { dispatcher: this.agent as unknown as RequestInit['dispatcher'] } : {}),
        } as RequestInit);
        text = await response.text();
        // fetch's own pool frees a connection for reuse only on a later turn of the event loop
        // than the one that delivers the body's end: the next request of a worker, sent at once,
        // would open another connection (measured 14-16 for 8 in flight; over TLS, a handshake
        // each). Waiting one turn keeps one connection per request in flight.
        await nextTurn();
      } catch (error) {
        if (isTimeout(error)) {
          this.log(`${label()} -> timeout ${took()}`);
          throw timeoutError(ctx, timeoutMs, error, spec.timeout);
        }
        const code = networkCode(error) ?? 'network error';
        const failure = { code: networkCode(error), retryable: isRetryableNetworkError(error) };
        const allowed = mayRetry(policy, failure);
        if (budgetLeft && allowed) {
          const delay = this.backoff(attempt);
          this.log(`${label()} -> ${code} ${took()}, retry ${attempt + 1}/${MAX_RETRIES} in ${delay} ms`);
          await this.sleep(delay);
          continue;
        }
        this.log(`${label()} -> ${code} ${took()}${failure.retryable && !allowed ? withheld(policy) : ''}`);
        throw networkError(ctx, error);
      }

      const { status } = response;
      if (budgetLeft && mayRetry(policy, { status })) {
        const delay = (status === 429 ? this.retryAfter(response.headers.get('retry-after')) : undefined) ?? this.backoff(attempt);
        this.log(`${label()} -> ${status} ${took()}, retry ${attempt + 1}/${MAX_RETRIES} in ${delay} ms`);
        await this.sleep(delay);
        continue;
      }
      this.log(`${label()} -> ${status} ${took()}${RETRY_STATUSES.has(status) && !mayRetry(policy, { status }) ? withheld(policy) : ''}`);
      if (status >= 200 && status < 300) return { status, text, ctx };
      if (status >= 300 && status < 400) throw redirected(ctx, status, response.headers.get('location'));
      throw apiError(ctx, status, text, spec.hints?.[status] ?? (status === 401 && spec.auth.kind === 'apiKey' ? this.options.authHint : undefined));
    }
  }

  /** Parses an answer as JSON and through a schema; anything else means "not Portainer". */
  parse<S extends z.ZodType>(answer: Answer, schema: S): z.output<S> {
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw badAnswer(answer.ctx, 'answered with something that is not JSON', answer.text);
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw badAnswer(answer.ctx, `answered with an unexpected shape (${issue?.message ?? 'invalid'}${where})`, answer.text);
    }
    return result.data;
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }
}

/**
 * A private CA or --insecure changes how TLS connects, which the global fetch takes only
 * through an undici Agent. Without either, fetch's own pool serves the requests (the callers
 * bound how many are in flight: --concurrency per VM), and the undici package is not loaded at
 * all: requiring it cost about 100-170 ms of start-up per run and a second copy of the HTTP
 * stack in memory (docs/performance.md#throughput-round-3).
 */
function tlsAgent(options: ClientOptions): Agent {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on this path only
  const { Agent: UndiciAgent } = require('undici') as typeof import('undici');
  const connect: { ca?: string | Buffer; rejectUnauthorized?: boolean } = {};
  if (options.ca !== undefined) connect.ca = options.ca;
  if (options.insecure) connect.rejectUnauthorized = false;
  return new UndiciAgent({ connections: options.connections ?? 8, connect });
}
