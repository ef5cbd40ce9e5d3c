import { z } from 'zod';

import type { PromotionPlan } from '../config';
import { promotionToJson } from './promotion';

/** A config env value: a literal, or a reference to a stored secret (never its value). */
const envValue = z.union([z.string(), z.object({ secret: z.string() })]);

/** `portainer promote --json`: what promotion changes, whether it was written, and the converge that followed. */
export const promoteResult = z.object({
  from: z.string(),
  to: z.string(),
  stacks: z.array(z.string()),
  sourceCheck: z.enum(['matched', 'forced', 'not-needed']).describe("whether the source environment's live stacks were checked against its config"),
  changes: z.array(
    z.object({
      stack: z.string(),
      setting: z.enum(['env', 'compose_file', 'compose']),
      key: z.string().optional().describe('the env key, for setting env'),
      path: z.array(z.union([z.string(), z.number().int()])).describe('where in the config file'),
      action: z.enum(['changed', 'added', 'removed']),
      before: envValue.nullable(),
      after: envValue.nullable(),
    }),
  ),
  diff: z.string().describe('the unified diff of the config file; empty when nothing changes'),
  written: z.boolean(),
  converge: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('with --converge: the converge of the target environment, as `portainer converge --json` reports its result (schemas/portainer-converge.json); else null'),
});
export type PromoteResult = z.infer<typeof promoteResult>;

export function promoteToJson(prepared: { plan: PromotionPlan; diff: string; sourceCheck: PromoteResult['sourceCheck'] }, written: boolean, converge: Record<string, unknown> | null): PromoteResult {
  return { ...promotionToJson(prepared.plan, prepared.diff, prepared.sourceCheck), written, converge };
}
