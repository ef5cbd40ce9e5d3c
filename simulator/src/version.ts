/**
 * Which behaviours a simulated Portainer version has. Every flag names the
 * docs/portainer-api.md section it comes from, so a version question is answered here
 * once instead of as scattered comparisons in the handlers.
 */

export type Semver = readonly [number, number, number];

export function parseVersion(text: string): Semver {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) throw new Error(`simulator: not a Portainer version: '${text}'`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function compareVersions(a: Semver, b: Semver): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export interface Features {
  version: string;
  /** docs/portainer-api.md#api-keys: X-API-Key exists from 2.11.0; older versions ignore the header. */
  apiKeys: boolean;
  /** docs/portainer-api.md#auth-failures: wording of the "no credential" 401 changed over time. */
  missingTokenMessage: string;
  /** docs/portainer-api.md#minting-an-api-key: 2.20+ wants the current password when minting a key. */
  tokenNeedsPassword: boolean;
  /** docs/portainer-api.md#cookies-and-csrf: auth cookie, CSRF on unsafe methods, both-headers 403, /users/me. */
  cookieAndCsrf: boolean;
  /** docs/portainer-api.md#version-detection */
  systemStatus: boolean;
  /** docs/portainer-api.md#version-detection: /api/status shape. */
  statusShape: '1.x' | '2.0' | '2.9';
  /** docs/portainer-api.md#stack-routes: new create routes since 2.19.0, old one absent in exactly 2.19.0. */
  newCreateRoutes: boolean;
  oldCreateRoute: boolean;
  /** docs/portainer-api.md#updating-a-stack, docs/portainer-api.md#start-and-stop: endpointId formally required on update/start/stop from 2.19. */
  endpointIdRequired: boolean;
  /** docs/portainer-api.md#start-and-stop */
  startStop: boolean;
  /** docs/portainer-api.md#stack-names: name normalisation keeps '-' and '_' from 2.9.1. */
  normaliseKeepsDashUnderscore: boolean;
  /** docs/portainer-api.md#name-conflicts: 2.5+ unique per environment (before: across all environments). */
  uniquePerEndpoint: boolean;
  /** docs/portainer-api.md#name-conflicts: 2.9.1+ also asks Docker for compose projects of that name. */
  dockerNameCheck: boolean;
  conflictMessage: (name: string) => string;
  /** docs/portainer-api.md#failed-updates: 2.15+ runs compose down after a failed up. */
  downOnFailedDeploy: boolean;
  /** docs/portainer-api.md#failed-updates: 2.16+ rolls the stored file back after a failed update. */
  rollbackFileOnFailure: boolean;
  /** docs/portainer-api.md#stack-object: key presence. */
  stackKeys: {
    status: boolean;
    dates: boolean;
    gitConfig: boolean;
    additionalFilesAutoUpdate: boolean;
    fromAppTemplate: boolean;
    option: boolean;
    resourceIdWithEndpoint: boolean;
  };
  /** docs/portainer-api.md#pull-and-redeploy: `PullImage` on update from 2.15.1 (ignored before). */
  pullImage: boolean;
  /** docs/portainer-api.md#pull-and-redeploy: `RepullImageAndRedeploy` on the newest versions, ORed with `PullImage`. */
  repullImageAndRedeploy: boolean;
  /** docs/portainer-api.md#start-and-stop: the newest start checks the status first and answers 409 `Unable to start stack`. */
  startStatusFirst: boolean;
  /** docs/portainer-api.md#asynchronous-deploys: async deploys with Status 3/4 and DeploymentStatus. Default from 2.36.0. */
  asyncDefault: boolean;
}

export function featuresFor(version: string): Features {
  const v = parseVersion(version);
  const gte = (text: string): boolean => compareVersions(v, parseVersion(text)) >= 0;
  const is2190 = compareVersions(v, [2, 19, 0]) === 0;
  let missingTokenMessage = 'Unauthorized';
  if (gte('2.20.0')) missingTokenMessage = 'A valid authorization token is missing';
  else if (gte('2.11.0')) missingTokenMessage = 'A valid authorisation token is missing';
  let conflictMessage = (_n: string): string => 'A stack with this name already exists';
  if (gte('2.9.1')) conflictMessage = (n) => `A stack with the normalized name '${n}' already exists`;
  else if (gte('2.6.0')) conflictMessage = (n) => `A stack with the name '${n}' already exists`;
  return {
    version,
    apiKeys: gte('2.11.0'),
    missingTokenMessage,
    tokenNeedsPassword: gte('2.20.0'),
    cookieAndCsrf: gte('2.20.0'),
    systemStatus: gte('2.17.0'),
    statusShape: gte('2.9.0') ? '2.9' : gte('2.0.0') ? '2.0' : '1.x',
    newCreateRoutes: gte('2.19.0'),
    oldCreateRoute: !is2190,
    endpointIdRequired: gte('2.19.0'),
    startStop: gte('2.0.0'),
    normaliseKeepsDashUnderscore: gte('2.9.1'),
    uniquePerEndpoint: gte('2.5.0'),
    dockerNameCheck: gte('2.9.1'),
    conflictMessage,
    downOnFailedDeploy: gte('2.15.0'),
    rollbackFileOnFailure: gte('2.16.0'),
    stackKeys: {
      status: gte('2.0.0'),
      dates: gte('2.1.0'),
      gitConfig: gte('2.6.0'),
      additionalFilesAutoUpdate: gte('2.9.0'),
      fromAppTemplate: gte('2.14.0'),
      option: gte('2.15.0'),
      resourceIdWithEndpoint: gte('2.5.0'),
    },
    pullImage: gte('2.15.1'),
    repullImageAndRedeploy: gte('2.36.0'),
    startStatusFirst: gte('2.36.0'),
    asyncDefault: gte('2.36.0'),
  };
}

/** NormalizeStackName (docs/portainer-api.md#stack-names). */
export function normaliseStackName(name: string, f: Features): string {
  const lower = name.toLowerCase();
  return f.normaliseKeepsDashUnderscore ? lower.replace(/[^-_a-z0-9]/g, '') : lower.replace(/[^a-z0-9]/g, '');
}
