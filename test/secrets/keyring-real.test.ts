import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { KeytarKeyring, resolveToken, SECRET_SERVICE, SecretResolver, storeValue, removeValue, TOKEN_SERVICE } from '../../src/secrets';
import { describeKeyring } from '../helpers/keyring';

/**
 * A real round trip through keytar and the Secret Service. Only test-specific services and
 * accounts are touched (a random suffix per run), and each one is deleted afterwards.
 */
const keyringSuite = describeKeyring();
const run = randomBytes(4).toString('hex');
const SERVICE = `phoenix-test-${run}`;
const ORIGIN = `https://phoenix-test-${run}.invalid:9443`;
const SECRET = `phoenix_test_${run}`;

keyringSuite.describe('the OS keyring through keytar (real Secret Service)', () => {
  const keyring = new KeytarKeyring();
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'phoenix-keyring-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const [service, account] of [
      [SERVICE, 'a'],
      [SERVICE, 'b'],
      [TOKEN_SERVICE, ORIGIN],
      [SECRET_SERVICE, SECRET],
    ]) {
      await keyring.delete(service, account).catch(() => false);
    }
  });

  it('is usable here', () => {
    // Under PHOENIX_TEST_KEYRING=required an unusable keyring must fail, with the reason.
    expect(keyringSuite.problem).toBeUndefined();
  });

  it('stores, reads, lists and deletes', async () => {
    await keyring.set(SERVICE, 'a', 'value-a');
    await keyring.set(SERVICE, 'b', 'value b with spaces');
    await expect(keyring.get(SERVICE, 'a')).resolves.toBe('value-a');
    await expect(keyring.accounts(SERVICE)).resolves.toEqual(['a', 'b']);
    await expect(keyring.delete(SERVICE, 'a')).resolves.toBe(true);
    await expect(keyring.delete(SERVICE, 'a')).resolves.toBe(false);
    await expect(keyring.get(SERVICE, 'a')).resolves.toBeNull();
  });

  it('a token stored for an origin is found by resolveToken before the token file, and gone after delete', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'ptr_from_file\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    const target = { keyring, service: TOKEN_SERVICE, account: ORIGIN, file, keyringWhere: 'kr' };
    await expect(storeValue('ptr_from_real_keyring', 'auto', target)).resolves.toEqual({ store: 'keyring', where: 'kr' });
    await expect(resolveToken({ env: { PHOENIX_TOKEN_FILE: file }, url: `${ORIGIN}/`, keyring })).resolves.toMatchObject({ token: 'ptr_from_real_keyring', source: 'keyring' });
    await expect(removeValue('keyring', target)).resolves.toEqual([{ store: 'keyring', where: 'kr' }]);
    await expect(resolveToken({ env: { PHOENIX_TOKEN_FILE: file }, url: ORIGIN, keyring })).resolves.toMatchObject({ token: 'ptr_from_file', source: 'file' });
  });

  it('a secret value stored in the keyring resolves from it', async () => {
    await keyring.set(SECRET_SERVICE, SECRET, 'multi\nline value');
    await expect(new SecretResolver({ env: { PHOENIX_SECRETS_DIR: dir }, keyring }).resolve(SECRET)).resolves.toMatchObject({ value: 'multi\nline value', source: 'keyring' });
  });
});
