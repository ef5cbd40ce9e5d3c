/** Shared fixtures for the Portainer client's nock tests (not a test file itself). */
import nock from 'nock';
import { isPhoenixError } from '../../src/errors';
import { PortainerClient } from '../../src/portainer';
import type { ClientOptions } from '../../src/portainer';

export const BASE = 'https://portainer.test:9443';
/** Distinctive, so any leak into a log line or an error is found by a plain substring search. */
export const TOKEN = 'ptr_LEAKCHECK-7f3a9c-SECRET-TOKEN';

export interface Harness {
  client: PortainerClient;
  logs: string[];
  delays: number[];
}

export function harness(extra: Partial<ClientOptions> = {}): Harness {
  const logs: string[] = [];
  const delays: number[] = [];
  const client = new PortainerClient({
    url: `${BASE}/`,
    apiKey: TOKEN,
    log: (line) => logs.push(line),
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0,
    ...extra,
  });
  return { client, logs, delays };
}

/** A scope for API-key routes: X-API-Key must be sent; Authorization and cookies never. */
export function api(): nock.Scope {
  return nock(BASE, {
    reqheaders: { 'x-api-key': TOKEN, accept: 'application/json' },
    badheaders: ['authorization', 'cookie'],
  });
}

/** A scope for public routes: no credential at all. */
export function publicApi(): nock.Scope {
  return nock(BASE, { badheaders: ['x-api-key', 'authorization', 'cookie'] });
}

/** A scope for the JWT routes: Bearer only, never together with X-API-Key (2.20+ answers 403). */
export function bearerApi(jwt: string): nock.Scope {
  return nock(BASE, { reqheaders: { authorization: `Bearer ${jwt}` }, badheaders: ['x-api-key', 'cookie'] });
}

/** A Stack as the live API serialises it (docs/portainer-api.md#stack-object), with fields we do not read. */
export function stackBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Id: 7,
    Name: 'web',
    Type: 2,
    EndpointId: 3,
    SwarmId: '',
    EntryPoint: 'docker-compose.yml',
    Env: [{ name: 'TAG', value: '1.2' }],
    ResourceControl: { Id: 9, ResourceId: '3_web' },
    Status: 1,
    ProjectPath: '/data/compose/7',
    CreationDate: 1700000000,
    GitConfig: null,
    AutoUpdate: null,
    ...overrides,
  };
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Asserts the token is in no log line and nowhere in the error's message or JSON form. */
export function expectNoToken(logs: string[], error?: unknown, secret = TOKEN): void {
  for (const line of logs) expect(line).not.toContain(secret);
  if (error instanceof Error) expect(error.message).not.toContain(secret);
  if (isPhoenixError(error)) {
    expect(JSON.stringify(error.toJSON())).not.toContain(secret);
    expect(error.hint ?? '').not.toContain(secret);
  }
}

// nock patches node:http, and jest shares core modules between the test files of one worker:
// when this file's tests end, give http back, or a later file's own http.request (the proxy in
// front of the simulator in test/cli/read-failures.test.ts) is refused as a "net connect".
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

/**
 * One fresh client per test, its debug lines checked for the token and the client closed after
 * it, with the network off: the setup every client test file shares. The returned object's
 * fields are replaced before each test.
 */
export function useHarness(extra: Partial<ClientOptions> = {}): Harness {
  nock.disableNetConnect();
  const h = harness(extra);
  const unused = h.client;
  beforeEach(async () => {
    Object.assign(h, harness(extra));
  });
  afterEach(async () => {
    expectNoToken(h.logs);
    // An interceptor a test declared but the client never called fails the test: a route the
    // client no longer sends, or sends differently, would otherwise pass unnoticed.
    const pending = nock.pendingMocks();
    nock.cleanAll();
    await h.client.close();
    expect({ pendingNockInterceptors: pending }).toEqual({ pendingNockInterceptors: [] });
  });
  afterAll(() => unused.close());
  return h;
}
