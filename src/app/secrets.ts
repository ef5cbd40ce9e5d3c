import { join } from 'node:path';

import { envValueProblem, findConfigPath, loadConfig } from '../config';
import type { LoadedConfig } from '../config';
import { isPhoenixError, UsageError } from '../errors';
import { listStoredSecrets, removeValue, SECRET_SERVICE, secretKeyringWhere, secretNameProblem, secretsDir, storeValue, systemKeyring } from '../secrets';
import type { Keyring, ListedSecret, StoreChoice, StoreTarget, Stored } from '../secrets';

/**
 * The config when there is one. Token and secret commands also run where no config exists yet
 * (a fresh host: `token set --url ...`); an explicit --config / PHOENIX_CONFIG must exist.
 */
export async function optionalConfig(flag: string | undefined, env: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  try {
    return await loadConfig(findConfigPath(flag, env));
  } catch (error) {
    const explicit = Boolean(flag || env.PHOENIX_CONFIG);
    if (explicit || !isPhoenixError(error) || error.code !== 'CONFIG_NOT_FOUND') throw error;
    return { path: '', dir: process.cwd(), portainer: { insecure: false }, environments: {}, data: {} };
  }
}

export interface SecretRequest {
  config?: string;
  env: NodeJS.ProcessEnv;
  warn: (line: string) => void;
  /** Default: the OS keyring through keytar. */
  keyring?: Keyring;
}

async function targetFor(name: string, request: SecretRequest): Promise<StoreTarget> {
  const problem = secretNameProblem(name);
  if (problem) throw new UsageError(problem, { code: 'SECRET_NAME_INVALID', hint: 'The name is also a file name in the secrets directory.' });
  const config = await optionalConfig(request.config, request.env);
  return {
    keyring: request.keyring ?? systemKeyring(),
    service: SECRET_SERVICE,
    account: name,
    file: join(secretsDir({ env: request.env, configSecretsDir: config.portainer.secretsDir }), name),
    keyringWhere: secretKeyringWhere(name),
    warn: request.warn,
  };
}

export async function setSecret(request: SecretRequest & { name: string; value: string; store: StoreChoice }): Promise<{ name: string } & Stored> {
  // The rule every env value obeys at run time, checked when the value is stored: a value that
  // no converge could send is refused now, not on the next run (the value itself is never shown).
  const problem = envValueProblem(request.value);
  if (problem !== undefined) {
    throw new UsageError(`secret ${request.name}: ${problem.replace(/^env value/, 'the value')}`, {
      code: 'SECRET_VALUE_INVALID',
      hint: `Nothing was stored. Encode a multi-line value (e.g. base64) and decode it in the container; one trailing newline of piped input is dropped.`,
    });
  }
  const stored = await storeValue(request.value, request.store, await targetFor(request.name, request));
  return { name: request.name, ...stored };
}

export async function deleteSecret(request: SecretRequest & { name: string; store: StoreChoice }): Promise<{ name: string; removed: Stored[] }> {
  return { name: request.name, removed: await removeValue(request.store, await targetFor(request.name, request)) };
}

export async function listSecrets(request: SecretRequest): Promise<{ secretsDir: string; secrets: ListedSecret[] }> {
  const config = await optionalConfig(request.config, request.env);
  const places = { env: request.env, configSecretsDir: config.portainer.secretsDir, keyring: request.keyring, warn: request.warn };
  return { secretsDir: secretsDir(places), secrets: await listStoredSecrets(places) };
}
