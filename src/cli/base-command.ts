import { Command, Flags } from '@oclif/core';
import type { Interfaces } from '@oclif/core';
import type { ZodType } from 'zod';

import { findConfigPath } from '../config';
import { releaseAllVmLocks } from '../app/lock';
import { VMID_VERBS } from './argv';
import { ExitCode, PhoenixError, signalExitCode, UsageError } from '../errors';
import { deployTimeout, readTimeout } from './flags';
import type { ErrorCode, ExitCodeValue } from '../errors';
import { colourWanted, painter } from '../render';
import { Redactor } from '../secrets/redactor';
import type { Paint } from '../render';
import type { CommandHost } from './run-io';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

import { errorEnvelope, formatError, JSON_SCHEMA_VERSION } from './error-output';

/**
 * Shared flags, the one JSON envelope for every command, and the one place where an error
 * becomes an exit code, in text and JSON mode alike (oclif/core 4.14 `Command.catch`,
 * `src/command.ts`, sets `process.exitCode` from `err.exitCode ?? 1` and defaults CLIErrors to 2,
 * which collides with --detailed-exitcode).
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  /**
   * The zod schema of what `run()` returns, the `result` of the `--json` envelope: each command
   * declares one and types `run()` by it (`Promise<z.infer<typeof schema>>`). `npm run schemas`
   * publishes it as schemas/<command-id>.json; a test fails for a --json command without one.
   */
  static result?: ZodType;

  static override baseFlags = {
    config: Flags.string({
      char: 'c',
      env: 'PHOENIX_CONFIG',
      summary: 'Config file (default ./phoenix_vm_configs.json, else /usr/local/phoenix_hypervisor/etc/phoenix_vm_configs.json).',
      helpGroup: 'GLOBAL',
    }),
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
  /** Set while writes run (see interruptible): a first signal then stops new writes instead of exiting. */
  private writes?: AbortController;
  private readonly onSignal = (signal: NodeJS.Signals): void => void this.handleSignal(signal);

  public override async init(): Promise<void> {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    await super.init();
    this.refuseBooleanValues();
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

  /**
   * Never read arguments from stdin. oclif's default fills a missing positional argument from a
   * piped stdin: `echo yes | phoenix portainer 1002 converge` took `yes` as a stack, and in
   * `while read vm; do phoenix portainer $vm plan; done < vms.txt` the first run swallowed the
   * rest of the list. Every parse (init's and a command's own) goes through here.
   */
  protected override async parse<F extends Record<string, unknown>, B extends Record<string, unknown>, A extends Record<string, unknown>>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const input = options ?? (this.ctor as unknown as Interfaces.Input<F, B, A>);
    const args = Object.fromEntries(Object.entries(input.args ?? {}).map(([name, arg]) => [name, { ...arg, ignoreStdin: true }]));
    // A command class passed as `input` (promote's `this.parse(Promote)`) keeps inherited statics
    // (baseFlags, enableJsonFlag, strict) on its prototype chain, which a spread would lose.
    const { flags, baseFlags, enableJsonFlag, strict } = input;
    return super.parse({ ...input, flags, baseFlags, enableJsonFlag, strict, args: args as Interfaces.ArgInput<A> }, argv ?? this.argv);
  }

  /**
   * oclif's boolean flags take no value, and `--yes=true` used to fall through as an argument (a
   * stack named "--yes=true"). Refuse a value on any boolean flag, so `--yes=false` cannot apply.
   */
  private refuseBooleanValues(): void {
    const ctor = this.ctor as typeof BaseCommand;
    const flags: Record<string, { type?: string; allowNo?: boolean } | undefined> = { ...ctor.baseFlags, ...ctor.flags };
    for (const token of this.argv) {
      if (token === '--') break;
      const match = /^--([^=]+)=/s.exec(token);
      if (!match) continue;
      const name = match[1];
      const negated = name.startsWith('no-') ? flags[name.slice(3)] : undefined;
      const boolean = (name === 'json' && ctor.enableJsonFlag) || flags[name]?.type === 'boolean' || (negated?.type === 'boolean' && negated.allowNo === true);
      if (boolean) {
        throw new UsageError(`--${name} takes no value (got ${JSON.stringify(token)})`, {
          hint: `Write --${name} alone to turn it on, or leave it out to keep it off.`,
        });
      }
    }
  }

  /**
   * Run writes so that a signal (Ctrl-C's SIGINT, or SIGTERM from cron, systemd or a CI timeout)
   * stops new ones while those in flight finish. `interrupted` is the exit code for the caller
   * to report (130 or 143), undefined when no signal came.
   */
  protected async interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<{ result: T; interrupted: ExitCodeValue | undefined }> {
    const controller = new AbortController();
    this.writes = controller;
    try {
      const result = await work(controller.signal);
      return { result, interrupted: controller.signal.aborted ? signalExitCode(String(controller.signal.reason)) : undefined };
    } finally {
      this.writes = undefined;
    }
  }

  /**
   * The first signal during writes stops new ones and lets the run report what it did. Any other
   * signal exits at once: before or after the writes there is nothing to wait for, and a second
   * signal during them is the operator insisting (the warning says what that may leave behind).
   * Every VM lock is released before the exit (releaseAllVmLocks), also one being taken right now.
   */
  private async handleSignal(signal: NodeJS.Signals): Promise<void> {
    if (this.writes && !this.writes.signal.aborted) {
      this.note(`Interrupted: no new writes start; waiting for the ones in flight... (${signal}; send it again to exit at once)`);
      this.writes.abort(signal);
      return;
    }
    const inFlight = this.writes !== undefined;
    const error = new PhoenixError(
      inFlight
        ? `${signal} again: exiting without waiting; writes still in flight (the last progress lines above) may land in Portainer or not`
        : `${signal}: exiting; no write to Portainer was in progress`,
      {
        code: 'INTERRUPTED',
        exitCode: signalExitCode(signal),
        hint: inFlight ? 'See where the VM stands with `phoenix portainer <vmid> status`, then converge again.' : 'Run the command again when you are ready.',
      },
    );
    await this.catch(error);
    await releaseAllVmLocks();
    process.exit(error.exitCode);
  }

  /** What a use case's output and prompts need from the command, for helpers outside the class (cli/run-io.ts). */
  protected host(): CommandHost {
    return {
      out: (t) => this.out(t),
      note: (t) => this.note(t),
      redact: (t) => this.redact(t),
      paint: this.paint,
      json: this.jsonEnabled(),
      secrets: this.secrets,
      interruptible: (w) => this.interruptible(w),
    };
  }

  private redactorCache?: { count: number; redactor: Redactor };

  /** The one redactor of `this.secrets` (rebuilt when a value was added since). */
  protected redactor(): Redactor {
    if (this.redactorCache?.count !== this.secrets.length) this.redactorCache = { count: this.secrets.length, redactor: new Redactor(this.secrets) };
    return this.redactorCache.redactor;
  }

  /** Every secret, raw or in an escaped form (JSON/Go-quoted, percent-encoded), out of a text. */
  protected redact(text: string): string {
    return this.redactor().text(text);
  }

  /**
   * Structured data is redacted string by string BEFORE it is serialised: once JSON.stringify has
   * escaped a secret holding `"` or `\`, the raw value is no longer in the text, but a JSON
   * consumer decodes it. The serialised text is redacted once more for the escaped forms.
   */
  protected override logJson(json: unknown): void {
    const redactor = this.redactor();
    process.stdout.write(`${redactor.text(JSON.stringify(redactor.deep(json), null, 2))}\n`);
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
    const known = toPhoenixError(error, this.id);
    // Anything that is not a PhoenixError is a bug (a BugError, or an exception nobody expected):
    // exit 70 (EX_SOFTWARE), never 1, which a script reads as "apply failed".
    process.exitCode = known?.exitCode ?? ExitCode.INTERNAL;
    if (this.jsonEnabled()) {
      const body = known ? known.toJSON() : { code: 'INTERNAL' satisfies ErrorCode, exitCode: ExitCode.INTERNAL, message: error.message };
      this.logJson(errorEnvelope(this.id, process.exitCode, body));
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
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    await super.finally(error);
  }
}

/** Our errors as they are; oclif's parse errors as usage errors (exit 64). */
function toPhoenixError(error: Error & { oclif?: { exit?: number } }, id: string | undefined): PhoenixError | undefined {
  if (error instanceof PhoenixError) return error;
  const missing = missingArgs(error);
  if (missing) {
    const usage = usageOf(id, missing);
    return new UsageError(`missing ${missing.map((name) => `<${name}>`).join(' ')}`, {
      hint: `Usage: ${usage}${usage.includes('<vmid>') ? ` (for example ${usage.replace('<vmid>', '1002')})` : ''}; see --help.`,
    });
  }
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

/** The names of the arguments oclif's RequiredArgsError reports ("Missing 1 required arg: vmid ..."). */
function missingArgs(error: Error): string[] | undefined {
  const args = (error as { args?: unknown }).args;
  if (!/^Missing \d+ required args?/.test(error.message) || !Array.isArray(args)) return undefined;
  return args.map((arg: { name?: unknown }) => String(arg.name ?? 'argument'));
}

/** How a command is typed, in the seed syntax for the vmid verbs (`phoenix portainer <vmid> status`). */
function usageOf(id: string | undefined, missing: string[]): string {
  const words = (id ?? '').split(/[: ]/);
  if (words.length === 2 && words[0] === 'portainer' && (VMID_VERBS as readonly string[]).includes(words[1])) return `phoenix portainer <vmid> ${words[1]}`;
  return `phoenix ${words.join(' ')} ${missing.map((name) => `<${name}>`).join(' ')}`;
}
