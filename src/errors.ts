/**
 * One error hierarchy for the whole tool (STYLE.md habit 6). Every error a user can cause
 * carries a stable code, the process exit code of SPEC section 4, and a hint that says what
 * to do next. The base command turns these into text or JSON; nothing else maps exit codes.
 */

export const ExitCode = {
  OK: 0,
  APPLY_FAILED: 1,
  CHANGES: 2,
  USAGE: 64,
  CONFIG: 65,
  UNAVAILABLE: 69,
  CONFLICT: 73,
  LOCKED: 75,
  AUTH: 77,
  INTERRUPTED: 130,
  TERMINATED: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code table of SPEC section 4, shown in `--help` and in the README. */
export const EXIT_CODE_TABLE: ReadonlyArray<readonly [number, string]> = [
  [0, 'success (with --detailed-exitcode: success and no changes)'],
  [1, 'apply failed, partly or wholly: the output says which actions ran; also "no" or Ctrl-D at a confirmation prompt (nothing written)'],
  [2, 'with --detailed-exitcode: the plan has changes'],
  [64, 'usage error (unknown flag, bad argument)'],
  [65, 'the config file is invalid, or names an unknown vmid or stack'],
  [69, "Portainer unreachable, or an answer that is not Portainer's"],
  [73, 'conflict that needs a decision (a stack not owned by phoenix, Git-based stack)'],
  [75, 'another converge holds the lock for this VM'],
  [77, 'authentication or permission failure, or an unsafe token file'],
  [130, 'interrupted (Ctrl-C, SIGINT): writes in flight finished, no new ones started; also Ctrl-C at a prompt'],
  [143, 'terminated (SIGTERM: cron, systemd and CI timeouts): writes in flight finished, no new ones started'],
];

/** The exit code of a run stopped by `signal` (128 + the signal's number, as shells report it). */
export function signalExitCode(signal: string | undefined): ExitCodeValue {
  return signal === 'SIGTERM' ? ExitCode.TERMINATED : ExitCode.INTERRUPTED;
}

export interface PhoenixErrorOptions {
  code: string;
  exitCode: ExitCodeValue;
  hint?: string;
  cause?: unknown;
  /** Extra lines shown under the message (for example every config problem). */
  details?: string[];
}

export class PhoenixError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly details: string[];

  constructor(message: string, options: PhoenixErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }

  /** The JSON form used in the `--json` error envelope. Never includes the cause's stack. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      exitCode: this.exitCode,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details.length > 0 ? { details: this.details } : {}),
    };
  }
}

type Opts = Omit<PhoenixErrorOptions, 'exitCode' | 'code'> & { code?: string };

export class UsageError extends PhoenixError {
  constructor(message: string, options: Opts = {}) {
    super(message, { code: 'USAGE', ...options, exitCode: ExitCode.USAGE });
  }
}

/** The config file is invalid or names something that does not exist. */
export class ConfigError extends PhoenixError {
  constructor(message: string, options: Opts = {}) {
    super(message, { code: 'CONFIG_INVALID', ...options, exitCode: ExitCode.CONFIG });
  }
}

/** Portainer cannot be reached, or what answered is not Portainer. */
export class UnavailableError extends PhoenixError {
  constructor(message: string, options: Opts = {}) {
    super(message, { code: 'PORTAINER_UNAVAILABLE', ...options, exitCode: ExitCode.UNAVAILABLE });
  }
}

export class ConflictError extends PhoenixError {
  constructor(message: string, options: Opts = {}) {
    super(message, { code: 'CONFLICT', ...options, exitCode: ExitCode.CONFLICT });
  }
}

export class LockError extends PhoenixError {
  constructor(message: string, options: Opts = {}) {
    super(message, { code: 'LOCKED', ...options, exitCode: ExitCode.LOCKED });
  }
}

/** Authentication or permission failure, or an unsafe token file. */
export class AuthError extends PhoenixError {
  constructor(message: string, options: Opts = {}) {
    super(message, { code: 'AUTH', ...options, exitCode: ExitCode.AUTH });
  }
}

export class ApplyError extends PhoenixError {
  constructor(message: string, options: Opts = {}) {
    super(message, { code: 'APPLY_FAILED', ...options, exitCode: ExitCode.APPLY_FAILED });
  }
}

/**
 * The operator declined at a prompt ("no", Ctrl-C or Ctrl-D): nothing was written. Ctrl-C exits
 * 130 like any interrupt; "no" and Ctrl-D (end of input, a declined answer) exit 1, as
 * terraform does for a declined apply. Printed as one line, without "Error:" or a stack.
 */
export class CancelledError extends PhoenixError {
  constructor(how: 'declined' | 'ctrl-c' | 'eof') {
    super('cancelled, nothing was written', { code: 'CANCELLED', exitCode: how === 'ctrl-c' ? ExitCode.INTERRUPTED : ExitCode.APPLY_FAILED });
  }
}

/** True for errors the user caused or the world caused; false for bugs (which print a stack). */
export function isPhoenixError(error: unknown): error is PhoenixError {
  return error instanceof PhoenixError;
}
