import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AuthError, ExitCode } from '../../src/errors';
import { resolveToken, TOKEN_SERVICE, tokenAccount, tokenPrefix } from '../../src/secrets';
import { FakeKeyring } from './fake-keyring';

const URL = 'https://portainer.internal:9443/some/path/';
const ACCOUNT = 'https://portainer.internal:9443';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'phoenix-resolve-'));
  file = join(dir, 'key');
  writeFileSync(file, 'ptr_from_file\n', { mode: 0o600 });
  chmodSync(file, 0o600);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function keyringWith(token?: string): FakeKeyring {
  const keyring = new FakeKeyring();
  if (token) keyring.entries.set(`${TOKEN_SERVICE}/${ACCOUNT}`, token);
  return keyring;
}

describe('resolveToken order: PORTAINER_API_KEY > keyring > token file', () => {
  it('the env variable wins over the keyring and the file, without asking the keyring', async () => {
    const keyring = keyringWith('ptr_from_keyring');
    const found = await resolveToken({ env: { PORTAINER_API_KEY: 'ptr_from_env', PHOENIX_TOKEN_FILE: file }, url: URL, keyring });
    expect(found).toEqual({ token: 'ptr_from_env', source: 'env', where: 'PORTAINER_API_KEY' });
    expect(keyring.calls).toBe(0);
  });

  it('the keyring entry of the URL’s origin wins over the file', async () => {
    const found = await resolveToken({ env: { PHOENIX_TOKEN_FILE: file }, url: URL, keyring: keyringWith('ptr_from_keyring') });
    expect(found).toEqual({ token: 'ptr_from_keyring', source: 'keyring', where: `OS keyring (service phoenix-portainer, account ${ACCOUNT})` });
  });

  it('an entry for another origin is not used: the file is', async () => {
    const keyring = new FakeKeyring();
    keyring.entries.set(`${TOKEN_SERVICE}/https://other:9443`, 'ptr_other');
    await expect(resolveToken({ env: { PHOENIX_TOKEN_FILE: file }, url: URL, keyring })).resolves.toMatchObject({ token: 'ptr_from_file', source: 'file', where: file });
  });

  it('an unavailable keyring is not warned about when the file has the token (only --debug hears it), and said once when no token is found', async () => {
    const keyring = new FakeKeyring('Cannot autolaunch D-Bus without X11 $DISPLAY');
    const warnings: string[] = [];
    const debug: string[] = [];
    const warn = (line: string) => warnings.push(line);
    await expect(resolveToken({ env: { PHOENIX_TOKEN_FILE: file }, url: URL, keyring, warn, debug: (line) => debug.push(line) })).resolves.toMatchObject({ token: 'ptr_from_file', source: 'file' });
    expect(warnings).toEqual([]);
    expect(debug).toEqual(['no usable OS keyring (Cannot autolaunch D-Bus without X11 $DISPLAY); using root-only files instead.']);
    const fresh = new FakeKeyring('Cannot autolaunch D-Bus without X11 $DISPLAY');
    await expect(resolveToken({ env: { PHOENIX_TOKEN_FILE: join(dir, 'missing') }, url: URL, keyring: fresh, warn })).rejects.toMatchObject({ code: 'TOKEN_MISSING' });
    expect(warnings).toEqual(['no usable OS keyring (Cannot autolaunch D-Bus without X11 $DISPLAY); using root-only files instead.']);
  });

  it('with nothing anywhere: exit 77 naming the three ways, after asking the keyring', async () => {
    const keyring = new FakeKeyring();
    const error = await resolveToken({ env: { PHOENIX_TOKEN_FILE: join(dir, 'missing') }, url: URL, keyring }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).exitCode).toBe(ExitCode.AUTH);
    expect((error as AuthError).code).toBe('TOKEN_MISSING');
    expect(keyring.calls).toBe(1);
  });
});

describe('tokenAccount and tokenPrefix', () => {
  it('the account is the origin: path, trailing slash and default port do not matter', () => {
    expect(tokenAccount('https://Portainer.Internal:443/api/')).toBe('https://portainer.internal');
    expect(tokenAccount('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
  });

  it('shows at most 7 characters, and at most a third of a short token', () => {
    expect(tokenPrefix('ptr_abcdefghijklmnopqrstuvwxyz0123456789')).toBe('ptr_abc…');
    expect(tokenPrefix('abcdef')).toBe('ab…');
  });
});
