import { AuthError } from '../errors';
import { loadDotEnv } from '../secrets/dotenv';
import { reportError } from './error-output';

/**
 * bin/run.js's first step: load `./.env`, or print why it is refused (text, or the JSON envelope
 * with --json) and exit 77 before any command runs.
 */
export function loadDotEnvOrExit(argv: readonly string[]): void {
  try {
    loadDotEnv();
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    reportError(error, { json: argv.includes('--json'), command: null });
    process.exit(error.exitCode);
  }
}
