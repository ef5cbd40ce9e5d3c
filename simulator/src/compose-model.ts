import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { isRecord, type Pair } from './http-util';

/**
 * What the simulator needs of one service of a stack file to model what runs: the image after
 * interpolation, whether it has a healthcheck, how many replicas, and a hash of its definition
 * that decides, as compose's `com.docker.compose.config-hash` label does, whether `up -d`
 * recreates its container or leaves it alone.
 */
export interface ServiceModel {
  name: string;
  image: string;
  healthcheck: boolean;
  /** deploy.replicas (compose also reads `scale`); 0 and above. */
  replicas: number;
  /** Swarm only: deploy.mode `global` runs one task per node. */
  global: boolean;
  containerName?: string;
  labels: Record<string, string>;
  configHash: string;
}

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `$VAR`, from the stack env (compose's interpolation, simplified). */
export function interpolate(text: string, env: readonly Pair[]): string {
  const value = (name: string): string | undefined => env.find((p) => p.name === name)?.value;
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced?: string, colon?: string, fallback?: string, bare?: string) => {
    if (all === '$$') return '$';
    const name = braced ?? bare ?? '';
    const v = value(name);
    if (fallback !== undefined && (v === undefined || (colon === ':' && v === ''))) return fallback;
    return v ?? '';
  });
}

function labelsOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (const item of raw) {
      if (typeof item !== 'string') continue;
      const [k, ...v] = item.split('=');
      out[k] = v.join('=');
    }
  } else if (isRecord(raw)) {
    for (const [k, v] of Object.entries(raw)) out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

function hasHealthcheck(raw: unknown): boolean {
  if (!isRecord(raw) || raw.disable === true) return false;
  const test = raw.test;
  if (Array.isArray(test)) return test.length > 0 && test[0] !== 'NONE';
  return typeof test === 'string' && test.trim() !== '';
}

function count(raw: unknown): number | undefined {
  const n = typeof raw === 'string' ? Number(raw) : raw;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** The services of a stack file (empty when the file is not a compose mapping: such a deploy fails first). */
export function serviceModels(project: string, composeText: string, env: readonly Pair[]): ServiceModel[] {
  let doc: unknown;
  try {
    doc = parseYaml(composeText);
  } catch {
    return [];
  }
  if (!isRecord(doc) || !isRecord(doc.services)) return [];
  return Object.entries(doc.services).map(([name, def]) => {
    const svc = isRecord(def) ? def : {};
    const deploy = isRecord(svc.deploy) ? svc.deploy : {};
    const image = typeof svc.image === 'string' ? interpolate(svc.image, env) : `${project}-${name}`;
    return {
      name,
      image,
      healthcheck: hasHealthcheck(svc.healthcheck),
      replicas: count(deploy.replicas) ?? count(svc.scale) ?? 1,
      global: deploy.mode === 'global',
      containerName: typeof svc.container_name === 'string' ? interpolate(svc.container_name, env) : undefined,
      labels: labelsOf(svc.labels),
      configHash: createHash('sha256')
        .update(interpolate(JSON.stringify(svc), env))
        .digest('hex'),
    };
  });
}

/**
 * The named volumes compose creates for a project: `<project>_<key>` (or the volume's `name:`),
 * not the `external` ones, which must exist already.
 */
export function volumeNames(project: string, composeText: string, env: readonly Pair[]): { key: string; name: string }[] {
  let doc: unknown;
  try {
    doc = parseYaml(composeText);
  } catch {
    return [];
  }
  if (!isRecord(doc) || !isRecord(doc.volumes)) return [];
  return Object.entries(doc.volumes)
    .filter(([, def]) => !(isRecord(def) && def.external === true))
    .map(([key, def]) => ({ key, name: isRecord(def) && typeof def.name === 'string' ? interpolate(def.name, env) : `${project}_${key}` }));
}
