import { userInfo } from 'node:os';

import { AuthError } from '../errors';
import { describeVariable } from './dotenv';
import { systemKeyring, tryKeyring } from './keyring';
import type { Keyring } from './keyring';
import { readTokenFile, tokenFilePath } from './token-file';

/** `input`: a token given to the command itself (token set/create check it before storing). */
export type TokenSource = 'env' | 'keyring' | 'file' | 'input';

/** Keyring service of the API token; the account is the Portainer URL's origin. */
export const TOKEN_SERVICE = 'phoenix-portainer';

export interface ResolvedToken {
  token: string;
  source: TokenSource;
  /** Where it came from, for `token status` and --debug (never the token itself). */
  where: string;
}

export interface TokenLookup {
  env: NodeJS.ProcessEnv;
  /** `portainer.token_file` from the config, already absolute. */
  configTokenFile?: string;
  /** The Portainer URL: its origin is the keyring account. Without it the keyring is skipped. */
  url?: string;
  /** Default: the OS keyring through keytar. */
  keyring?: Keyring;
  /** Says that the keyring is unavailable (stderr), when it matters: no token was found elsewhere. */
  warn?: (line: string) => void;
  /** Receives the same note when the token file had the token after all (--debug). */
  debug?: (line: string) => void;
}

/** The keyring account of a Portainer URL: its origin, so a path or trailing slash never matters. */
export function tokenAccount(url: string): string {
  return new URL(url).origin;
}

export function keyringWhere(account: string): string {
  return `OS keyring (service ${TOKEN_SERVICE}, account ${account})`;
}

/**
 * Find the API token, first found wins (README.md#the-token-and-secrets): PORTAINER_API_KEY; the OS keyring
 * (service phoenix-portainer, account = the URL's origin); the token file (PHOENIX_TOKEN_FILE,
 * `portainer.token_file`, the default path). An unavailable keyring is said once and skipped.
 */
export async function resolveToken(lookup: TokenLookup): Promise<ResolvedToken> {
  const fromEnv = lookup.env.PORTAINER_API_KEY?.trim();
  // `where` names ./.env when that is what set the variable (a stale .env is a common surprise).
  if (fromEnv) return { token: fromEnv, source: 'env', where: describeVariable('PORTAINER_API_KEY', lookup.env) };
  const path = tokenFilePath(lookup.env, lookup.configTokenFile);
  // On a headless hypervisor the keyring is never there: saying so on every cron run that reads
  // the token file is noise. The note is held, and said only when no token turns up at all.
  let keyringNote: string | undefined;
  if (lookup.url !== undefined) {
    const account = tokenAccount(lookup.url);
    const found = await tryKeyring(
      lookup.keyring ?? systemKeyring(),
      (k) => k.get(TOKEN_SERVICE, account),
      (line) => (keyringNote = line),
      'using root-only files instead',
    );
    const token = found?.value?.trim();
    if (token) return { token, source: 'keyring', where: keyringWhere(account) };
  }
  const me = userInfo();
  try {
    const token = await readTokenFile(path, { uid: me.uid, userName: me.username });
    if (keyringNote) lookup.debug?.(keyringNote);
    return { token, source: 'file', where: path };
  } catch (error) {
    if (keyringNote) lookup.warn?.(keyringNote);
    if (error instanceof AuthError && error.code === 'TOKEN_FILE_MISSING') {
      throw new AuthError('no Portainer API token found', {
        code: 'TOKEN_MISSING',
        cause: error,
        hint: [
          'Provide one of:',
          '  1. PORTAINER_API_KEY=<token> in the environment (CI);',
          '  2. phoenix portainer token set (stores it in the OS keyring, or the token file on a headless host);',
          `  3. a root-only token file at ${path} (chmod 600), or PHOENIX_TOKEN_FILE / portainer.token_file pointing at one.`,
        ].join('\n'),
      });
    }
    throw error;
  }
}

/** The first characters of a token, enough to tell two apart, never enough to use one. */
export function tokenPrefix(token: string): string {
  const shown = Math.min(7, Math.floor(token.length / 3));
  return `${token.slice(0, shown)}…`;
}

/**
 * What to do when Portainer refuses the token, by where it came from: `token set` is no help
 * while a stale PORTAINER_API_KEY (from the environment or ./.env) wins over what it stores.
 */
export function refusedTokenHint(token: Pick<ResolvedToken, 'source' | 'where'>): string {
  const revoke = 'Create a new access token in Portainer (My account > Access tokens) if it was revoked or expired.';
  switch (token.source) {
    case 'env':
      return `The token from ${token.where} was refused: unset PORTAINER_API_KEY (it wins over the keyring and the token file) or replace its value. ${revoke}`;
    case 'keyring':
      return `The token from the ${token.where} was refused: replace it with phoenix portainer token set. ${revoke}`;
    case 'file':
      return `The token from the token file ${token.where} was refused: replace it with phoenix portainer token set --store file. ${revoke}`;
    default:
      return `The token was refused. ${revoke}`;
  }
}
