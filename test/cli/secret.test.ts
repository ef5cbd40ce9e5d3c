import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Simulator } from '../../simulator/src';
import { registerSecret, runCli } from '../helpers/cli';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const VALUE = 'Gr4fana admin p@ss, never printed';
const NEW_VALUE = 'rotated-Gr4fana-value-2';
registerSecret(VALUE);
registerSecret(NEW_VALUE);

const fixture = useSimulatorCli();
let sim: Simulator;
let dir: string;
let secretsDir: string;
let config: string;
let cli: SimCli;

beforeEach(async () => {
  cli = await fixture.start(
    { endpoints: [{ id: 3, name: 'drphoenix', type: 2 }] },
    {
      stacks: { grafana: { compose: 'services:\n  grafana:\n    image: grafana/grafana:11\n', env: { GF_PORT: '3000', GF_SECURITY_ADMIN_PASSWORD: { secret: 'grafana_admin' } } } },
      vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['grafana'] }],
    },
  );
  ({ sim, config } = cli);
  dir = mkdtempSync(join(tmpdir(), 'phoenix-secret-cli-'));
  secretsDir = join(dir, 'secrets');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const secret = (args: string[], secretInput?: string) => runCli(['secret', ...args, '--config', config], { secretInput, env: { PHOENIX_SECRETS_DIR: secretsDir } });
const portainer = (args: string[]) => cli.run(args, { env: { PHOENIX_SECRETS_DIR: secretsDir } });

describe('phoenix secret set/list/delete and secret env values (simulator, files)', () => {
  it('a secret set from stdin reaches Portainer’s Env, and never any output (text, --json, --debug)', async () => {
    const set = await secret(['set', 'grafana_admin', '--store', 'file'], `${VALUE}\n`);
    expect(set.exitCode).toBe(0);
    expect(set.stdout).toBe(`Stored secret grafana_admin in the file ${join(secretsDir, 'grafana_admin')}.\n`);
    expect(readFileSync(join(secretsDir, 'grafana_admin'), 'utf8')).toBe(`${VALUE}\n`);
    expect(statSync(join(secretsDir, 'grafana_admin')).mode & 0o777).toBe(0o600);
    expect(statSync(secretsDir).mode & 0o777).toBe(0o700);

    const plan = await portainer(['1002', 'plan', '--json', '--debug']);
    expect(plan.exitCode).toBe(0);
    const doc = JSON.parse(plan.stdout);
    expect(doc.result.vms[0].plan.items[0]).toMatchObject({ stack: 'grafana', action: 'create', env: { added: ['GF_PORT', 'GF_SECURITY_ADMIN_PASSWORD'] } });
    expect(plan.stderr).toContain('[http] GET /api/endpoints');

    // The keyring is unusable here (no Secret Service): a found secret file is no reason to say so.
    const quiet = await portainer(['1002', 'plan']);
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).not.toContain('no usable OS keyring');

    const converge = await portainer(['1002', 'converge', '--yes', '--debug']);
    expect(converge.exitCode).toBe(0);
    // --debug says why the keyring was passed over, once, as a debug line (not a warning).
    expect(converge.stderr.split('\n').filter((line) => line.includes('no usable OS keyring'))).toHaveLength(1);
    expect(sim.stacks().find((s) => s.name === 'grafana')?.env).toEqual([
      { name: 'GF_PORT', value: '3000' },
      { name: 'GF_SECURITY_ADMIN_PASSWORD', value: VALUE },
    ]);
    const again = await portainer(['1002', 'plan']);
    expect(again.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 unchanged.');
  });

  it('a changed secret shows as a changed env name, value not shown, and is applied', async () => {
    await secret(['set', 'grafana_admin', '--store', 'file'], VALUE);
    expect((await portainer(['1002', 'converge', '--yes'])).exitCode).toBe(0);
    await secret(['set', 'grafana_admin', '--store', 'file'], NEW_VALUE);
    const plan = await portainer(['1002', 'converge', '--yes']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('~ grafana');
    expect(plan.stdout).toContain('env ~ GF_SECURITY_ADMIN_PASSWORD  (secret: value not shown)');
    expect(sim.stacks()[0].env).toContainEqual({ name: 'GF_SECURITY_ADMIN_PASSWORD', value: NEW_VALUE });
  });

  it('a secret that is not stored stops the run before any request (exit 77)', async () => {
    const result = await portainer(['1002', 'converge', '--yes']);
    expect(result.exitCode).toBe(77);
    expect(result.stderr).toContain('Error: secret "grafana_admin" is not stored');
    expect(result.stderr).toContain('phoenix secret set grafana_admin');
    expect(sim.requests).toEqual([]);
  });

  it('list shows names and where, never values; delete says what it removed', async () => {
    await secret(['set', 'grafana_admin', '--store', 'file'], VALUE);
    const list = await secret(['list']);
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toBe(`NAME           WHERE\ngrafana_admin  file (${secretsDir})\n`);
    const json = await secret(['list', '--json']);
    expect(JSON.parse(json.stdout).result).toEqual({ secretsDir, secrets: [{ name: 'grafana_admin', stores: ['file'] }] });

    const removed = await secret(['delete', 'grafana_admin']);
    expect(removed.exitCode).toBe(0);
    expect(removed.stdout).toBe(`Removed secret grafana_admin from the file ${join(secretsDir, 'grafana_admin')}.\n`);
    expect(existsSync(join(secretsDir, 'grafana_admin'))).toBe(false);
    expect((await secret(['list'])).stdout).toBe(`No secrets stored (OS keyring, or ${secretsDir}).\n`);
  });

  it('refuses a multi-line value when it is stored (exit 64, nothing stored, value not echoed)', async () => {
    const set = await secret(['set', 'grafana_admin', '--store', 'file'], `${VALUE}\ninjected=1\n`);
    expect(set.exitCode).toBe(64);
    expect(set.stderr).toContain('secret grafana_admin: the value contains a newline');
    expect(set.stderr).toContain('Nothing was stored');
    expect(set.stderr).not.toContain('injected');
    expect(set.stdout).toBe('');
    expect(existsSync(join(secretsDir, 'grafana_admin'))).toBe(false);

    const cr = await secret(['set', 'grafana_admin', '--store', 'file', '--json'], `${VALUE}\rX\n`);
    expect(cr.exitCode).toBe(64);
    expect(JSON.parse(cr.stdout)).toMatchObject({ error: { code: 'SECRET_VALUE_INVALID' } });
    expect(existsSync(join(secretsDir, 'grafana_admin'))).toBe(false);
  });

  it('refuses a value on the command line (exit 64, not echoed) and a name with a slash', async () => {
    registerSecret('value-typed-in-argv');
    const argv = await secret(['set', 'grafana_admin', 'value-typed-in-argv']);
    expect(argv.exitCode).toBe(64);
    expect(argv.stderr).toContain('a secret value is not accepted as an argument');
    const bad = await secret(['set', '../etc/passwd', '--store', 'file'], 'x-value');
    expect(bad.exitCode).toBe(64);
    expect(bad.stderr).toContain('is not a valid secret name');
    expect(existsSync(secretsDir)).toBe(false);
  });
});

describe('the secrets directory and its files are held to ssh’s StrictModes rule (exit 77 with the fix)', () => {
  const isRoot = process.getuid?.() === 0;
  const fill = (mode: number) => {
    mkdirSync(secretsDir, { mode: 0o700 });
    chmodSync(secretsDir, mode);
    writeFileSync(join(secretsDir, 'grafana_admin'), `${VALUE}\n`, { mode: 0o600 });
  };
  const expectRefused = (run: { stdout: string; stderr: string; exitCode: number }, message: string, hint: string) => {
    expect(run.exitCode).toBe(77);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(hint);
    expect(sim.requests).toHaveLength(0); // refused before any request
  };

  it('a 0777 directory is refused, with the chmod that fixes it; list refuses it too', async () => {
    fill(0o777);
    expectRefused(await portainer(['1002', 'plan']), `Error: secrets directory ${secretsDir} is writable by others (mode 0777)`, `Hint: Fix it with: chmod go-w ${secretsDir}`);
    const list = await secret(['list']);
    expect(list.exitCode).toBe(77);
    expect(list.stderr).toContain('is writable by others (mode 0777)');
    const json = await portainer(['1002', 'plan', '--json']);
    expect(json.exitCode).toBe(77);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'SECRETS_DIR_UNSAFE', exitCode: 77 });
    chmodSync(secretsDir, 0o755); // group/other read is fine for a directory: no write bit
    expect((await portainer(['1002', 'plan'])).exitCode).toBe(0);
  });

  it('a group-readable secret file is refused with chmod 600', async () => {
    fill(0o700);
    chmodSync(join(secretsDir, 'grafana_admin'), 0o640);
    expectRefused(await portainer(['1002', 'plan']), 'secret file', `Hint: Fix it with: chmod 600 ${join(secretsDir, 'grafana_admin')}`);
  });

  (isRoot ? it : it.skip)('a symlink planted by another user, to a root-only file, is not followed', async () => {
    mkdirSync(secretsDir, { mode: 0o700 });
    const rootOnly = join(dir, 'root-only-key');
    writeFileSync(rootOnly, `${VALUE}\n`, { mode: 0o600 });
    const link = join(secretsDir, 'grafana_admin');
    symlinkSync(rootOnly, link);
    lchownSync(link, 65534, 65534);
    expectRefused(await portainer(['1002', 'plan']), `secret file ${link} is a symbolic link owned by uid 65534, not by root or by you; it is not followed`, `chown -h root ${link}`);
    lchownSync(link, 0, 0); // the same link, owned by root: followed, and its target passes
    expect((await portainer(['1002', 'plan'])).exitCode).toBe(0);
  });

  (isRoot ? it : it.skip)('a directory owned by another user is refused with the chown that fixes it', async () => {
    fill(0o700);
    chownSync(secretsDir, 65534, 65534);
    expectRefused(await portainer(['1002', 'plan']), `secrets directory ${secretsDir} is owned by uid 65534, not by root or by you`, `Fix it with: chown root ${secretsDir}`);
  });
});
