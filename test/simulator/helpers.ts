import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/src';

export const KEY = 'ptr_simulatortoken';
export const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';

// Answers are arbitrary JSON; the tests assert on them field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Json;
}

export interface CallOptions {
  body?: unknown;
  /** X-API-Key value; null sends none. Default: the seeded key. */
  key?: string | null;
  headers?: Record<string, string>;
}

export async function call(sim: Simulator, method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? KEY : opts.key;
  if (key !== null) headers['X-API-Key'] = key;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: Json = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Starts simulators and stops them all after each test. */
export function simulators(): (options?: SimulatorOptions) => Promise<Simulator> {
  const running: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  return async (options) => {
    const sim = await startSimulator(options);
    running.push(sim);
    return sim;
  };
}

export function createCompose(sim: Simulator, name: string, extra: Record<string, unknown> = {}, endpointId = 1): Promise<Answer> {
  return call(sim, 'POST', `/api/stacks/create/standalone/string?endpointId=${endpointId}`, {
    body: { Name: name, StackFileContent: COMPOSE, ...extra },
  });
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
