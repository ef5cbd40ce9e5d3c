import { z } from 'zod';

import { ERROR_CODES, EXIT_CODE_TABLE } from '../errors';
import { JSON_SCHEMA_VERSION } from './error-output';

/**
 * The `--json` contract, as zod schemas: one envelope for every command, its `result` typed per
 * command (each command's `static result`), and one error body. `npm run schemas` publishes them
 * as JSON Schema in schemas/ (a test holds the shipped files to this code); README.md#json-output
 * says how they are versioned.
 */

export { JSON_SCHEMA_VERSION };

const exitCodes = EXIT_CODE_TABLE.map(([code]) => code);
const exitCode = z.literal(exitCodes as [number, ...number[]]).describe('the process exit code (README.md#exit-codes)');

/** The `error` of an envelope: what PhoenixError.toJSON (or a bug, as INTERNAL) writes. */
export const errorBodySchema = z
  .object({
    code: z.enum(ERROR_CODES).describe('stable: scripts may match on it; INTERNAL is a bug in phoenix'),
    exitCode,
    message: z.string(),
    hint: z.string().optional().describe('what to do next'),
    details: z.array(z.string()).optional().describe('one line per problem (every config problem, for example)'),
    http: z
      .object({
        method: z.string(),
        path: z.string(),
        status: z.number().int(),
        message: z.string().optional().describe("Portainer's own message"),
        details: z.string().optional().describe("Portainer's own details"),
      })
      .optional()
      .describe('the HTTP answer, when Portainer refused a request'),
  })
  .describe('why the command failed');

/** What a failed command prints on stdout in --json mode (the same for every command). */
export function errorEnvelopeSchema(command: z.ZodType<string> = z.string()) {
  return z
    .object({
      schemaVersion: z.literal(JSON_SCHEMA_VERSION),
      ok: z.literal(false),
      exitCode,
      command,
      error: errorBodySchema,
    })
    .describe('a command that failed before it had a result');
}

/**
 * Every document `phoenix <command> --json` prints: a result (with an error beside it when the
 * run has one to report, e.g. token status with a refused token), or an error alone.
 */
export function envelopeSchema(id: string, result: z.ZodType) {
  const command = z.literal(id).describe('the command id (words joined by ":")');
  const success = z
    .object({
      schemaVersion: z.literal(JSON_SCHEMA_VERSION),
      ok: z.boolean().describe('true for exit code 0 or 2 (changes, with --detailed-exitcode)'),
      exitCode,
      command,
      result,
      error: errorBodySchema.optional(),
    })
    .describe('a command that ran to its end');
  return z.union([success, errorEnvelopeSchema(command)]);
}

/** Where the JSON Schema of a command's `--json` output is shipped: schemas/portainer-token-set.json. */
export function schemaFileName(id: string): string {
  return `${id.split(':').join('-')}.json`;
}

/** The JSON Schema document of `phoenix <id> --json`, as shipped in schemas/. */
export function commandJsonSchema(id: string, result: z.ZodType): Record<string, unknown> {
  return { ...z.toJSONSchema(envelopeSchema(id, result), { io: 'output' }), title: `phoenix ${id.split(':').join(' ')} --json` };
}

/** schemas/error.json: the error envelope, the same for every command. */
export function errorJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(errorEnvelopeSchema(), { io: 'output' }), title: 'phoenix <command> --json, when the command fails' };
}
