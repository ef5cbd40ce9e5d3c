import type { IncomingMessage } from 'node:http';

/** A handler answer. `text` is sent as text/plain, `body` as JSON, neither as an empty body. */
export interface Reply {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** Portainer's libhttp error: `{message, details}` as JSON (docs/portainer-api.md#error-bodies). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: string = message,
  ) {
    super(message);
  }

  toReply(): Reply {
    return { status: this.status, body: { message: this.message, details: this.details } };
  }
}

export const badPayload = (details: string): HttpError => new HttpError(400, 'Invalid request payload', details);

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Go's encoding/json matches object keys to struct fields case-insensitively,
 * preferring an exact match (docs/portainer-api.md#request-casing). Unknown keys are ignored.
 */
export function field(obj: Record<string, unknown>, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

/** Decodes the JSON body into an object, as json.NewDecoder(r.Body).Decode would. */
export function jsonObject(raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw badPayload(e instanceof Error ? e.message : 'invalid JSON');
  }
  if (!isRecord(parsed)) throw badPayload('json: cannot unmarshal into Go value of type payload');
  return parsed;
}

export function optString(obj: Record<string, unknown>, name: string): string | undefined {
  const v = field(obj, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badPayload(`json: cannot unmarshal into Go struct field .${name} of type string`);
  return v;
}

export function optBool(obj: Record<string, unknown>, name: string): boolean | undefined {
  const v = field(obj, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badPayload(`json: cannot unmarshal into Go struct field .${name} of type bool`);
  return v;
}

export interface Pair {
  name: string;
  value: string;
}

/** `Env: [{name, value}]`; the pair keys are matched case-insensitively too. */
export function optEnv(obj: Record<string, unknown>, name = 'Env'): Pair[] | undefined {
  const v = field(obj, name);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw badPayload(`json: cannot unmarshal into Go struct field .${name} of type []portainer.Pair`);
  return v.map((p) => {
    if (!isRecord(p)) throw badPayload('json: cannot unmarshal into Go value of type portainer.Pair');
    return { name: optString(p, 'name') ?? '', value: optString(p, 'value') ?? '' };
  });
}

/**
 * An integer query parameter, read with the exact (case-sensitive) name as
 * r.FormValue does (docs/portainer-api.md#request-casing): `endpointid=1` is not `endpointId`.
 */
export function queryInt(query: URLSearchParams, name: string, required: boolean): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    if (required) throw new HttpError(400, `Invalid query parameter: ${name}`, 'Missing query parameter');
    return undefined;
  }
  if (!/^-?\d+$/.test(raw)) throw new HttpError(400, `Invalid query parameter: ${name}`, 'Unable to parse query parameter');
  return Number(raw);
}

export function routeId(raw: string, what: string): number {
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `Invalid ${what} identifier route variable`, 'Unable to parse route variable');
  return Number(raw);
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
