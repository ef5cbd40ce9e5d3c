import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { deleteToken } from '../../src/app/token';
import { TOKEN_SERVICE } from '../../src/secrets';
import { FakeKeyring } from './fake-keyring';

const URL = 'https://portainer-a.internal:9443';
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'phoenix-token-delete-'));
  file = join(dir, 'portainer-api-key');
  writeFileSync(file, 'ptr_shared_file_token\n', { mode: 0o600 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const request = (keyring: FakeKeyring, env: NodeJS.ProcessEnv, warnings: string[]) => ({
  url: URL,
  insecure: false,
  env: { PHOENIX_TOKEN_FILE: file, ...env },
  warn: (line: string) => warnings.push(line),
  redact: () => undefined,
  keyring,
});

describe('token delete removes the token where it was found for this URL', () => {
  it('a keyring entry for this origin: only it goes; the shared token file is kept and named', async () => {
    const keyring = new FakeKeyring();
    keyring.entries.set(`${TOKEN_SERVICE}/${URL}`, 'ptr_a');
    keyring.entries.set(`${TOKEN_SERVICE}/https://portainer-b.internal:9443`, 'ptr_b');
    const warnings: string[] = [];
    const result = await deleteToken({ ...request(keyring, {}, warnings), config: undefined, store: 'auto' });
    expect(result.removed).toEqual([{ store: 'keyring', where: `OS keyring (service ${TOKEN_SERVICE}, account ${URL})` }]);
    expect(result.kept).toBe(file);
    expect(existsSync(file)).toBe(true);
    expect([...keyring.entries.keys()]).toEqual([`${TOKEN_SERVICE}/https://portainer-b.internal:9443`]);
    expect(warnings).toEqual([`the token file ${file} was kept: it may hold the token of other Portainers. Remove it with: phoenix portainer token delete --store file`]);
  });

  it('no keyring entry: the token file is this URL’s source and is removed', async () => {
    const result = await deleteToken({ ...request(new FakeKeyring(), {}, []), config: undefined, store: 'auto' });
    expect(result.removed).toEqual([{ store: 'file', where: file }]);
    expect(existsSync(file)).toBe(false);
  });

  it('PORTAINER_API_KEY wins: the file is not its source and is kept; the warning names the variable', async () => {
    const warnings: string[] = [];
    const result = await deleteToken({ ...request(new FakeKeyring(), { PORTAINER_API_KEY: 'ptr_env' }, warnings), config: undefined, store: 'auto' });
    expect(result.removed).toEqual([]);
    expect(existsSync(file)).toBe(true);
    expect(warnings).toEqual(['the token in use comes from PORTAINER_API_KEY; phoenix cannot unset it: unset it yourself.']);
  });

  it('--store file removes the file as asked', async () => {
    const result = await deleteToken({ ...request(new FakeKeyring(), { PORTAINER_API_KEY: 'ptr_env' }, []), config: undefined, store: 'file' });
    expect(result.removed).toEqual([{ store: 'file', where: file }]);
  });
});
