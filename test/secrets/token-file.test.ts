import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { AuthError, ExitCode } from '../../src/errors';
import { readTokenFile, resolveToken } from '../../src/secrets';

const me = { uid: userInfo().uid, userName: userInfo().username };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'phoenix-token-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tokenFile(content: string, mode = 0o600): string {
  const path = join(dir, 'key');
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

describe('readTokenFile', () => {
  it('reads a 0600 file and trims the trailing newline echo adds', async () => {
    await expect(readTokenFile(tokenFile('ptr_abc\n'), me)).resolves.toBe('ptr_abc');
  });

  it.each(['0640', '0604', '0644', '0660'])('refuses mode %s with the exact chmod that fixes it', async (mode) => {
    const path = tokenFile('ptr_abc', parseInt(mode, 8));
    const error = await refusal(readTokenFile(path, me));
    expect(error.code).toBe('TOKEN_FILE_UNSAFE');
    expect(error.hint).toBe(`Fix it with: chmod 600 ${path}`);
  });

  // Only root can give a file away; elsewhere this case cannot be set up and is skipped.
  (me.uid === 0 ? it : it.skip)('refuses a file owned by another user with the chown that fixes it', async () => {
    const path = tokenFile('ptr_abc');
    chownSync(path, 4321, 4321);
    const error = await refusal(readTokenFile(path, { uid: 1000, userName: 'ops' }));
    expect(error.message).toContain('owned by uid 4321');
    expect(error.hint).toBe(`Fix it with: chown ops ${path}`);
  });

  it('follows a symlink and checks the file it points to', async () => {
    const target = tokenFile('ptr_abc', 0o644);
    const link = join(dir, 'link');
    symlinkSync(target, link);
    const error = await refusal(readTokenFile(link, me));
    expect(error.message).toContain(`${link} (-> ${target})`);
    chmodSync(target, 0o600);
    await expect(readTokenFile(link, me)).resolves.toBe('ptr_abc');
  });

  it('refuses a directory', async () => {
    const path = join(dir, 'adir');
    mkdirSync(path, { mode: 0o700 });
    const error = await refusal(readTokenFile(path, me));
    expect(error.code).toBe('TOKEN_FILE_UNSAFE');
    expect(error.message).toBe(`token file ${path} is not a regular file`);
  });

  it('refuses an empty file and one holding more than the token', async () => {
    expect((await refusal(readTokenFile(tokenFile('\n'), me))).code).toBe('TOKEN_FILE_EMPTY');
    expect((await refusal(readTokenFile(tokenFile('ptr_abc ptr_def\n'), me))).code).toBe('TOKEN_FILE_INVALID');
  });

  it('says exactly what is wrong with an empty file or inner whitespace', async () => {
    const empty = await refusal(readTokenFile(tokenFile(''), me));
    expect(empty.message).toBe(`token file ${join(dir, 'key')} is empty`);
    const twoLines = await refusal(readTokenFile(tokenFile('ptr_abc\nptr_def\n'), me));
    expect(twoLines.code).toBe('TOKEN_FILE_INVALID');
    expect(twoLines.message).toBe(`token file ${join(dir, 'key')} holds more than one word; it must hold only the API token`);
  });

  it('trims surrounding whitespace (CRLF, spaces) but keeps the token intact', async () => {
    await expect(readTokenFile(tokenFile('  ptr_abc\r\n'), me)).resolves.toBe('ptr_abc');
  });

  it('names the mode in the message of a group-readable file', async () => {
    const path = tokenFile('ptr_abc', 0o640);
    expect((await refusal(readTokenFile(path, me))).message).toBe(`token file ${path} is readable or writable by others (mode 0640)`);
  });

  it('a symlink to a 0644 file gets the chmod of the target, not of the link', async () => {
    const target = tokenFile('ptr_abc', 0o644);
    const link = join(dir, 'link2');
    symlinkSync(target, link);
    expect((await refusal(readTokenFile(link, me))).hint).toBe(`Fix it with: chmod 600 ${target}`);
  });

  it('says a missing file is missing', async () => {
    expect((await refusal(readTokenFile(join(dir, 'nope'), me))).code).toBe('TOKEN_FILE_MISSING');
  });
});

describe('resolveToken', () => {
  it('prefers PORTAINER_API_KEY over any file', async () => {
    const path = tokenFile('ptr_file');
    await expect(resolveToken({ env: { PORTAINER_API_KEY: 'ptr_env', PHOENIX_TOKEN_FILE: path } })).resolves.toMatchObject({ token: 'ptr_env', source: 'env' });
  });

  it('uses PHOENIX_TOKEN_FILE over the config token file', async () => {
    const path = tokenFile('ptr_file');
    await expect(resolveToken({ env: { PHOENIX_TOKEN_FILE: path }, configTokenFile: join(dir, 'other') })).resolves.toMatchObject({ token: 'ptr_file', source: 'file', where: path });
  });

  it('with no token anywhere, exits 77 naming the three ways to provide one', async () => {
    const error = await refusal(resolveToken({ env: {}, configTokenFile: join(dir, 'missing') }));
    expect(error.code).toBe('TOKEN_MISSING');
    expect(error.hint).toContain('PORTAINER_API_KEY');
    expect(error.hint).toContain('phoenix portainer token set');
    expect(error.hint).toContain(join(dir, 'missing'));
  });
});
