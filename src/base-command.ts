import { Command, Flags } from '@oclif/core';
import type { Interfaces } from '@oclif/core';

import { findConfigPath } from './config';
import { EXIT_CODE_TABLE, ExitCode, PhoenixError, UsageError } from './errors';
import { deployTimeout, readTimeout } from './portainer-flags';
import type { ExitCodeValue } from './errors';
import { colourWanted, painter } from './render';
import type { Paint } from './render';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

/** The exit-code table of SPEC section 4, for every command's --help. */
export const EXIT_CODES_HELP = EXIT_CODE_TABLE.map(([code, meaning]) => `${String(code).padStart(3)}  ${meaning}`).join('\n');

/** The version of the `--json` envelope; bump it on an incompatible change of its shape. */
export const JSON_SCHEMA_VERSION = 1;

/**
 * Shared flags, the one JSON envelope for every command, and the one place where an error
 * becomes an exit code, in text and JSON mode alike (STACK-NOTES.md: oclif's own catch would
 * take `err.exitCode` or 1, and default CLIErrors to 2, which collides with --detailed-exitcode).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    config: Flags.string({ char: 'c', env: 'PHOENIX_CONFIG', summary: 'Config file (default ./phoenix_vm_configs.json, else /usr/local/phoenix_hypervisor/etc/phoenix_vm_configs.json).', helpGroup: 'GLOBAL' }),
    verbose: Flags.boolean({ summary: 'Show each HTTP request: method, path, status and time (never the token).', helpGroup: 'GLOBAL' }),
    debug: Flags.boolean({ summary: 'Like --verbose, plus retries and internal steps.', helpGroup: 'GLOBAL' }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;
  /** The exit code of a run that returned normally (2 for changes, 1 for a failed apply...). */
  protected exitCode: ExitCodeValue = ExitCode.OK;
  /** An error to report alongside a result (a conflict after the plan was shown). */
  protected failure?: PhoenixError;
  /** Values that must never reach stdout or stderr (the API token, secret values). */
  protected readonly secrets: string[] = [];
  protected paint: Paint = painter(false);

  public override async init(): Promise<void> {
    await super.init();
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
    this.paint = painter(!this.jsonEnabled() && colourWanted(process.stdout));
  }

  /** Write a result line to stdout (never in JSON mode). */
  protected out(text: string): void {
    if (!this.jsonEnabled()) process.stdout.write(`${this.redact(text)}\n`);
  }

  /** Progress, warnings and prompts go to stderr, in JSON mode too (stdout holds only the JSON). */
  protected note(text: string): void {
    process.stderr.write(`${this.redact(text)}\n`);
  }

  protected debugLog(): ((line: string) => void) | undefined {
    const flags = this.flags as { verbose?: boolean; debug?: boolean };
    return flags.verbose || flags.debug ? (line) => this.note(`[http] ${line}`) : undefined;
  }

  /** The request fields of every use case that talks to Portainer, from the shared flags. */
  protected portainerRequest(flags: { config?: string; url?: string; 'ca-file'?: string; insecure: boolean; concurrency: number; timeout: string; 'read-timeout'?: string }) {
    return {
      configPath: findConfigPath(flags.config),
      url: flags.url,
      caFile: flags['ca-file'],
      insecure: flags.insecure,
      concurrency: flags.concurrency,
      deployTimeoutMs: deployTimeout(flags),
      readTimeoutMs: readTimeout(flags),
      env: process.env,
      log: this.debugLog(),
      warn: (line: string) => this.note(`Warning: ${line}`),
    };
  }

  /** Run writes so that Ctrl-C stops new ones while those in flight finish (exit 130 is the caller's). */
  protected async interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<{ result: T; interrupted: boolean }> {
    const controller = new AbortController();
    const onSignal = () => {
      this.note('Interrupted: no new writes start; waiting for the ones in flight...');
      controller.abort();
    };
    process.once('SIGINT', onSignal);
    try {
      return { result: await work(controller.signal), interrupted: controller.signal.aborted };
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
  }

  protected redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) if (secret.length >= 4) result = result.split(secret).join('<redacted>');
    return result;
  }

  protected override logJson(json: unknown): void {
    process.stdout.write(`${this.redact(JSON.stringify(json, null, 2))}\n`);
  }

  /** The exit code of a run that returned: a reported failure wins over the result's own code. */
  private get finalExitCode(): ExitCodeValue {
    return this.failure?.exitCode ?? this.exitCode;
  }

  protected override toSuccessJson(result: unknown): unknown {
    const exitCode = this.finalExitCode;
    return {
      schemaVersion: JSON_SCHEMA_VERSION,
      ok: exitCode === ExitCode.OK || exitCode === ExitCode.CHANGES,
      exitCode,
      command: this.id,
      result,
      ...(this.failure ? { error: this.failure.toJSON() } : {}),
    };
  }

  public override async catch(error: Error & { oclif?: { exit?: number } }): Promise<void> {
    const known = toPhoenixError(error);
    process.exitCode = known?.exitCode ?? ExitCode.APPLY_FAILED;
    if (this.jsonEnabled()) {
      const body = known ? known.toJSON() : { code: 'INTERNAL', exitCode: 1, message: error.message };
      this.logJson({ schemaVersion: JSON_SCHEMA_VERSION, ok: false, exitCode: process.exitCode, command: this.id, error: body });
      return;
    }
    if (known) {
      this.note(formatError(known));
      return;
    }
    // A bug, not a user error: print the stack so it can be reported.
    this.note(`phoenix: internal error: ${error.stack ?? error.message}\nPlease report this with the command you ran (--debug helps).`);
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    if (error === undefined) {
      if (this.failure && !this.jsonEnabled()) this.note(formatError(this.failure));
      process.exitCode = this.finalExitCode;
    }
    await super.finally(error);
  }
}

/** Our errors as they are; oclif's parse errors as usage errors (exit 64). */
function toPhoenixError(error: Error & { oclif?: { exit?: number } }): PhoenixError | undefined {
  if (error instanceof PhoenixError) return error;
  if (error.oclif?.exit !== undefined) {
    // oclif's parse errors put a heading first ("The following error occurred:", "Parsing --x")
    // and the reason on the next lines: make the reason the message, as one line.
    const lines = error.message
      .split('\n')
      .map((line) => line.trim().replace(/^Error: /, ''))
      .filter((line) => line !== '' && !/^See more help with --help$/.test(line));
    const heading = /^The following errors? occurred:$/.test(lines[0] ?? '');
    const parsing = /^Parsing --\S+$/.test(lines[0] ?? '');
    const message = heading ? lines.slice(1).join('; ') : parsing ? `${lines[0]}: ${lines.slice(1).join('; ')}` : lines.join('; ');
    return new UsageError(message || error.message, { hint: 'See --help for the command’s arguments and flags.' });
  }
  return undefined;
}

/** One clear paragraph, no stack trace: message, details, then what to do next. */
export function formatError(error: PhoenixError): string {
  const lines = [`Error: ${error.message}`];
  for (const detail of error.details) lines.push(`  ${detail}`);
  if (error.hint) lines.push(error.hint.split('\n').map((line, i) => (i === 0 ? `Hint: ${line}` : `  ${line}`)).join('\n'));
  return lines.join('\n');
}
