import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator } from '../../simulator/src';
import type { Simulator, SimulatorOptions } from '../../simulator/src';
import { registerSecret, runCli, writeConfig } from '../helpers/cli';
import { JSON_SCHEMA_VERSION } from '../../src/cli/error-output';

const TOKEN = 'ptr_simulatortoken';
const WRONG = 'ptr_wrong_token_that_portainer_refuses';
registerSecret(WRONG);
registerSecret('adminpassword');

let sim: Simulator;
let dir: string;
let tokenFile: string;
let config: string;

async function setup(options: SimulatorOptions = {}) {
  sim = await startSimulator({ endpoints: [{ id: 3, name: 'drphoenix', type: 2 }], ...options });
  dir = mkdtempSync(join(tmpdir(), 'phoenix-token-cli-'));
  tokenFile = join(dir, 'etc', 'phoenix', 'portainer-api-key');
  config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } }, [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['web'] }]);
}

afterEach(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A token command against the simulator; no D-Bus session, so no keyring: the file is used. */
const token = (args: string[], options: { secretInput?: string; env?: NodeJS.ProcessEnv } = {}) =>
  runCli(['portainer', 'token', ...args, '--url', sim.url, '--config', config], { secretInput: options.secretInput, env: { PHOENIX_TOKEN_FILE: tokenFile, ...options.env } });

const mode = (path: string) => statSync(path).mode & 0o777;

describe('phoenix portainer token set (simulator, no keyring)', () => {
  it('checks a piped token with an authenticated read, then writes the file 0600 in a new 0700 directory', async () => {
    await setup();
    const result = await token(['set'], { secretInput: `${TOKEN}\n` });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`Stored the token ptr_si… for ${sim.url} in the token file ${tokenFile}; Portainer 2.21.4 accepted it.\n`);
    expect(result.stderr.match(/no usable OS keyring/g)).toHaveLength(1);
    expect(result.stderr).toContain(`storing in ${tokenFile} instead`);
    expect(readFileSync(tokenFile, 'utf8')).toBe(`${TOKEN}\n`);
    expect(mode(tokenFile)).toBe(0o600);
    expect(mode(join(dir, 'etc', 'phoenix'))).toBe(0o700);
    const read = sim.requests.find((r) => r.path === '/api/endpoints');
    expect(read?.headers['x-api-key']).toBe('<redacted>');
    expect(sim.requests.every((r) => r.headers.cookie === undefined && r.headers.authorization === undefined)).toBe(true);
  });

  it('a token Portainer refuses exits 77 and is stored nowhere', async () => {
    await setup();
    const result = await token(['set'], { secretInput: WRONG });
    expect(result.exitCode).toBe(77);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Error: Portainer refused the token (Invalid JWT token); it was not stored');
    expect(existsSync(tokenFile)).toBe(false);
    expect(existsSync(join(dir, 'etc'))).toBe(false);
  });

  it('--no-verify stores without a request', async () => {
    await setup();
    const result = await token(['set', '--no-verify', '--store', 'file'], { secretInput: TOKEN });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('not checked (--no-verify)');
    expect(sim.requests).toEqual([]);
    expect(readFileSync(tokenFile, 'utf8')).toBe(`${TOKEN}\n`);
  });

  it('refuses a token on the command line without echoing it (exit 64), and stores nothing', async () => {
    await setup();
    registerSecret('ptr_typed_on_the_command_line');
    const result = await token(['set', 'ptr_typed_on_the_command_line']);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain('the token is not accepted as an argument');
    expect(existsSync(tokenFile)).toBe(false);
  });

  it('empty stdin is a usage error, and a JWT is refused before any request', async () => {
    await setup();
    expect((await token(['set'])).exitCode).toBe(64);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MX0.c2lnbmF0dXJlLXZhbHVl';
    const result = await token(['set'], { secretInput: jwt });
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain('login session (JWT), not an API token');
    expect(sim.requests).toEqual([]);
  });
});

describe('phoenix portainer token status / delete', () => {
  function storeFile(value: string, fileMode = 0o600) {
    writeFileSync(join(dir, 'key'), `${value}\n`, { mode: fileMode });
    chmodSync(join(dir, 'key'), fileMode);
    return join(dir, 'key');
  }

  it('says which source won, shows only the first characters, and checks it (--json too)', async () => {
    await setup();
    const file = storeFile(TOKEN);
    const text = await token(['status'], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toBe(`Token ptr_si… for ${sim.url}, from ${file}.\nPortainer 2.21.4 accepts it (1 environment(s) visible).\n`);
    const json = await token(['status', '--json'], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, exitCode: 0, command: 'portainer:token:status', result: { source: 'file', where: file, prefix: 'ptr_si…', check: 'accepted' } });
    const fromEnv = await token(['status', '--json'], { env: { PHOENIX_TOKEN_FILE: file, PORTAINER_API_KEY: TOKEN } });
    expect(JSON.parse(fromEnv.stdout).result).toMatchObject({ source: 'env', where: 'PORTAINER_API_KEY' });
  });

  it('a refused token: exit 77 with the status still reported', async () => {
    await setup();
    const file = storeFile(WRONG);
    const result = await token(['status', '--json'], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(result.exitCode).toBe(77);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 77, result: { check: 'refused', source: 'file' }, error: { code: 'TOKEN_REJECTED' } });
  });

  it('a group-readable token file: exit 77 with the exact chmod on stderr, nothing on stdout, no request', async () => {
    await setup();
    const file = storeFile(TOKEN, 0o644);
    const result = await runCli(['portainer', '1002', 'plan', '--config', config, '--url', sim.url], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(result.exitCode).toBe(77);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Error: token file ${file} is readable or writable by others (mode 0644)\nHint: Fix it with: chmod 600 ${file}\n`);
    expect(sim.requests).toEqual([]);
  });

  it('delete removes the file and says so; a second delete finds nothing', async () => {
    await setup();
    const file = storeFile(TOKEN);
    const first = await token(['delete'], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toBe(`Removed the token from the token file ${file}.\n`);
    expect(existsSync(file)).toBe(false);
    const second = await token(['delete', '--json'], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(second.exitCode).toBe(0);
    expect(JSON.parse(second.stdout).result.removed).toEqual([]);
    const status = await token(['status'], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(status.exitCode).toBe(77);
    expect(status.stderr).toContain('no Portainer API token found');
  });
});

describe('phoenix portainer token create', () => {
  it('logs in once, mints a key (with the password, 2.20+), stores it; plan then works with it', async () => {
    await setup();
    const result = await token(['create', '--username', 'admin', '--password-stdin'], { secretInput: 'adminpassword\n' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Created the token ptr_\\S+… \\("phoenix on ${hostname()}"\\) for admin on ${sim.url}; stored in the token file ${tokenFile}\\.\\n$`));
    const minted = readFileSync(tokenFile, 'utf8').trim();
    registerSecret(minted);
    expect(minted).toMatch(/^ptr_/);
    expect(minted).not.toBe(TOKEN);
    expect(result.stdout + result.stderr).not.toContain(minted);
    expect(mode(tokenFile)).toBe(0o600);

    expect(sim.requests.filter((r) => r.path === '/api/auth')).toHaveLength(1);
    expect(sim.requests.some((r) => r.path === '/api/users/me')).toBe(true);
    const mint = sim.requests.find((r) => r.path === '/api/users/1/tokens');
    expect(mint?.status).toBe(201);
    expect(mint?.body).toEqual({ password: '<redacted>', description: `phoenix on ${hostname()}` });
    expect(sim.requests.every((r) => r.headers.cookie === undefined)).toBe(true);
    expect(
      sim.requests
        .filter((r) => r.headers.authorization !== undefined)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/api/users/1/tokens', '/api/users/me']);

    const plan = await runCli(['portainer', '1002', 'plan', '--config', config, '--url', sim.url], { env: { PHOENIX_TOKEN_FILE: tokenFile } });
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('Plan: 1 to create, 0 to update, 0 to delete, 0 unchanged.');
  });

  it('before 2.20 the user id comes from the JWT (no /api/users/me)', async () => {
    await setup({ version: '2.19.4' });
    const result = await token(['create', '--username', 'admin', '--password-stdin'], { secretInput: 'adminpassword' });
    expect(result.exitCode).toBe(0);
    registerSecret(readFileSync(tokenFile, 'utf8').trim());
    expect(sim.requests.some((r) => r.path === '/api/users/me')).toBe(false);
    expect(sim.requests.find((r) => r.path === '/api/users/1/tokens')?.status).toBe(201);
  });

  it('a wrong password: exit 77 after exactly one login attempt, nothing stored', async () => {
    await setup();
    registerSecret('not-the-password');
    const result = await token(['create', '--username', 'admin', '--password-stdin'], { secretInput: 'not-the-password' });
    expect(result.exitCode).toBe(77);
    expect(result.stderr).toContain('Portainer refused the login for "admin"');
    expect(sim.requests.filter((r) => r.path === '/api/auth')).toHaveLength(1);
    expect(sim.writes().map((r) => r.path)).toEqual(['/api/auth']);
    expect(existsSync(tokenFile)).toBe(false);
  });

  it('without a terminal and without --password-stdin: usage error, no request', async () => {
    await setup();
    const result = await token(['create', '--username', 'admin']);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain('--password-stdin');
    expect(sim.requests).toEqual([]);
  });
});

describe('./.env: loaded only when it is a regular file of root or yours, writable by no one else', () => {
  const isRoot = process.getuid?.() === 0;
  /** `token status` from a directory holding a .env (no --url: the URL comes from the .env). */
  const status = (cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => runCli(['portainer', 'token', 'status', ...args], { cwd, env });
  const writeDotEnv = (content: string, mode = 0o600) => {
    const path = join(dir, '.env');
    writeFileSync(path, content, { mode });
    chmodSync(path, mode);
    return path;
  };
  const expectRefused = (run: { stdout: string; stderr: string; exitCode: number }, message: string, hint: string) => {
    expect(run.exitCode).toBe(77);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Error: ${message}`);
    expect(run.stderr).toContain(`Hint: ${hint}`);
    expect(sim.requests).toHaveLength(0); // the planted URL was never contacted
  };

  it('a safe .env sets PORTAINER_URL and the token, and token status names it as the source', async () => {
    await setup();
    const path = writeDotEnv(`PORTAINER_URL=${sim.url}\nPORTAINER_API_KEY=${TOKEN}\n`, 0o644);
    const run = await status(dir);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`Token ptr_si… for ${sim.url}, from PORTAINER_API_KEY (set by ${path}).\nPortainer 2.21.4 accepts it (1 environment(s) visible).\n`);
    const json = await status(dir, ['--json']);
    expect(JSON.parse(json.stdout).result).toMatchObject({ source: 'env', where: `PORTAINER_API_KEY (set by ${path})` });
  });

  it('variables already set in the environment win over .env (and the key is then not "from .env")', async () => {
    await setup();
    writeDotEnv(`PORTAINER_URL=http://127.0.0.1:9\nPORTAINER_API_KEY=ptr_from_dotenv_loses\n`);
    const run = await status(dir, [], { PORTAINER_URL: sim.url, PORTAINER_API_KEY: TOKEN });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Token ptr_si… for ${sim.url}, from PORTAINER_API_KEY.`);
  });

  it('a .env writable by others is refused (77) with the chmod, before any request; --json gets the envelope', async () => {
    await setup();
    const path = writeDotEnv(`PORTAINER_URL=${sim.url}\nPORTAINER_API_KEY=${TOKEN}\n`, 0o666);
    expectRefused(await status(dir), `${path} is writable by others (mode 0666)`, `Fix it with: chmod go-w ${path}`);
    const json = await status(dir, ['--json']);
    expect(json.exitCode).toBe(77);
    expect(json.stderr).toBe('');
    // The same envelope as every command's, at the one version (it said 1 after the contract moved to 2).
    expect(JSON.parse(json.stdout)).toMatchObject({ schemaVersion: JSON_SCHEMA_VERSION, ok: false, exitCode: 77, error: { code: 'DOTENV_UNSAFE', exitCode: 77 } });
    chmodSync(path, 0o620); // the group write bit alone is enough to refuse
    expect((await status(dir)).exitCode).toBe(77);
  });

  it('a .env that is a symbolic link is not followed (77), even to a safe file', async () => {
    await setup();
    const real = join(dir, 'real.env');
    writeFileSync(real, `PORTAINER_URL=${sim.url}\n`, { mode: 0o600 });
    symlinkSync(real, join(dir, '.env'));
    expectRefused(await status(dir), `${join(dir, '.env')} is a symbolic link; phoenix does not follow it`, 'Replace the link with a copy of the file');
  });

  (isRoot ? it : it.skip)('a .env owned by another user is refused (77) with the chown', async () => {
    await setup();
    const path = writeDotEnv(`PORTAINER_URL=${sim.url}\n`);
    chownSync(path, 65534, 65534);
    expectRefused(await status(dir), `${path} is owned by uid 65534, not by root or by you`, `If you trust its content, fix it with: chown root ${path}; else remove it.`);
  });
});

describe('a refused token names its source; delete reminds to revoke', () => {
  it('token status: a stale PORTAINER_API_KEY is named in the message and the hint, not "token set"', async () => {
    await setup();
    const run = await token(['status'], { env: { PORTAINER_API_KEY: WRONG } });
    expect(run.exitCode).toBe(77);
    expect(run.stdout).toBe(`Token ptr_wro… for ${sim.url}, from PORTAINER_API_KEY.\n`);
    expect(run.stderr).toContain('Error: Portainer refused the token from PORTAINER_API_KEY (');
    expect(run.stderr).toContain('Hint: The token from PORTAINER_API_KEY was refused: unset PORTAINER_API_KEY (it wins over the keyring and the token file) or replace its value.');
  });

  it('the 401 of a plan names the source too: the token file', async () => {
    await setup();
    const file = join(dir, 'key');
    writeFileSync(file, `${WRONG}\n`, { mode: 0o600 });
    const run = await runCli(['portainer', '1002', 'plan', '--config', config, '--url', sim.url], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(run.exitCode).toBe(77);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Hint: The token from the token file ${file} was refused: replace it with phoenix portainer token set --store file.`);
    const env = await runCli(['portainer', '1002', 'plan', '--config', config, '--url', sim.url], { env: { PORTAINER_API_KEY: WRONG } });
    expect(env.exitCode).toBe(77);
    expect(env.stderr).toContain('Hint: The token from PORTAINER_API_KEY was refused: unset PORTAINER_API_KEY');
  });

  it('delete says to revoke the token in Portainer; with PORTAINER_API_KEY set the shared file is kept', async () => {
    await setup();
    const file = join(dir, 'key');
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 });
    const kept = await token(['delete'], { env: { PHOENIX_TOKEN_FILE: file, PORTAINER_API_KEY: TOKEN } });
    expect(kept.exitCode).toBe(0);
    expect(kept.stdout).toBe('No stored token found; nothing removed.\n');
    expect(kept.stderr).toContain('Warning: the token in use comes from PORTAINER_API_KEY; phoenix cannot unset it: unset it yourself.');
    expect(existsSync(file)).toBe(true);
    const removed = await token(['delete'], { env: { PHOENIX_TOKEN_FILE: file } });
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toBe(`Removed the token from the token file ${file}.\n`);
    expect(removed.stderr).toContain('The token stays valid in Portainer until it is revoked there: My account > Access tokens.');
    expect(existsSync(file)).toBe(false);
  });
});
