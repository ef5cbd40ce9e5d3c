import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { desiredInput, StackSecrets } from '../../src/app/desired-env';
import { AuthError, ExitCode } from '../../src/errors';
import { listStoredSecrets, SECRET_SERVICE, SecretResolver, secretNameProblem, secretsDir } from '../../src/secrets';
import { FakeKeyring } from './fake-keyring';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'phoenix-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode);
  return path;
}

async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  expect((error as AuthError).exitCode).toBe(ExitCode.AUTH);
  return error as AuthError;
}

const env = () => ({ PHOENIX_SECRETS_DIR: dir });

describe('SecretResolver: keyring (phoenix-secrets) > <secrets dir>/<name>', () => {
  it('an unavailable keyring is not warned about when the file has the value (only --debug hears it), and said once when a secret is found nowhere', async () => {
    secretFile('db_password', 'from-file\n');
    const note = 'no usable OS keyring (Cannot autolaunch D-Bus without X11 $DISPLAY); using root-only files instead.';
    const warnings: string[] = [];
    const debug: string[] = [];
    const resolver = new SecretResolver({ env: env(), keyring: new FakeKeyring('Cannot autolaunch D-Bus without X11 $DISPLAY'), warn: (l) => warnings.push(l), debug: (l) => debug.push(l) });
    await expect(resolver.resolve('db_password')).resolves.toMatchObject({ value: 'from-file', source: 'file' });
    expect(warnings).toEqual([]);
    expect(debug).toEqual([note]);
    await expect(resolver.resolve('missing_one')).rejects.toMatchObject({ code: 'SECRET_MISSING' });
    await expect(resolver.resolve('missing_two')).rejects.toMatchObject({ code: 'SECRET_MISSING' });
    expect(warnings).toEqual([note]);
  });

  it('takes the keyring value over the file', async () => {
    secretFile('db_password', 'from-file\n');
    const keyring = new FakeKeyring();
    keyring.entries.set(`${SECRET_SERVICE}/db_password`, 'from keyring');
    await expect(new SecretResolver({ env: env(), keyring }).resolve('db_password')).resolves.toEqual({
      value: 'from keyring',
      source: 'keyring',
      where: 'OS keyring (service phoenix-secrets, account db_password)',
    });
  });

  it('reads the file when the keyring has no entry; only one trailing newline goes, inner spaces stay', async () => {
    secretFile('db_password', 'correct horse  battery\n\n');
    const found = await new SecretResolver({ env: env(), keyring: new FakeKeyring() }).resolve('db_password');
    expect(found).toEqual({ value: 'correct horse  battery\n', source: 'file', where: join(dir, 'db_password') });
  });

  it('an unavailable keyring falls back to the file, said once (to --debug only: the files had the values)', async () => {
    secretFile('a', 'x1');
    secretFile('b', 'x2');
    const warnings: string[] = [];
    const debug: string[] = [];
    const resolver = new SecretResolver({ env: env(), keyring: new FakeKeyring('Cannot autolaunch D-Bus without X11 $DISPLAY'), warn: (l) => warnings.push(l), debug: (l) => debug.push(l) });
    await expect(resolver.resolve('a')).resolves.toMatchObject({ value: 'x1' });
    await expect(resolver.resolve('b')).resolves.toMatchObject({ value: 'x2' });
    expect(warnings).toHaveLength(0);
    expect(debug).toHaveLength(1);
  });

  it('a missing secret: exit 77, naming phoenix secret set', async () => {
    const error = await refusal(new SecretResolver({ env: env(), keyring: new FakeKeyring() }).resolve('nope'));
    expect(error.code).toBe('SECRET_MISSING');
    expect(error.message).toBe('secret "nope" is not stored');
    expect(error.hint).toContain('phoenix secret set nope');
  });

  it('the same permission rules as the token file: a 0644 secret file is refused with its chmod', async () => {
    const path = secretFile('db_password', 'x', 0o644);
    const error = await refusal(new SecretResolver({ env: env(), keyring: new FakeKeyring() }).resolve('db_password'));
    expect(error.code).toBe('SECRET_FILE_UNSAFE');
    expect(error.hint).toBe(`Fix it with: chmod 600 ${path}`);
  });

  it('an empty secret file is refused', async () => {
    secretFile('empty', '\n');
    expect((await refusal(new SecretResolver({ env: env(), keyring: new FakeKeyring() }).resolve('empty'))).code).toBe('SECRET_FILE_EMPTY');
  });

  it('a name that could escape the directory is refused before any lookup', async () => {
    const keyring = new FakeKeyring();
    expect((await refusal(new SecretResolver({ env: env(), keyring }).resolve('../passwd'))).code).toBe('SECRET_NAME_INVALID');
    expect(keyring.calls).toBe(0);
    expect(secretNameProblem('.hidden')).toBeDefined();
    expect(secretNameProblem('grafana_admin')).toBeUndefined();
  });

  it('the secrets dir: PHOENIX_SECRETS_DIR, then portainer.secrets_dir, then the default', () => {
    expect(secretsDir({ env: { PHOENIX_SECRETS_DIR: '/a' }, configSecretsDir: '/b' })).toBe('/a');
    expect(secretsDir({ env: {}, configSecretsDir: '/b' })).toBe('/b');
    expect(secretsDir({ env: {} })).toBe('/etc/phoenix/secrets');
  });
});

describe('listStoredSecrets', () => {
  it('lists names from both stores, flags an unsafe file, and carries no value', async () => {
    secretFile('both', 'v-file-both');
    secretFile('loose', 'v-file-loose', 0o640);
    secretFile('.both.123.tmp', 'temp');
    mkdirSync(join(dir, 'sub'));
    const keyring = new FakeKeyring();
    keyring.entries.set(`${SECRET_SERVICE}/both`, 'v-keyring-both');
    keyring.entries.set(`${SECRET_SERVICE}/only_keyring`, 'v-keyring-only');
    const listed = await listStoredSecrets({ env: env(), keyring });
    expect(listed.map(({ name, stores }) => ({ name, stores }))).toEqual([
      { name: 'both', stores: ['keyring', 'file'] },
      { name: 'loose', stores: ['file'] },
      { name: 'only_keyring', stores: ['keyring'] },
      { name: 'sub', stores: ['file'] },
    ]);
    expect(listed.find((s) => s.name === 'loose')?.problem).toContain('chmod 600');
    expect(listed.find((s) => s.name === 'sub')?.problem).toContain('not a regular file');
    expect(JSON.stringify(listed)).not.toMatch(/v-(file|keyring)/);
  });
});

describe('desiredInput with secrets', () => {
  it('puts secret values in the env and marks their names; plain values untouched', async () => {
    secretFile('grafana_admin', 's3cret-value');
    const stack = { name: 'monitoring', composeText: 'services: {}\n', composeSource: 'inline', env: { PORT: '3000', ADMIN_PASSWORD: { secret: 'grafana_admin' } } };
    const secrets = new StackSecrets(new SecretResolver({ env: env(), keyring: new FakeKeyring() }));
    await secrets.load([stack]);
    expect(desiredInput(stack, secrets)).toEqual({
      name: 'monitoring',
      composeText: 'services: {}\n',
      env: [
        { name: 'PORT', value: '3000' },
        { name: 'ADMIN_PASSWORD', value: 's3cret-value' },
      ],
      secretNames: ['ADMIN_PASSWORD'],
    });
    expect(secrets.all()).toEqual(['s3cret-value']);
  });
});
