import { UsageError } from '../errors';
import type { PortainerVersion } from './types';

const SEMVER = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/;

/**
 * Portainer reports its version as a string in `GET /api/status`; route families are chosen
 * by comparing numbers, so the string is parsed once here. Returns null-free data or throws
 * a plain Error (the client turns it into a bad-answer error with context).
 */
export function parseVersion(raw: string): PortainerVersion {
  const match = SEMVER.exec(raw.trim());
  if (!match) throw new Error(`not a version: ${JSON.stringify(raw.slice(0, 40))}`);
  return { raw, major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? '0') };
}

/** What a Portainer version can do, for the code above the client: it branches on these, never on numbers. */
export interface Capabilities {
  /** API keys (`X-API-Key`, minted at `POST /api/users/{id}/tokens`) arrived in 2.11 (docs/portainer-api.md#api-keys). */
  apiKeys: boolean;
  /** `GET /api/users/me` arrived in 2.20; before it the user id is read from the JWT's `id` claim. */
  currentUserRoute: boolean;
  /** The `/stacks/create/{type}/{method}` family (see supportsNewCreateRoutes). */
  newCreateRoutes: boolean;
  /** An update can ask Portainer to pull the images first (`PullImage`, 2.15.1; docs/portainer-api.md#pull-and-redeploy). */
  pullImage: boolean;
}

export function capabilities(v: PortainerVersion): Capabilities {
  return {
    apiKeys: atLeast(v, 2, 11),
    currentUserRoute: atLeast(v, 2, 20),
    newCreateRoutes: supportsNewCreateRoutes(v),
    pullImage: atLeast(v, 2, 15, 1),
  };
}

/** The first version that has a feature, as a person reads it (for "arrived in 2.11" messages). */
export const API_KEYS_SINCE = '2.11';
export const PULL_IMAGE_SINCE = '2.15.1';

function atLeast(v: PortainerVersion, major: number, minor: number, patch = 0): boolean {
  return v.major !== major ? v.major > major : v.minor !== minor ? v.minor > minor : v.patch >= patch;
}

/**
 * The update body's fields that ask for an image pull. `PullImage` arrived in 2.15.1 and is
 * still honoured by the newest versions (ORed with its successor); from 2.36, where it is marked
 * deprecated, `RepullImageAndRedeploy` is sent beside it. The 2.36 boundary is not confirmed, and
 * sending the new key early is harmless (older versions ignore unknown keys), so a wrong guess
 * still pulls (docs/portainer-api.md#pull-and-redeploy). Before 2.15.1 nothing can ask for a pull:
 * the caller refuses the run (assertCanPull) instead of redeploying without one.
 */
export function pullImageFields(v: PortainerVersion): Record<string, true> {
  return atLeast(v, 2, 36) ? { PullImage: true, RepullImageAndRedeploy: true } : { PullImage: true };
}

/**
 * `--pull` against a Portainer that cannot pull on update: refused before any write, because a
 * redeploy that silently keeps the old images is what the operator asked not to get.
 */
export function assertCanPull(v: PortainerVersion): void {
  if (capabilities(v).pullImage) return;
  throw new UsageError(`Portainer ${v.raw} cannot pull images on a stack update (that arrived in Portainer ${PULL_IMAGE_SINCE}); nothing was written`, {
    code: 'PULL_UNSUPPORTED',
    hint: `Use --redeploy to redeploy without pulling (images already on the host are kept), or upgrade Portainer to ${PULL_IMAGE_SINCE} or newer.`,
  });
}

/**
 * 2.19.0 removed `POST /api/stacks?type=&method=` and 2.19.1 brought it back as deprecated,
 * so the `/stacks/create/{type}/{method}` family is the only one that works on every version
 * from 2.19.0 on, and the only one older versions lack (docs/portainer-api.md#stack-routes).
 */
export function supportsNewCreateRoutes(v: PortainerVersion): boolean {
  return atLeast(v, 2, 19);
}
