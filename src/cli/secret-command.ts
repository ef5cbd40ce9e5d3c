import { Flags } from '@oclif/core';
import type { Command } from '@oclif/core';

import type { TokenRequest } from '../app/token';
import { BaseCommand } from './base-command';
import { UsageError } from '../errors';
import { connectionFlags } from './flags';
import type { StoreChoice } from '../secrets';

/** Flags of the token commands: where Portainer is (no deploy knobs). */
export const tokenFlags = { url: connectionFlags.url, 'ca-file': connectionFlags['ca-file'], insecure: connectionFlags.insecure };

const STORES: readonly StoreChoice[] = ['auto', 'keyring', 'file'];

export const storeFlag = Flags.option({
  options: STORES,
  default: 'auto' as StoreChoice,
  summary: 'Where to store: the OS keyring when usable (auto), or explicitly keyring or file.',
})();

/** For delete: both stores unless one is named. */
export const deleteStoreFlag = Flags.option({
  options: STORES,
  default: 'auto' as StoreChoice,
  summary: 'Where to remove from: both the OS keyring and the file (auto), or only one of them.',
})();

export const verifyFlag = Flags.boolean({ default: true, allowNo: true, summary: 'Check the token against Portainer (--no-verify skips the request).' });

/**
 * The token and secret commands: every value they read or learn is registered with the base
 * command's redaction at once, and a value typed as an argument is refused without an echo.
 */
export abstract class SecretCommand<T extends typeof Command> extends BaseCommand<T> {
  protected warnLine = (line: string): void => this.note(`Warning: ${line}`);

  protected tokenRequest(): TokenRequest {
    const flags = this.flags as { url?: string; 'ca-file'?: string; insecure?: boolean; config?: string };
    return {
      config: flags.config,
      url: flags.url,
      caFile: flags['ca-file'],
      insecure: flags.insecure ?? false,
      env: process.env,
      log: this.debugLog(),
      warn: this.warnLine,
      redact: (value) => this.secrets.push(value),
    };
  }

  /** ps and the shell history have seen an argument: refuse it, never print it. */
  protected refuseArgvSecret(value: string | undefined, what: string, command: string): void {
    if (value === undefined) return;
    this.secrets.push(value);
    throw new UsageError(`${what} is not accepted as an argument: ps and the shell history can read the command line`, {
      code: 'SECRET_IN_ARGV',
      hint: `Pipe it on stdin (printf '%s' "$VALUE" | ${command}), or run ${command} on a terminal to be prompted. Consider the value exposed.`,
    });
  }
}
