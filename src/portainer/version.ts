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

/**
 * 2.19.0 removed `POST /api/stacks?type=&method=` and 2.19.1 brought it back as deprecated,
 * so the `/stacks/create/{type}/{method}` family is the only one that works on every version
 * from 2.19.0 on, and the only one older versions lack (REFERENCE.md 2.1).
 */
export function supportsNewCreateRoutes(v: PortainerVersion): boolean {
  return v.major > 2 || (v.major === 2 && v.minor >= 19);
}
