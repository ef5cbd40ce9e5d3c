import { z } from 'zod';

const stored = { store: z.enum(['keyring', 'file']), where: z.string().describe('the keyring entry or the file') };
const prefix = z.string().describe("the token's first characters, never the token");

/** `portainer token set --json`. */
export const tokenSetResult = z.object({
  url: z.string(),
  ...stored,
  prefix,
  verified: z.boolean().describe('false with --no-verify'),
  portainerVersion: z.string().optional(),
});
export type TokenSetResult = z.infer<typeof tokenSetResult>;

/** `portainer token create --json`: what token set reports, plus whose token it is. */
export const tokenCreateResult = tokenSetResult.extend({ username: z.string(), userId: z.number().int(), description: z.string() });
export type TokenCreateResult = z.infer<typeof tokenCreateResult>;

/** `portainer token status --json` (a refused token adds the error beside the result, exit 77). */
export const tokenStatusResult = z.object({
  url: z.string(),
  source: z.enum(['env', 'keyring', 'file', 'input']),
  where: z.string(),
  prefix,
  check: z.enum(['accepted', 'refused', 'skipped']),
  portainerVersion: z.string().optional(),
  environments: z.number().int().optional().describe('how many Portainer environments the token sees'),
});
export type TokenStatusResult = z.infer<typeof tokenStatusResult>;

/** `portainer token delete --json`. */
export const tokenDeleteResult = z.object({
  url: z.string().optional(),
  removed: z.array(z.object(stored)),
  kept: z.string().optional().describe('a store that still holds a token and why it was kept'),
});
export type TokenDeleteResult = z.infer<typeof tokenDeleteResult>;

// The builders copy field by field: a field added to the use case's object reaches --json only
// once it is in the schema above.
const storedToJson = (s: { store: 'keyring' | 'file'; where: string }) => ({ store: s.store, where: s.where });

export function tokenSetToJson(t: TokenSetResult): TokenSetResult {
  return { url: t.url, ...storedToJson(t), prefix: t.prefix, verified: t.verified, ...(t.portainerVersion === undefined ? {} : { portainerVersion: t.portainerVersion }) };
}

export function tokenCreateToJson(t: TokenCreateResult): TokenCreateResult {
  return { ...tokenSetToJson(t), username: t.username, userId: t.userId, description: t.description };
}

export function tokenStatusToJson(t: TokenStatusResult): TokenStatusResult {
  return {
    url: t.url,
    source: t.source,
    where: t.where,
    prefix: t.prefix,
    check: t.check,
    ...(t.portainerVersion === undefined ? {} : { portainerVersion: t.portainerVersion }),
    ...(t.environments === undefined ? {} : { environments: t.environments }),
  };
}

export function tokenDeleteToJson(t: TokenDeleteResult): TokenDeleteResult {
  return { ...(t.url === undefined ? {} : { url: t.url }), removed: t.removed.map(storedToJson), ...(t.kept === undefined ? {} : { kept: t.kept }) };
}
