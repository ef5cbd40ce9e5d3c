import { readFile } from 'node:fs/promises';

import { layoutPortainerUrl } from '../config';
import type { LoadedConfig } from '../config';
import { ConfigError, UsageError } from '../errors';
import { PortainerClient } from '../portainer';
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

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Where Portainer is, how to trust it and which token to send; then a client for it. */
export async function connect(
  config: LoadedConfig,
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  log: ((line: string) => void) | undefined,
  warn: (line: string) => void,
): Promise<Connection> {
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

/**
 * A user name or password in the URL (`https://admin:pw@host`) would be printed in every plan
 * header, debug line and `--json` document: refused before anything else looks at the URL (and
 * so before any message could echo it), wherever it came from. Checked on the text too, since
 * `admin:pw@host:9443` without a scheme parses as a URL of scheme "admin:".
 */
function refuseCredentials(raw: string): void {
  const authority = raw.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0] ?? '';
  if (!authority.includes('@')) return;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  throw new UsageError(`the Portainer URL carries a user name or password (…@${host}); it would be printed in every plan and log`, {
    code: 'URL_CREDENTIALS',
    hint: 'Remove "user:password@" from --url / PORTAINER_URL / portainer.url (or the Phoenix layout file). Credentials go in the OS keyring or the token file: phoenix portainer token set (or token create --username <user>).',
  });
}

/** Validate the base URL: http(s) only, and plain http only to loopback unless --insecure. */
export function portainerUrl(raw: string | undefined, insecure: boolean): string {
  if (raw === undefined || raw.trim() === '') {
    throw new ConfigError('no Portainer URL', {
      code: 'URL_MISSING',
      hint: 'Set portainer.url in phoenix_vm_configs.json, or pass --url / PORTAINER_URL (for example https://portainer.internal:9443).',
    });
  }
  refuseCredentials(raw);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL`, { code: 'URL_INVALID', hint: 'Give the scheme too, for example https://portainer.internal:9443.' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`"${raw}" is not an http(s) URL`, { code: 'URL_INVALID', hint: 'Use https://host:9443 (or http://host:9000).' });
  }
  if (parsed.protocol === 'http:' && !LOOPBACK.has(parsed.hostname) && !insecure) {
    throw new UsageError(`refusing to send the API token in clear text to ${parsed.host}`, {
      code: 'URL_PLAINTEXT',
      hint: 'Use Portainer’s HTTPS port (https://host:9443, with --ca-file for its CA), or accept the risk with --insecure.',
    });
  }
  return raw.replace(/\/+$/, '');
}
