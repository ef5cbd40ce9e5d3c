import type { IncomingMessage } from 'node:http';
import type { FaultInjector } from './faults';
import type { Reply } from './http-util';
import type { SimState } from './state';
import type { SimUserSeed } from './types';
import type { Features } from './version';

/** Shared by every handler of one running simulator. */
export interface SimRuntime {
  state: SimState;
  faults: FaultInjector;
  rateLimiter: RateLimiter;
  /** Pending async deploys, cleared on stop(). */
  timers: Set<NodeJS.Timeout>;
}

export interface Ctx {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: string;
  rt: SimRuntime;
  user?: Required<SimUserSeed>;
  authKind?: 'apikey' | 'jwt';
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** false for the public routes (/api/status, /api/auth, ...). */
  auth: boolean;
  /** Route exists only in the versions where this holds. */
  when?: (f: Features) => boolean;
  handle: (ctx: Ctx, params: string[]) => Promise<Reply> | Reply;
}

/**
 * Token bucket in front of /api/auth and token creation: a burst of 10,
 * refilled at one a second, and a 1-hour ban for whoever goes over
 * (docs/portainer-api.md#jwt-login). One bucket per process: every client here is 127.0.0.1.
 */
export class RateLimiter {
  private tokens = 10;
  private last = Date.now();
  private bannedUntil = 0;

  take(): boolean {
    const now = Date.now();
    if (now < this.bannedUntil) return false;
    this.tokens = Math.min(10, this.tokens + (now - this.last) / 1000);
    this.last = now;
    if (this.tokens < 1) {
      this.bannedUntil = now + 3600 * 1000;
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}
