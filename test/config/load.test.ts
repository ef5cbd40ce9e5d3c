/** Finding the config file, reading JSONC, syntax errors with positions, and resolved settings. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findConfigPath, loadConfig, SYSTEM_CONFIG_PATH } from '../../src/config';
import { configError, configErrorSync, FIXTURES, REPO_ROOT, tempDir } from './config-helpers';

const shown = (file: string) => path.relative(process.cwd(), file);

describe('findConfigPath', () => {
  const minimal = { vms: [] };

  it('prefers --config, then PHOENIX_CONFIG, then ./phoenix_vm_configs.json', () => {
    const dir = tempDir({ 'a.json': minimal, 'b.json': minimal, 'phoenix_vm_configs.json': minimal });
    const env = { PHOENIX_CONFIG: path.join(dir, 'b.json') };
    expect(findConfigPath('a.json', env, dir)).toBe(path.join(dir, 'a.json'));
    expect(findConfigPath(undefined, env, dir)).toBe(path.join(dir, 'b.json'));
    expect(findConfigPath(undefined, {}, dir)).toBe(path.join(dir, 'phoenix_vm_configs.json'));
  });

  it('uses the process cwd and environment by default', () => {
    const dir = tempDir({ 'phoenix_vm_configs.json': minimal });
    const before = process.cwd();
    const saved = process.env.PHOENIX_CONFIG;
    try {
      process.chdir(dir);
      delete process.env.PHOENIX_CONFIG;
      expect(findConfigPath()).toBe(path.join(process.cwd(), 'phoenix_vm_configs.json'));
    } finally {
      process.chdir(before);
      if (saved !== undefined) process.env.PHOENIX_CONFIG = saved;
    }
  });

  it('names the file and the rule that chose it when it does not exist', () => {
    const dir = tempDir();
    const fromFlag = configErrorSync(() => findConfigPath('nope.json', {}, dir));
    expect(fromFlag.message).toBe(`config file not found: ${path.join(dir, 'nope.json')} (from --config)`);
    expect(fromFlag.hint).toBe('pass --config <path> or set PHOENIX_CONFIG to the phoenix_vm_configs.json to use');
    const fromEnv = configErrorSync(() => findConfigPath(undefined, { PHOENIX_CONFIG: '/nowhere/x.json' }, dir));
    expect(fromEnv.message).toBe('config file not found: /nowhere/x.json (from PHOENIX_CONFIG)');
  });

  it('falls back to the Phoenix Hypervisor install path and says where it looked', () => {
    const dir = tempDir();
    const error = configErrorSync(() => findConfigPath(undefined, {}, dir));
    expect(error.message).toBe(`no config file found: looked for ${path.join(dir, 'phoenix_vm_configs.json')} and ${SYSTEM_CONFIG_PATH}`);
    expect(SYSTEM_CONFIG_PATH).toBe('/usr/local/phoenix_hypervisor/etc/phoenix_vm_configs.json');
    expect(error.code).toBe('CONFIG_NOT_FOUND');
  });
});

describe('loadConfig', () => {
  it('loads the sample config at the repository root', async () => {
    const config = await loadConfig(path.join(REPO_ROOT, 'phoenix_vm_configs.json'));
    expect(config.path).toBe(path.join(REPO_ROOT, 'phoenix_vm_configs.json'));
    expect(config.dir).toBe(REPO_ROOT);
    expect(config.portainer).toEqual({ url: 'http://127.0.0.1:9000', insecure: false, tokenFile: '/etc/phoenix/portainer-api-key', caFile: undefined, secretsDir: undefined });
    expect(config.environments).toEqual({ dev: { protected: false }, test: { protected: false }, prod: { protected: true } });
    expect(config.data).toHaveProperty('vm_defaults.storage_pool', 'quickOS-vm-disks');
  });

  it('reads comments and trailing commas, and resolves relative paths against the file', async () => {
    const config = await loadConfig(path.join(FIXTURES, 'with-comments.jsonc'));
    expect(config.portainer).toEqual({
      url: 'https://portainer.internal.example:9443',
      caFile: path.join(FIXTURES, 'certs/root_ca.crt'),
      insecure: false,
      tokenFile: '/etc/phoenix/portainer-api-key',
      secretsDir: path.join(FIXTURES, 'secrets'),
    });
  });

  it('resolves relative settings against the config directory, whatever the cwd', async () => {
    const before = process.cwd();
    try {
      process.chdir(tempDir());
      const config = await loadConfig(path.join(FIXTURES, 'relative/nested/phoenix_vm_configs.json'));
      expect(config.portainer.caFile).toBe(path.join(FIXTURES, 'relative/nested/certs/root_ca.crt'));
      expect(config.portainer.tokenFile).toBe(path.join(FIXTURES, 'relative/token'));
      expect(config.portainer.secretsDir).toBe('/var/lib/phoenix/secrets');
    } finally {
      process.chdir(before);
    }
  });

  it('tolerates provisioning fields of every kind and keeps the document untouched', async () => {
    const file = path.join(FIXTURES, 'provisioning-zoo.json');
    const config = await loadConfig(file);
    expect(config.data).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('lists all three mistakes of a file at once', async () => {
    const file = path.join(FIXTURES, 'three-mistakes.json');
    const error = await configError(() => loadConfig(file));
    expect(error.message).toBe(`${shown(file)} has 3 problems`);
    expect(error.hint).toBe('fix the file and run phoenix config validate');
    expect(error.details).toEqual([
      `${shown(file)}: stacks.monitoring.enviroments: unknown key "enviroments"; did you mean "environments"?`,
      `${shown(file)}: vms[1].docker_stacks[0].name: invalid stack name "Monitoring": use lower-case letters, digits, "-" and "_", starting with a letter or digit (Portainer would silently store it as "monitoring")`,
      `${shown(file)}: vms[2].vmid: duplicate vmid 1002 (also vms[1])`,
    ]);
    expect(error.toJSON()).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 65, details: error.details });
  });

  it('reports syntax errors with line and column', async () => {
    const file = path.join(FIXTURES, 'syntax-error.jsonc');
    const error = await configError(() => loadConfig(file));
    expect(error.message).toBe(`${shown(file)} has 1 problem`);
    expect(error.details).toEqual([`${shown(file)}:5:5: syntax error: expected ","`]);
  });

  it('reports every syntax error, and an empty file', async () => {
    const dir = tempDir({ 'two.json': '{\n  "vms": [1 2],\n  "x": }\n', 'empty.json': '' });
    const two = await configError(() => loadConfig(path.join(dir, 'two.json')));
    expect(two.details.map((line) => line.replace(/^.*two\.json/, 'two.json'))).toEqual(['two.json:2:13: syntax error: expected ","', 'two.json:3:8: syntax error: expected a value']);
    const empty = await configError(() => loadConfig(path.join(dir, 'empty.json')));
    expect(empty.details[0]).toMatch(/empty\.json:1:1: syntax error: the file is empty$/);
  });

  it('names the path when the file cannot be read', async () => {
    const dir = tempDir();
    const error = await configError(() => loadConfig(path.join(dir, 'missing.json')));
    expect(error.message).toBe(`cannot read config file ${path.join(dir, 'missing.json')}: not found`);
    expect(error.hint).toMatch(/--config <path>.*PHOENIX_CONFIG/);
  });

  it('shows an absolute path for files outside the cwd', async () => {
    const dir = tempDir({ 'phoenix_vm_configs.json': '{"vms": [{"vmid": 1}]}' });
    const error = await configError(() => loadConfig(path.join(dir, 'phoenix_vm_configs.json')));
    expect(error.details).toEqual([`${path.join(dir, 'phoenix_vm_configs.json')}: vms[0].name: missing (expected a string)`]);
  });
});
