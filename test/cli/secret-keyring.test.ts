import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { KeytarKeyring, SECRET_SERVICE } from '../../src/secrets';
import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { registerSecret, runCli, writeConfig } from '../helpers/cli';
import { describeKeyring } from '../helpers/keyring';

/** secret set/list/delete through the real OS keyring, under a name unique to this run. */
const keyringSuite = describeKeyring();
const NAME = `phoenix_test_${randomBytes(4).toString('hex')}`;
const VALUE = `keyring-secret-${randomBytes(6).toString('hex')}`;
registerSecret(VALUE);

keyringSuite.describe('phoenix secret with the OS keyring (real Secret Service)', () => {
  const keyring = new KeytarKeyring();
  let sim: Simulator;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    sim = await startSimulator({ endpoints: [{ id: 3, name: 'drphoenix', type: 2 }] });
    dir = mkdtempSync(join(tmpdir(), 'phoenix-secret-keyring-'));
    config = writeConfig({ app: { compose: 'services:\n  app:\n    image: busybox\n', env: { PASSWORD: { secret: NAME } } } }, [
      { vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['app'] },
    ]);
  });

  afterEach(async () => {
    await keyring.delete(SECRET_SERVICE, NAME).catch(() => false);
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: string[], secretInput?: string) =>
    runCli([...args, '--config', config], { keyring: true, secretInput, env: { PHOENIX_SECRETS_DIR: join(dir, 'secrets'), PORTAINER_API_KEY: 'ptr_simulatortoken' } });

  it('keyring usable', () => {
    expect(keyringSuite.problem).toBeUndefined();
  });

  it('set puts the value in the keyring, list shows it there, converge sends it, delete removes it', async () => {
    const set = await run(['secret', 'set', NAME], VALUE);
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toBe(`Stored secret ${NAME} in the OS keyring (service phoenix-secrets, account ${NAME}).\n`);
    await expect(keyring.get(SECRET_SERVICE, NAME)).resolves.toBe(VALUE);
    expect(existsSync(join(dir, 'secrets'))).toBe(false); // the keyring, not a file

    const list = await run(['secret', 'list', '--json']);
    expect(JSON.parse(list.stdout).result.secrets).toContainEqual({ name: NAME, stores: ['keyring'] });

    const converge = await run(['portainer', '1002', 'converge', '--yes', '--url', sim.url, '--json', '--debug']);
    expect(converge.exitCode).toBe(0);
    expect(sim.stacks()[0].env).toEqual([{ name: 'PASSWORD', value: VALUE }]);

    const del = await run(['secret', 'delete', NAME]);
    expect(del.stdout).toBe(`Removed secret ${NAME} from the OS keyring (service phoenix-secrets, account ${NAME}).\n`);
    await expect(keyring.get(SECRET_SERVICE, NAME)).resolves.toBeNull();
  });
});
