export { keyringWhere, refusedTokenHint, resolveToken, tokenAccount, tokenPrefix, TOKEN_SERVICE } from './token';
export type { ResolvedToken, TokenLookup, TokenSource } from './token';
export { DEFAULT_TOKEN_FILE, readTokenFile, tokenFilePath } from './token-file';
export { checkPrivateDirectory, checkRootOnlyFile } from './root-only-file';
export type { FileIdentity, FileKind } from './root-only-file';
export { KeyringUnavailableError, KeytarKeyring, systemKeyring, tryKeyring } from './keyring';
export type { Keyring } from './keyring';
export { removeFile, writeFileAtomic } from './atomic-write';
export { keyringHas, removeValue, storeValue } from './store';
export type { StoreChoice, StoreKind, StoreTarget, Stored } from './store';
export {
  checkSecretsDir,
  DEFAULT_SECRETS_DIR,
  listStoredSecrets,
  readSecretFile,
  SECRET_SERVICE,
  secretKeyringWhere,
  secretNameProblem,
  SecretResolver,
  secretsDir,
} from './secret-values';
export type { ListedSecret, ResolvedSecret, SecretPlaces } from './secret-values';
