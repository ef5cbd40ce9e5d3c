import { ExitCode, PhoenixError } from '../errors';
import type { ErrorCode, ExitCodeValue, PhoenixErrorOptions } from '../errors';

export interface PortainerApiErrorFields {
  method: string;
  /** Path without query string secrets (the token is never in a URL: it travels as a header). */
  path: string;
  status: number;
  /** Portainer's own `message` (or `err` before 1.19.2), when the body had one. */
  portainerMessage?: string;
  /** Portainer's own `details`. */
  details?: string;
}

/**
 * An HTTP answer from Portainer that is not a success. Created only in `src/portainer/`;
 * code above it reads `kind`, never the status number: only src/portainer/ knows HTTP statuses.
 * A PhoenixError, so the base command prints it and exits with its exit code like any other.
 */
export class PortainerApiError extends PhoenixError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly portainerMessage?: string;
  readonly portainerDetails?: string;

  constructor(fields: PortainerApiErrorFields, options: Pick<PhoenixErrorOptions, 'hint' | 'cause'> & { code?: string } = {}) {
    const what = fields.portainerMessage ?? `HTTP ${fields.status}`;
    const detail = fields.details && fields.details !== fields.portainerMessage ? ` (${fields.details})` : '';
    super(`Portainer answered ${fields.status} to ${fields.method} ${fields.path}: ${what}${detail}`, {
      code: PortainerApiError.codeFor(fields.status),
      hint: options.hint ?? PortainerApiError.hintFor(fields.status),
      cause: options.cause,
      exitCode: PortainerApiError.exitCodeFor(fields),
    });
    this.method = fields.method;
    this.path = fields.path;
    this.status = fields.status;
    this.portainerMessage = fields.portainerMessage;
    this.portainerDetails = fields.details;
  }

  /** What kind of failure this is, for code above the client. */
  get kind(): 'auth' | 'forbidden' | 'not-found' | 'conflict' | 'bad-request' | 'rate-limited' | 'server' {
    if (this.status === 401) return 'auth';
    if (this.status === 403) return 'forbidden';
    if (this.status === 404) return 'not-found';
    if (this.status === 409) return 'conflict';
    if (this.status === 429) return 'rate-limited';
    if (this.status >= 500) return 'server';
    return 'bad-request';
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      http: {
        method: this.method,
        path: this.path,
        status: this.status,
        ...(this.portainerMessage === undefined ? {} : { message: this.portainerMessage }),
        ...(this.portainerDetails === undefined ? {} : { details: this.portainerDetails }),
      },
    };
  }

  /**
   * 77 for a refused token or permission; otherwise it depends on what failed. A read (GET)
   * changed nothing: that is Portainer failing (69), even while planning a converge. Only a
   * write that Portainer refused may have left something half-done (1, "apply failed"); apply
   * itself reports its failed actions as results and decides the run's exit code.
   */
  private static exitCodeFor(fields: PortainerApiErrorFields): ExitCodeValue {
    if (fields.status === 401 || fields.status === 403) return ExitCode.AUTH;
    return fields.method === 'GET' ? ExitCode.UNAVAILABLE : ExitCode.APPLY_FAILED;
  }

  private static codeFor(status: number): ErrorCode {
    if (status === 401) return 'PORTAINER_UNAUTHORIZED';
    if (status === 403) return 'PORTAINER_FORBIDDEN';
    if (status === 404) return 'PORTAINER_NOT_FOUND';
    if (status === 409) return 'PORTAINER_CONFLICT';
    return status >= 500 ? 'PORTAINER_SERVER_ERROR' : 'PORTAINER_BAD_REQUEST';
  }

  private static hintFor(status: number): string | undefined {
    if (status === 401) {
      return 'The API token was refused. Create a new access token in Portainer (My account > Access tokens) and store it with `phoenix portainer token set`, or set PORTAINER_API_KEY.';
    }
    if (status === 403) {
      return 'The token is valid but its user may not do this. Use an administrator account, or give the user access to this environment.';
    }
    return undefined;
  }
}
