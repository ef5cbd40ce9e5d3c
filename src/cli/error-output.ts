import { CancelledError } from '../errors';
import type { PhoenixError } from '../errors';

/**
 * How an error reaches the operator, in text and in `--json`: the base command, the did-you-mean
 * hook and the `.env` check before any command runs all print through here. No zod and no oclif
 * here, because bin/run.js loads it on every start.
 */

/** The version of the `--json` envelope; bump it on an incompatible change of its shape. */
export const JSON_SCHEMA_VERSION = 2;

/** The `--json` document of a failed run: the one envelope, without a result. */
export function errorEnvelope(command: string | null | undefined, exitCode: number, error: Record<string, unknown>): Record<string, unknown> {
  return { schemaVersion: JSON_SCHEMA_VERSION, ok: false, exitCode, command, error };
}

/** One clear paragraph, no stack trace: message, details, then what to do next. */
export function formatError(error: PhoenixError): string {
  if (error instanceof CancelledError) return error.message;
  const lines = [`Error: ${error.message}`];
  for (const detail of error.details) lines.push(`  ${detail}`);
  if (error.hint)
    lines.push(
      error.hint
        .split('\n')
        .map((line, i) => (i === 0 ? `Hint: ${line}` : `  ${line}`))
        .join('\n'),
    );
  return lines.join('\n');
}

/**
 * An error that stops phoenix outside a command's own error handling (before a command runs, or
 * for a command that does not exist): the JSON envelope on stdout with `--json`, else the
 * paragraph on stderr. `extra` joins the error body (the did-you-mean's suggestion).
 */
export function reportError(error: PhoenixError, options: { json: boolean; command: string | null; extra?: Record<string, unknown> }): void {
  if (options.json) process.stdout.write(`${JSON.stringify(errorEnvelope(options.command, error.exitCode, { ...error.toJSON(), ...options.extra }), null, 2)}\n`);
  else process.stderr.write(`${formatError(error)}\n`);
}
