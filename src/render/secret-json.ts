import { z } from 'zod';

// The builders copy field by field: a field added to the use case's object reaches --json only
// once it is in the schema.
const stored = z.object({ store: z.enum(['keyring', 'file']), where: z.string() });

/** `secret set --json`: where the value went (never the value). */
export const secretSetResult = stored.extend({ name: z.string() });
export type SecretSetResult = z.infer<typeof secretSetResult>;

/** `secret list --json`: names and places, never a value. */
export const secretListResult = z.object({
  secretsDir: z.string(),
  secrets: z.array(z.object({ name: z.string(), stores: z.array(z.enum(['keyring', 'file'])), problem: z.string().optional().describe('why phoenix would refuse the file') })),
});
export type SecretListResult = z.infer<typeof secretListResult>;

/** `secret delete --json`: what was removed (empty when nothing was stored). */
export const secretDeleteResult = z.object({ name: z.string(), removed: z.array(stored) });
export type SecretDeleteResult = z.infer<typeof secretDeleteResult>;

export function secretSetToJson(s: SecretSetResult): SecretSetResult {
  return { name: s.name, store: s.store, where: s.where };
}

export function secretListToJson(s: SecretListResult): SecretListResult {
  return { secretsDir: s.secretsDir, secrets: s.secrets.map((x) => ({ name: x.name, stores: [...x.stores], ...(x.problem === undefined ? {} : { problem: x.problem }) })) };
}

export function secretDeleteToJson(s: SecretDeleteResult): SecretDeleteResult {
  return { name: s.name, removed: s.removed.map((r) => ({ store: r.store, where: r.where })) };
}
