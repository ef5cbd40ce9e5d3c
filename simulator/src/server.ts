import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { RateLimiter, type Ctx, type SimRuntime } from './context';
import { FaultInjector } from './faults';
import { isRecord, readBody, type Reply, sleep } from './http-util';
import { dispatch } from './router';
import { SimState } from './state';
import { generateTlsMaterial } from './tls';
import type { RequestLogEntry, Simulator, SimulatorOptions } from './types';

const REDACTED = '<redacted>';
const RESTART_MS = 25;

function logHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  if (out['x-api-key'] !== undefined) out['x-api-key'] = REDACTED;
  if (out.authorization !== undefined) out.authorization = out.authorization.replace(/^(\S+\s+)?.*$/, `$1${REDACTED}`);
  if (out.cookie !== undefined) out.cookie = out.cookie.replace(/(portainer_api_key=)[^;]*/g, `$1${REDACTED}`);
  return out;
}

function logQuery(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) out[k] = ['x-api-key', 'token'].includes(k.toLowerCase()) ? REDACTED : v;
  return out;
}

function logBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!isRecord(parsed)) return parsed;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, /password/i.test(k) ? REDACTED : v]));
  } catch {
    return raw;
  }
}

function injected(status: number): Reply {
  const headers: Record<string, string> = status === 429 ? { 'Retry-After': '1' } : {};
  return { status, headers, body: { message: `Injected fault: HTTP ${status}`, details: 'simulator fault injection' } };
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.text !== undefined) {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    payload = reply.text;
  } else if (reply.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(reply.body);
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const rt: SimRuntime = {
    state: new SimState(options),
    faults: new FaultInjector(options.faults),
    rateLimiter: new RateLimiter(),
    timers: new Set(),
  };
  const requests: RequestLogEntry[] = [];

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: logQuery(url.searchParams),
      status: 0,
      headers: logHeaders(req),
      at: Date.now(),
      outcome: 'answered',
    };
    requests.push(entry);
    const rawBody = await readBody(req);
    entry.body = logBody(rawBody);
    const decision = rt.faults.decide();
    await sleep(decision.latencyMs);
    if (decision.resetBefore) {
      entry.outcome = 'reset-before';
      req.socket.destroy();
      return;
    }
    const ctx: Ctx = { req, method: entry.method, path: url.pathname, query: url.searchParams, rawBody, rt };
    // An injected error never reaches a handler, so it cannot change state.
    const reply = decision.errorStatus !== undefined ? injected(decision.errorStatus) : await dispatch(ctx);
    entry.status = reply.status;
    if (decision.resetAfter || req.socket.destroyed) {
      // The work is done (state may have changed) but the answer is lost.
      entry.outcome = 'reset-after';
      req.socket.destroy();
      return;
    }
    send(res, reply);
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    onRequest(req, res).catch((e: unknown) => {
      if (!res.headersSent && !req.socket.destroyed) send(res, { status: 500, body: { message: 'Simulator internal error', details: String(e) } });
    });
  };

  let caCertPem: string | undefined;
  let server: Server;
  if (options.tls) {
    const material = generateTlsMaterial();
    caCertPem = material.caCertPem;
    server = createHttpsServer({ key: material.keyPem, cert: material.certPem }, handler);
  } else {
    server = createHttpServer(handler);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('simulator: server has no TCP address');
  const port = address.port;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    caCertPem,
    requests,
    stacks: () => [...rt.state.stacks.values()].sort((a, b) => a.id - b.id).map((s) => rt.state.view(s)),
    setFaults: (f) => rt.faults.set(f),
    writes: () => requests.filter((r) => ['POST', 'PUT', 'DELETE', 'PATCH'].includes(r.method)),
    containers: (endpointId) => rt.state.docker.containerViews(endpointId),
    services: (endpointId) => rt.state.docker.serviceViews(endpointId),
    volumes: (endpointId) => rt.state.docker.volumes.filter((v) => endpointId === undefined || v.endpointId === endpointId).map((v) => ({ ...v })),
    containerRemovals: () => rt.state.docker.compose.removals.map((r) => ({ ...r })),
    deployments: () => rt.state.docker.deployments.map((d) => ({ ...d })),
    setServiceFault: (f) => rt.state.docker.fault(f),
    addOrphan: (o) => rt.state.docker.orphan(o, rt.state.endpoint(o.endpointId)?.swarm ?? false),
    restart: async () => {
      // What survives a Portainer restart is what is in its DB (stacks, API
      // keys); the JWT secret and the rate limiter live in memory (docs/portainer-api.md#jwt-login).
      server.closeAllConnections();
      rt.state.jwtSecret = randomBytes(32);
      rt.rateLimiter = new RateLimiter();
      // Let clients see their sockets close before "Portainer is back", so a
      // kept-alive connection is not reused by the next request (a race).
      await sleep(RESTART_MS);
    },
    stop: async () => {
      for (const t of rt.timers) clearTimeout(t);
      rt.timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
