import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { KeytarKeyring, TOKEN_SERVICE } from '../../src/secrets';
import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { registerSecret, runCli, writeConfig } from '../helpers/cli';
import { describeKeyring } from '../helpers/keyring';

/**
 * token set/status/delete through the real OS keyring. The account is the simulator's origin
 * (http://127.0.0.1:<random port>), so no real entry is ever touched; each test removes its own.
 */
const keyringSuite = describeKeyring();
const TOKEN = 'ptr_simulatortoken';
const WRONG = 'ptr_refused_by_portainer_keyring_case';
registerSecret(WRONG);

keyringSuite.describe('phoenix portainer token with the OS keyring (real Secret Service)', () => {
  const keyring = new KeytarKeyring();
  let sim: Simulator;
  let dir: string;
  let config: string;
  let account: string;

  beforeEach(async () => {
    sim = await startSimulator({ endpoints: [{ id: 3, name: 'drphoenix', type: 2 }] });
    account = new URL(sim.url).origin;
    dir = mkdtempSync(join(tmpdir(), 'phoenix-token-keyring-'));
    config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } }, [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['web'] }]);
  });

  afterEach(async () => {
    await keyring.delete(TOKEN_SERVICE, account).catch(() => false);
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const tokenFile = () => join(dir, 'no-token-file-here');
  const run = (args: string[], secretInput?: string) => runCli(args, { keyring: true, secretInput, env: { PHOENIX_TOKEN_FILE: tokenFile() } });

  it('keyring usable', () => {
    expect(keyringSuite.problem).toBeUndefined();
  });

  it('set stores in the keyring; status and plan find it there; delete removes it', async () => {
    const set = await run(['portainer', 'token', 'set', '--url', sim.url, '--config', config], TOKEN);
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toBe(`Stored the token ptr_si… for ${sim.url} in the OS keyring (service phoenix-portainer, account ${account}); Portainer 2.21.4 accepted it.\n`);
    expect(set.stderr).toBe('');
    await expect(keyring.get(TOKEN_SERVICE, account)).resolves.toBe(TOKEN);
    expect(existsSync(tokenFile())).toBe(false);

    const status = await run(['portainer', 'token', 'status', '--url', sim.url, '--config', config, '--json']);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(status.stdout).result).toMatchObject({ source: 'keyring', where: `OS keyring (service phoenix-portainer, account ${account})`, check: 'accepted' });

    const plan = await run(['portainer', '1002', 'plan', '--url', sim.url, '--config', config]);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('Plan: 1 to create');

    const del = await run(['portainer', 'token', 'delete', '--url', sim.url, '--config', config]);
    expect(del.exitCode).toBe(0);
    expect(del.stdout).toBe(`Removed the token from the OS keyring (service phoenix-portainer, account ${account}).\n`);
    await expect(keyring.get(TOKEN_SERVICE, account)).resolves.toBeNull();
    expect((await run(['portainer', 'token', 'status', '--url', sim.url, '--config', config])).exitCode).toBe(77);
  });

  it('a token Portainer refuses is not put in the keyring (exit 77)', async () => {
    const set = await run(['portainer', 'token', 'set', '--url', sim.url, '--config', config], WRONG);
    expect(set.exitCode).toBe(77);
    await expect(keyring.get(TOKEN_SERVICE, account)).resolves.toBeNull();
  });

  it('token create stores the minted key in the keyring, and plan uses it', async () => {
    const create = await run(['portainer', 'token', 'create', '--username', 'admin', '--password-stdin', '--url', sim.url, '--config', config], 'adminpassword');
    expect(create.exitCode).toBe(0);
    const minted = await keyring.get(TOKEN_SERVICE, account);
    expect(minted).toMatch(/^ptr_/);
    registerSecret(minted ?? '');
    expect(create.stdout + create.stderr).not.toContain(minted);
    const plan = await run(['portainer', '1002', 'plan', '--url', sim.url, '--config', config]);
    expect(plan.exitCode).toBe(0);
  });
});
