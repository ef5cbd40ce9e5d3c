import { readFile } from 'node:fs/promises';

import { layoutPortainerUrl } from '../config';
import type { LoadedConfig } from '../config';
import { ConfigError } from '../errors';
import { parsePortainerUrl, PortainerClient } from '../portainer';
import { refusedTokenHint, resolveToken } from '../secrets';
import type { ResolvedToken } from '../secrets';

export interface ConnectionFlags {
  url?: string;
  caFile?: string;
  insecure: boolean;
  concurrency: number;
  deployTimeoutMs: number;
  /** Per read request (--read-timeout); the client's default (30 s) when absent. */
  readTimeoutMs?: number;
  /** A token given to the command itself (token set/create check one before storing it): no lookup. */
  apiKey?: string;
  /** The run's resolved secret env values: Portainer's error text (compose output) may echo them. */
  stackSecrets?: { all(): string[] };
}

export interface Connection {
  client: PortainerClient;
  url: string;
  /** Strings that must never be printed (the token): the base command redacts them. */
  secrets: string[];
  /** The token sent and where it came from (token status). */
  token: ResolvedToken;
}

/** Where Portainer is, how to trust it and which token to send; then a client for it. */
export async function connect(config: LoadedConfig, flags: ConnectionFlags, env: NodeJS.ProcessEnv, log: ((line: string) => void) | undefined, warn: (line: string) => void): Promise<Connection> {
  // Without --url or portainer.url, the Phoenix layout's phoenix_hypervisor_config.json says where Portainer is.
  const url = portainerUrl(flags.url ?? config.portainer.url ?? (await layoutPortainerUrl(config, warn)), flags.insecure || config.portainer.insecure);
  const insecure = flags.insecure || config.portainer.insecure;
  if (insecure) warn(`TLS verification is OFF for ${url} (--insecure): anyone on the path can read the API token.`);
  const caPath = flags.caFile ?? config.portainer.caFile;
  let ca: Buffer | undefined;
  if (caPath !== undefined) {
    ca = await readFile(caPath).catch((error: NodeJS.ErrnoException) => {
      throw new ConfigError(`cannot read the CA file ${caPath}: ${error.code ?? error.message}`, {
        code: 'CA_FILE_UNREADABLE',
        hint: 'Point --ca-file, PHOENIX_CA_FILE or portainer.ca_file at the PEM file of the CA that signed Portainer’s certificate.',
      });
    });
  }
  const token: ResolvedToken =
    flags.apiKey !== undefined
      ? { token: flags.apiKey, source: 'input', where: 'the command’s input' }
      : await resolveToken({ env, configTokenFile: config.portainer.tokenFile, url, warn, debug: log });
  log?.(`token from ${token.where}`);
  const client = new PortainerClient({
    url,
    apiKey: token.token,
    secrets: flags.stackSecrets?.all() ?? [],
    authHint: refusedTokenHint(token),
    ca,
    insecure,
    connections: flags.concurrency,
    deployTimeoutMs: flags.deployTimeoutMs,
    readTimeoutMs: flags.readTimeoutMs,
    log,
  });
  return { client, url, secrets: [token.token, ...(flags.stackSecrets?.all() ?? [])], token };
}

/** The base URL, refused before any request when missing or unsafe (see parsePortainerUrl). */
export function portainerUrl(raw: string | undefined, insecure: boolean): string {
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError('no Portainer URL', {
      code: 'URL_MISSING',
      hint: 'Set portainer.url in phoenix_vm_configs.json, or pass --url / PORTAINER_URL (for example https://portainer.internal:9443).',
    });
  }
  parsePortainerUrl(raw, { insecure });
  return raw.trim().replace(/\/+$/, '');
}
