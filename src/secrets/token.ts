import { userInfo } from 'node:os';

import { AuthError } from '../errors';
import { DEFAULT_TOKEN_FILE, readTokenFile } from './token-file';

export type TokenSource = 'env' | 'keyring' | 'file';

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
}

/**
 * Find the API token: PORTAINER_API_KEY, then the token file (PHOENIX_TOKEN_FILE,
 * `portainer.token_file`, the default path). The OS keyring comes between the two once the
 * secrets issue lands; until then it is not consulted.
 */
export async function resolveToken(lookup: TokenLookup): Promise<ResolvedToken> {
  const fromEnv = lookup.env.PORTAINER_API_KEY?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env', where: 'PORTAINER_API_KEY' };
  const path = lookup.env.PHOENIX_TOKEN_FILE || lookup.configTokenFile || DEFAULT_TOKEN_FILE;
  const me = userInfo();
  try {
    return { token: await readTokenFile(path, { uid: me.uid, userName: me.username }), source: 'file', where: path };
  } catch (error) {
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
