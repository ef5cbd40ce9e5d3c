/**
 * One error hierarchy for the whole tool. Every error a user can cause carries a stable code
 * (one of ERROR_CODES), the process exit code of README.md#exit-codes, and a hint that says what
 * to do next. The base command turns these into text or JSON; nothing else maps exit codes.
 * A state the code believes impossible is a BugError: printed with its stack, exit 70.
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
  /** EX_SOFTWARE of sysexits.h: a bug in phoenix (BugError, or any error that is not a PhoenixError). */
  INTERNAL: 70,
  INTERRUPTED: 130,
  TERMINATED: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code table of README.md#exit-codes, appended to every command's `--help` by src/cli/help.ts. */
export const EXIT_CODE_TABLE: ReadonlyArray<readonly [number, string]> = [
  [0, 'success (with --detailed-exitcode: success and no changes)'],
  [1, 'apply failed, partly or wholly: the output says which actions ran; also "no" or Ctrl-D at a confirmation prompt (nothing written)'],
  [2, 'with --detailed-exitcode: the plan has changes'],
  [64, 'usage error (unknown flag, bad argument)'],
  [65, 'the config file is invalid, or names an unknown vmid or stack'],
  [69, "Portainer unreachable, or an answer that is not Portainer's"],
  [70, 'internal error, a bug in phoenix: the stack trace is printed; please report it'],
  [73, 'conflict that needs a decision (a stack not owned by phoenix, Git-based stack)'],
  [75, 'another converge holds the lock for this VM'],
  [77, 'authentication or permission failure, or an unsafe token file'],
  [130, 'interrupted (Ctrl-C, SIGINT): writes in flight finished, no new ones started; also Ctrl-C at a prompt'],
  [143, 'terminated (SIGTERM: cron, systemd and CI timeouts): writes in flight finished, no new ones started'],
];

/**
 * Which exit code wins when parts of one run (the VMs of `--all`, promote's converge) end
 * differently, most severe first: 143 / 130 (terminated / interrupted) > 70 (a bug: nothing
 * after it can be trusted) > 1 (an apply failed: live state is half-changed, look first) >
 * 77 (auth) > 69 (Portainer unreachable) > 65 (config) > 73 (a decision is needed) >
 * 75 (locked: transient, retry) > 2 (changes, with --detailed-exitcode) > 0.
 */
export const EXIT_CODE_SEVERITY: readonly ExitCodeValue[] = [
  ExitCode.TERMINATED,
  ExitCode.INTERRUPTED,
  ExitCode.INTERNAL,
  ExitCode.APPLY_FAILED,
  ExitCode.AUTH,
  ExitCode.UNAVAILABLE,
  ExitCode.CONFIG,
  ExitCode.CONFLICT,
  ExitCode.LOCKED,
  ExitCode.CHANGES,
  ExitCode.OK,
];

/** The most severe of `codes` by EXIT_CODE_SEVERITY; 0 for none. */
export function worstExitCode(codes: readonly ExitCodeValue[]): ExitCodeValue {
  const rank = (code: ExitCodeValue) => {
    const index = EXIT_CODE_SEVERITY.indexOf(code);
    return index < 0 ? -1 : index;
  };
  return codes.reduce<ExitCodeValue>((worst, code) => (rank(code) < rank(worst) ? code : worst), ExitCode.OK);
}

/**
 * Every error code phoenix reports, in text (never shown) and in the `--json` error envelope
 * (`error.code`, published as an enum in schemas/error.json). A script may match on these: add
 * codes freely, but never rename or reuse one. `INTERNAL` is a bug (BugError or an unexpected
 * exception), never a user error.
 */
export const ERROR_CODES = [
  'USAGE',
  'UNKNOWN_COMMAND',
  'DURATION_INVALID',
  'CONFIRMATION_REQUIRED',
  'PASSWORD_INPUT',
  'SECRET_IN_ARGV',
  'SECRET_INPUT_EMPTY',
  'SECRET_NAME_INVALID',
  'SECRET_VALUE_INVALID',
  'URL_INVALID',
  'URL_MISSING',
  'URL_PLAINTEXT',
  'URL_CREDENTIALS',
  'CONFIG_INVALID',
  'CONFIG_NOT_FOUND',
  'CONFIG_CHANGED',
  'COMPOSE_INVALID',
  'COMPOSE_NOT_FOUND',
  'CA_FILE_UNREADABLE',
  'DOTENV_UNSAFE',
  'LAYOUT_INVALID',
  'LAYOUT_UNREADABLE',
  'LAYOUT_ENV_INVALID',
  'UNKNOWN_VMID',
  'UNKNOWN_STACK',
  'UNKNOWN_ENVIRONMENT',
  'ENVIRONMENT_MISMATCH',
  'ENVIRONMENT_MISSING',
  'AGENT_ADDRESS_MISSING',
  'STACK_INVALID',
  'STACK_CLAIMED_TWICE',
  'PROMOTE_KEY_UNSET',
  'PORTAINER_UNAVAILABLE',
  'PORTAINER_UNREACHABLE',
  'PORTAINER_HOST_NOT_FOUND',
  'PORTAINER_NETWORK',
  'PORTAINER_TIMEOUT',
  'PORTAINER_TLS',
  'PORTAINER_REDIRECTED',
  'PORTAINER_BAD_ANSWER',
  'PORTAINER_NOT_FOUND',
  'PORTAINER_CONFLICT',
  'PORTAINER_BAD_REQUEST',
  'PORTAINER_SERVER_ERROR',
  'AGENT_UNREACHABLE',
  'API_KEYS_UNSUPPORTED',
  'PULL_UNSUPPORTED',
  'PROMOTE_SOURCE_UNCHECKED',
  'CONFLICT',
  'ENVIRONMENT_URL_CONFLICT',
  'STACK_APPEARED',
  'PROMOTE_SOURCE_DRIFT',
  'LOCKED',
  'AUTH',
  'PORTAINER_UNAUTHORIZED',
  'PORTAINER_FORBIDDEN',
  'PORTAINER_BAD_CREDENTIALS',
  'JWT_UNREADABLE',
  'TOKEN_MISSING',
  'TOKEN_INVALID',
  'TOKEN_IS_JWT',
  'TOKEN_REJECTED',
  'TOKEN_FILE_EMPTY',
  'TOKEN_FILE_INVALID',
  'TOKEN_FILE_MISSING',
  'TOKEN_FILE_UNREADABLE',
  'TOKEN_FILE_UNSAFE',
  'KEYRING_UNAVAILABLE',
  'SECRET_MISSING',
  'SECRET_FILE_EMPTY',
  'SECRET_FILE_MISSING',
  'SECRET_FILE_UNREADABLE',
  'SECRET_FILE_UNSAFE',
  'SECRET_WRITE_FAILED',
  'SECRETS_DIR_UNREADABLE',
  'SECRETS_DIR_UNSAFE',
  'LOCK_DIR_INVALID',
  'LOCK_DIR_UNSAFE',
  'APPLY_FAILED',
  'DEPLOY_FAILED',
  'DEPLOY_TIMEOUT',
  'DEPLOY_UNCONFIRMED',
  'OUTCOME_UNKNOWN',
  'CANCELLED',
  'INTERRUPTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The exit code of a run stopped by `signal` (128 + the signal's number, as shells report it). */
export function signalExitCode(signal: string | undefined): ExitCodeValue {
  return signal === 'SIGTERM' ? ExitCode.TERMINATED : ExitCode.INTERRUPTED;
}

export interface PhoenixErrorOptions {
  code: ErrorCode;
  exitCode: ExitCodeValue;
  hint?: string;
  cause?: unknown;
  /** Extra lines shown under the message (for example every config problem). */
  details?: string[];
}

export class PhoenixError extends Error {
  readonly code: ErrorCode;
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

type Opts = Omit<PhoenixErrorOptions, 'exitCode' | 'code'> & { code?: ErrorCode };

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

/**
 * A state the code believes cannot happen (an exhausted switch, a broken invariant). Not a
 * PhoenixError on purpose: the base command prints it with its stack, as any unexpected
 * exception, exits 70 and reports `code: 'INTERNAL'` in `--json`, so it is reported, not worked
 * around. Never throw it for something a user or Portainer can cause.
 */
export class BugError extends Error {
  readonly code = 'INTERNAL' satisfies ErrorCode;
  readonly exitCode = ExitCode.INTERNAL;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BugError';
  }
}

/** True for errors the user caused or the world caused; false for bugs (which print a stack). */
export function isPhoenixError(error: unknown): error is PhoenixError {
  return error instanceof PhoenixError;
}
