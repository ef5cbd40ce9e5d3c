import * as path from 'node:path';

import { findPhoenixLayoutStack, loadConfig, phoenixLayoutPortainer, resolveVm } from '../../src/config';
import { configError, REPO_ROOT, tempDir } from './config-helpers';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/phoenix-layout');
const compose = 'services:\n  app:\n    image: busybox\n';

describe('findPhoenixLayoutStack', () => {
  it('reads compose_file_path and the production variables when no environment is given', async () => {
    const stack = await findPhoenixLayoutStack(FIXTURE, 'qdrant_service');
    expect(stack).toEqual({ composeFile: path.join(FIXTURE, 'stacks/qdrant_service/docker-compose.yml'), env: { QDRANT_TAG: 'v1.12.0', QDRANT_PORT: '6333' } });
    expect((await findPhoenixLayoutStack(FIXTURE, 'qdrant_service', 'staging'))?.env).toEqual({ QDRANT_TAG: 'v1.13.0' });
  });

  it('falls back to stacks/<name>/docker-compose.yml, and knows nothing else', async () => {
    expect(await findPhoenixLayoutStack(FIXTURE, 'whoami')).toEqual({ composeFile: path.join(FIXTURE, 'stacks/whoami/docker-compose.yml'), env: {} });
    expect(await findPhoenixLayoutStack(FIXTURE, 'nothing-here')).toBeUndefined();
    expect(await findPhoenixLayoutStack(tempDir(), 'whoami')).toBeUndefined();
  });

  it('an environment the stack does not define is a config error naming the ones it does', async () => {
    const error = await configError(() => findPhoenixLayoutStack(FIXTURE, 'qdrant_service', 'stagign'));
    expect(error.message).toContain('has no environment "stagign"; it defines production, staging; did you mean "staging"?');
  });

  it('a stacks file of the wrong shape is a config error', async () => {
    const dir = tempDir({ 'phoenix_stacks_config.json': { docker_stacks: { app: { environments: { production: { variables: 'x' } } } } } });
    await configError(() => findPhoenixLayoutStack(dir, 'app'));
  });

  it('refuses layout variables whose name or value would break stack.env, naming each, for the environment used only', async () => {
    const variables = [
      { name: 'A=B', value: '1' },
      { name: 'TAG', value: '1.27\nINJECTED=1' },
      { name: 'OK', value: 'fine' },
    ];
    const dir = tempDir({
      'phoenix_stacks_config.json': { docker_stacks: { app: { environments: { production: { variables }, staging: { variables: [{ name: 'OK', value: 'x' }] } } } } },
      'stacks/app/docker-compose.yml': compose,
    });
    const file = path.join(dir, 'phoenix_stacks_config.json');
    const error = await configError(() => findPhoenixLayoutStack(dir, 'app'));
    expect(error.message).toBe(`${file} has 2 problems`);
    expect(error.details).toEqual([
      `${file}: docker_stacks.app.environments.production.variables[0].name: invalid env name "A=B": use letters, digits and "_", not starting with a digit (Portainer writes each variable as a NAME=VALUE line)`,
      `${file}: docker_stacks.app.environments.production.variables[1].value: env value contains a newline: Portainer writes each variable as one NAME=VALUE line, so it would inject variables or break the deploy; keep the value on one line`,
    ]);
    expect(JSON.stringify(error.details)).not.toContain('INJECTED');
    expect((await findPhoenixLayoutStack(dir, 'app', 'staging'))?.env).toEqual({ OK: 'x' });

    const configDir = tempDir({
      'phoenix_vm_configs.json': { vms: [{ vmid: 7, name: 'x', portainer_environment_name: 'e', docker_stacks: ['app'] }] },
      'phoenix_stacks_config.json': { docker_stacks: { app: { environments: { production: { variables } } } } },
      'stacks/app/docker-compose.yml': compose,
    });
    const viaVm = await configError(async () => resolveVm(await loadConfig(path.join(configDir, 'phoenix_vm_configs.json')), 7));
    expect(viaVm.details).toHaveLength(2);
    expect(viaVm.details[1]).toContain('variables[1].value: env value contains a newline');
  });

  it('resolveVm uses the layout for stacks missing from the stacks block, the stacks block first', async () => {
    const dir = tempDir({
      'phoenix_vm_configs.json': { stacks: { app: { compose } }, vms: [{ vmid: 1, name: 'a', docker_stacks: ['app', 'other'] }] },
      'phoenix_stacks_config.json': { docker_stacks: { app: { compose_file_path: 'nope.yml' }, other: { compose_file_path: 'x/other.yml' } } },
      'x/other.yml': compose,
    });
    const vm = await resolveVm(await loadConfig(path.join(dir, 'phoenix_vm_configs.json')), 1);
    expect(vm.stacks.map((s) => [s.name, s.composeSource])).toEqual([
      ['app', 'inline'],
      ['other', path.join(dir, 'x/other.yml')],
    ]);
  });
});

describe('phoenixLayoutPortainer', () => {
  it('builds an HTTPS URL from network.portainer_server_ip/port and warns about each credential, never returning it', async () => {
    const layout = await phoenixLayoutPortainer(FIXTURE);
    expect(layout.url).toBe('https://127.0.0.1:9443');
    expect(layout.warnings).toHaveLength(2);
    expect(JSON.stringify(layout)).not.toContain('must_not_leak');
    expect(JSON.stringify(layout)).not.toContain('must-not-leak');
  });

  it('has no URL without the file or its address; a string port and an IPv6 address work', async () => {
    const none = await phoenixLayoutPortainer(tempDir());
    expect(none.url).toBeUndefined();
    expect(none.warnings).toEqual([]);
    const dir = tempDir({ 'phoenix_hypervisor_config.json': { network: { portainer_server_ip: 'fd00::5', portainer_server_port: '9443' }, portainer_api: { api_key: '' } } });
    expect(await phoenixLayoutPortainer(dir)).toMatchObject({ url: 'https://[fd00::5]:9443', warnings: [] });
  });
});
