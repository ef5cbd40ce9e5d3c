export { resolveToken } from './token';
export type { ResolvedToken, TokenSource } from './token';
export { DEFAULT_TOKEN_FILE, readTokenFile } from './token-file';
