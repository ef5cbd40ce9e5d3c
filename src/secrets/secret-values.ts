import { readdir, readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';

import { AuthError, isPhoenixError } from '../errors';
import { checkPrivateDirectory, checkRootOnlyFile } from './root-only-file';
import type { FileIdentity, FileKind } from './root-only-file';
import { systemKeyring, tryKeyring } from './keyring';
import type { Keyring } from './keyring';

/** Keyring service of secret env values; the account is the secret's name. */
export const SECRET_SERVICE = 'phoenix-secrets';
export const DEFAULT_SECRETS_DIR = '/etc/phoenix/secrets';

/** A secret name is also a file name in the secrets directory: no path separators, no dotfiles. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function secretNameProblem(name: string): string | undefined {
  return SECRET_NAME_PATTERN.test(name) ? undefined : `"${name}" is not a valid secret name: use letters, digits, "_", "." and "-" (not first), at most 128 characters`;
}

const SECRET_FILE_KIND = (name: string): FileKind => ({ label: 'secret file', codePrefix: 'SECRET_FILE', storeCommand: `phoenix secret set ${name} --store file` });

export interface SecretPlaces {
  env: NodeJS.ProcessEnv;
  /** `portainer.secrets_dir` from the config, already absolute. */
  configSecretsDir?: string;
  keyring?: Keyring;
  /** Says that the keyring is unavailable, when it matters: a secret was found nowhere. */
  warn?: (line: string) => void;
  /** Receives the same note when the secrets directory had the value after all (--debug). */
  debug?: (line: string) => void;
}

/** The secrets directory in force: PHOENIX_SECRETS_DIR, then `portainer.secrets_dir`, then the default. */
export function secretsDir(places: Pick<SecretPlaces, 'env' | 'configSecretsDir'>): string {
  return places.env.PHOENIX_SECRETS_DIR || places.configSecretsDir || DEFAULT_SECRETS_DIR;
}

export function secretKeyringWhere(name: string): string {
  return `OS keyring (service ${SECRET_SERVICE}, account ${name})`;
}

/** The secrets directory held to ssh's StrictModes rule (root or you, no group/other write bit): exit 77 with the fix. */
export function checkSecretsDir(dir: string, identity: FileIdentity = me()): Promise<void> {
  return checkPrivateDirectory(dir, identity, 'secrets directory', 'SECRETS_DIR_UNSAFE');
}

function me(): FileIdentity {
  const info = userInfo();
  return { uid: info.uid, userName: info.username };
}

/**
 * A secret file holds the value as written, minus one trailing newline (which `echo` adds):
 * inner and other whitespace belongs to the value (a password may contain spaces, a
 * certificate newlines). Same ownership and mode rules as the token file; empty is refused.
 */
export async function readSecretFile(path: string, name: string, identity: FileIdentity = me()): Promise<string> {
  const target = await checkRootOnlyFile(path, identity, SECRET_FILE_KIND(name));
  const value = (await readFile(target, 'utf8')).replace(/\r?\n$/, '');
  if (value === '') {
    throw new AuthError(`secret file ${path} is empty`, { code: 'SECRET_FILE_EMPTY', hint: `Store a value with: phoenix secret set ${name}` });
  }
  return value;
}

export interface ResolvedSecret {
  value: string;
  source: 'keyring' | 'file';
  where: string;
}

/**
 * Resolves `{ "secret": "<name>" }` env values: the keyring (service phoenix-secrets, account
 * = name), then `<secrets dir>/<name>`. Each name is looked up once per run.
 */
export class SecretResolver {
  private readonly cache = new Map<string, Promise<ResolvedSecret>>();
  private dirChecked?: Promise<void>;
  /**
   * "No usable OS keyring": on a headless hypervisor that is every cron run that reads a secret
   * file, so it is held, and said only when a secret is found nowhere (or with --debug).
   */
  private keyringNote?: { line: string; said: boolean; debugged: boolean };

  constructor(private readonly places: SecretPlaces) {}

  resolve(name: string): Promise<ResolvedSecret> {
    let found = this.cache.get(name);
    if (!found) {
      found = this.lookup(name);
      this.cache.set(name, found);
    }
    return found;
  }

  private async lookup(name: string): Promise<ResolvedSecret> {
    const problem = secretNameProblem(name);
    if (problem) throw new AuthError(problem, { code: 'SECRET_NAME_INVALID', hint: 'Rename the secret in the config.' });
    const keyring = this.places.keyring ?? systemKeyring();
    const found = await tryKeyring(
      keyring,
      (k) => k.get(SECRET_SERVICE, name),
      (line) => (this.keyringNote = { line, said: false, debugged: false }),
      'using root-only files instead',
    );
    if (found?.value != null && found.value !== '') return { value: found.value, source: 'keyring', where: secretKeyringWhere(name) };
    const dir = secretsDir(this.places);
    const path = join(dir, name);
    this.dirChecked ??= checkSecretsDir(dir);
    await this.dirChecked;
    try {
      const value = await readSecretFile(path, name);
      if (this.keyringNote && !this.keyringNote.debugged) {
        this.keyringNote.debugged = true;
        this.places.debug?.(this.keyringNote.line);
      }
      return { value, source: 'file', where: path };
    } catch (error) {
      if (isPhoenixError(error) && error.code === 'SECRET_FILE_MISSING') {
        if (this.keyringNote && !this.keyringNote.said) {
          this.keyringNote.said = true;
          this.places.warn?.(this.keyringNote.line);
        }
        throw new AuthError(`secret "${name}" is not stored`, {
          code: 'SECRET_MISSING',
          cause: error,
          hint: `Store it with: phoenix secret set ${name} (OS keyring, or the file ${path} on a headless host).`,
        });
      }
      throw error;
    }
  }
}

export interface ListedSecret {
  name: string;
  stores: Array<'keyring' | 'file'>;
  /** Why the file would be refused (mode, owner...), when it would. */
  problem?: string;
}

/** Names of stored secrets and where each is; never a value. */
export async function listStoredSecrets(places: SecretPlaces): Promise<ListedSecret[]> {
  const byName = new Map<string, ListedSecret>();
  const entry = (name: string) => {
    let listed = byName.get(name);
    if (!listed) byName.set(name, (listed = { name, stores: [] }));
    return listed;
  };
  const keyring = places.keyring ?? systemKeyring();
  const accounts = await tryKeyring(keyring, (k) => k.accounts(SECRET_SERVICE), places.warn, 'only the secrets directory is listed');
  for (const name of accounts?.value ?? []) entry(name).stores.push('keyring');
  const dir = secretsDir(places);
  await checkSecretsDir(dir);
  const files = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new AuthError(`cannot list the secrets directory ${dir}: ${error.code ?? error.message}`, { code: 'SECRETS_DIR_UNREADABLE', cause: error });
  });
  for (const name of files.filter((file) => !secretNameProblem(file)).sort()) {
    const listed = entry(name);
    listed.stores.push('file');
    await checkRootOnlyFile(join(dir, name), me(), SECRET_FILE_KIND(name)).catch((error: unknown) => {
      listed.problem = isPhoenixError(error) ? `${error.message}${error.hint ? ` (${error.hint})` : ''}` : String(error);
    });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
