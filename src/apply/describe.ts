import { PhoenixError } from '../errors';

/** An error as an action's result carries it: phoenix's own code, else INTERNAL, and its message. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof PhoenixError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
