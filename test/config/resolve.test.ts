/** From a loaded config to one VM's desired stacks: overlays, paths, and every refusal (exit 65). */
import * as path from 'node:path';
import { checkAllVms, findPhoenixLayoutStack, listVms, loadConfig, overlayEnv, resolveVm } from '../../src/config';
import * as compose from '../../src/config/compose';
import { configSchema } from '../../src/config/schema';
import { configError, FIXTURES, REPO_ROOT, tempDir } from './config-helpers';

const shown = (file: string) => path.relative(process.cwd(), file);

describe('env overlay order', () => {
  const stack = {
    env: { A: 'stack', B: 'stack', C: 'stack', S: { secret: 'base_secret' } },
    environments: { prod: { env: { B: 'prod', C: 'prod' } }, dev: { env: { D: 'dev' } } },
  };

  it.each([
    ['no environment: only the stack env', undefined, {}, { A: 'stack', B: 'stack', C: 'stack', S: { secret: 'base_secret' } }],
    ['environment overlay beats the stack env', 'prod', {}, { A: 'stack', B: 'prod', C: 'prod', S: { secret: 'base_secret' } }],
    ['entry env beats both', 'prod', { C: 'entry', E: 'entry' }, { A: 'stack', B: 'prod', C: 'entry', E: 'entry', S: { secret: 'base_secret' } }],
    ['an environment without overlay changes nothing', 'test', {}, { A: 'stack', B: 'stack', C: 'stack', S: { secret: 'base_secret' } }],
    ['overlay adds keys', 'dev', { S: 'plain' }, { A: 'stack', B: 'stack', C: 'stack', D: 'dev', S: 'plain' }],
  ])('%s', (_title, environment, entryEnv, expected) => {
    expect(overlayEnv(stack, environment, entryEnv)).toEqual(expected);
  });

  it.each([
    ['entry environment wins over the VM environment', { name: 'web', environment: 'prod' }, 'dev', 'prod', { PORT: '443', TAG: 'base' }],
    ['VM environment applies to a plain entry', 'web', 'dev', 'dev', { PORT: '8080', TAG: 'base' }],
    ['neither: base env only', 'web', undefined, undefined, { PORT: '80', TAG: 'base' }],
    ['entry env on top', { name: 'web', env: { TAG: 'pinned' } }, 'prod', 'prod', { PORT: '443', TAG: 'pinned' }],
  ])('through resolveVm: %s', async (_title, entry, vmEnvironment, environment, env) => {
    const dir = tempDir({
      'phoenix_vm_configs.json': {
        stacks: {
          web: {
            compose: 'services:\n  web:\n    image: nginx\n',
            env: { PORT: '80', TAG: 'base' },
            environments: { prod: { env: { PORT: '443' } }, dev: { env: { PORT: '8080' } } },
          },
        },
        vms: [{ vmid: 7, name: 'v', environment: vmEnvironment, docker_stacks: [entry] }],
      },
    });
    const resolved = await resolveVm(await loadConfig(path.join(dir, 'phoenix_vm_configs.json')), 7);
    expect(resolved.stacks).toEqual([{ name: 'web', composeText: 'services:\n  web:\n    image: nginx\n', composeSource: 'inline', env, environment, services: ['web'] }]);
  });
});

describe('resolveVm', () => {
  it('reads compose files relative to the config directory, not the cwd', async () => {
    const before = process.cwd();
    try {
      process.chdir(tempDir());
      const config = await loadConfig(path.join(FIXTURES, 'relative/nested/phoenix_vm_configs.json'));
      const vm = await resolveVm(config, 4001);
      expect(vm.stacks.map((s) => [s.name, s.composeSource, s.composeText])).toEqual([
        ['web', path.join(FIXTURES, 'relative/nested/stacks/web/docker-compose.yml'), 'services:\n  web:\n    image: nginx:1.27\n'],
      ]);
    } finally {
      process.chdir(before);
    }
  });

  it('resolves the sample: VM 1002 declares at least four stacks, sorted by name', async () => {
    const config = await loadConfig(path.join(REPO_ROOT, 'phoenix_vm_configs.json'));
    const vm = await resolveVm(config, 1002);
    expect(vm).toMatchObject({ vmid: 1002, name: 'drphoenix', environment: 'test', portainerRole: 'agent', portainerEnvironmentName: 'drphoenix' });
    expect(vm.stacks.map((s) => s.name)).toEqual(['monitoring', 'qdrant', 'uptime-kuma', 'whoami']);
    expect(vm.stacks[0].composeText).toContain('${GRAFANA_PORT}');
    expect(vm.stacks[1].env).toEqual({ QDRANT_TAG: 'v1.12.0', QDRANT_PORT: '6334', QDRANT_LOG_LEVEL: 'INFO' });
    for (const vmid of [1001, 1003]) await expect(resolveVm(config, vmid)).resolves.toMatchObject({ vmid });
  });

  it('limits to one declared stack, case-insensitively', async () => {
    const config = await loadConfig(path.join(REPO_ROOT, 'phoenix_vm_configs.json'));
    expect((await resolveVm(config, 1002, 'qdrant')).stacks.map((s) => s.name)).toEqual(['qdrant']);
    expect((await resolveVm(config, 1002, 'QDRANT')).stacks.map((s) => s.name)).toEqual(['qdrant']);
  });

  it('refuses a stack argument the VM does not declare', async () => {
    const config = await loadConfig(path.join(REPO_ROOT, 'phoenix_vm_configs.json'));
    const error = await configError(() => resolveVm(config, 1002, 'redis-cach'));
    expect(error.message).toBe('stack "redis-cach" is not declared on vm 1002 (drphoenix); declared: monitoring, qdrant, uptime-kuma, whoami');
    expect(error.code).toBe('UNKNOWN_STACK');
    const typo = await configError(() => resolveVm(config, 1002, 'qdrnt'));
    expect(typo.message).toBe('stack "qdrnt" is not declared on vm 1002 (drphoenix); declared: monitoring, qdrant, uptime-kuma, whoami; did you mean "qdrant"?');
  });

  it('names the known vmids and the nearest one for an unknown vmid', async () => {
    const dir = tempDir({
      'phoenix_vm_configs.json': {
        vms: [
          { vmid: 1002, name: 'b' },
          { vmid: 1001, name: 'a' },
        ],
      },
    });
    const config = await loadConfig(path.join(dir, 'phoenix_vm_configs.json'));
    const error = await configError(() => resolveVm(config, 1003));
    expect(error.message).toBe('unknown vmid 1003; known: 1001, 1002; did you mean 1002?');
    expect(error.code).toBe('UNKNOWN_VMID');
    expect((await configError(() => resolveVm(config, 42))).message).toBe('unknown vmid 42; known: 1001, 1002');
  });

  it('refuses a stack defined nowhere, suggesting the closest name', async () => {
    const file = path.join(FIXTURES, 'bad-compose/phoenix_vm_configs.json');
    const error = await configError(async () => resolveVm(await loadConfig(file), 3002));
    const line = `${shown(file)}: vms[1].docker_stacks[1]: unknown stack "god"; defined: broken, good, listed, missing, servicesless; did you mean "good"?`;
    expect(error.message).toBe(line);
    expect(error.details).toEqual([line]);
  });

  it('refuses missing, invalid and service-less compose text, all at once, before any request', async () => {
    const file = path.join(FIXTURES, 'bad-compose/phoenix_vm_configs.json');
    const error = await configError(async () => resolveVm(await loadConfig(file), 3001));
    const stacks = path.join(FIXTURES, 'bad-compose/stacks');
    expect(error.message).toBe('vm 3001 (bad) has 4 stack problems');
    expect(error.hint).toBe('fix the stack definitions; nothing was sent to Portainer');
    expect(error.details).toEqual([
      `${shown(file)}: stacks.missing.compose_file: compose file ${path.join(stacks, 'missing.yml')}: not found`,
      `${path.join(stacks, 'broken.yml')}:5:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `${path.join(stacks, 'servicesless.yml')}: not a compose file: no "services" mapping`,
      `${shown(file)}: stacks.listed.compose: not a compose file: "services" must be a mapping of service names`,
    ]);
  });

  it('gives the line of a YAML error inside inline compose', async () => {
    const dir = tempDir({
      'phoenix_vm_configs.json': { stacks: { web: { compose: 'services:\n  web:\n    image: a\n    image: b\n' } }, vms: [{ vmid: 1, name: 'a', docker_stacks: ['web'] }] },
    });
    const error = await configError(async () => resolveVm(await loadConfig(path.join(dir, 'phoenix_vm_configs.json')), 1));
    expect(error.message).toBe(`${path.join(dir, 'phoenix_vm_configs.json')}: stacks.web.compose: line 4, column 5 of the inline YAML: invalid YAML: Map keys must be unique`);
  });

  it('refuses compose text whose services mapping is empty or whose top level is not a mapping', async () => {
    const dir = tempDir({
      'phoenix_vm_configs.json': {
        stacks: { empty: { compose: 'services: {}\n' }, list: { compose: '- a\n' } },
        vms: [{ vmid: 1, name: 'a', docker_stacks: ['empty', 'list'] }],
      },
    });
    const error = await configError(async () => resolveVm(await loadConfig(path.join(dir, 'phoenix_vm_configs.json')), 1));
    const where = path.join(dir, 'phoenix_vm_configs.json');
    expect(error.details).toEqual([
      `${where}: stacks.empty.compose: not a compose file: "services" is empty`,
      `${where}: stacks.list.compose: not a compose file: the top level must be a mapping with "services"`,
    ]);
  });
});

describe('checkAllVms', () => {
  it('lists the stack problems of every VM at once', async () => {
    const file = path.join(FIXTURES, 'bad-compose/phoenix_vm_configs.json');
    const error = await configError(async () => checkAllVms(await loadConfig(file)));
    expect(error.message).toBe(`${shown(file)} has 5 problems`);
    expect(error.hint).toBe('fix the file and run phoenix config validate');
    expect(error.details).toHaveLength(5);
    expect(error.details[4]).toBe(`${shown(file)}: vms[1].docker_stacks[1]: unknown stack "god"; defined: broken, good, listed, missing, servicesless; did you mean "good"?`);
  });

  it('returns every resolved VM of a valid file', async () => {
    const resolved = await checkAllVms(await loadConfig(path.join(REPO_ROOT, 'phoenix_vm_configs.json')));
    expect(resolved.map((vm) => [vm.vmid, vm.stacks.length])).toEqual([
      [1001, 3],
      [1002, 4],
      [1003, 3],
    ]);
  });
});

describe('listVms', () => {
  it('summarises every VM of the sample, sorted by vmid', async () => {
    const config = await loadConfig(path.join(REPO_ROOT, 'phoenix_vm_configs.json'));
    expect(listVms(config)).toEqual([
      {
        vmid: 1001,
        name: 'mgmt',
        environment: 'prod',
        portainerRole: 'primary',
        portainerEnvironmentName: 'local',
        stackNames: ['monitoring', 'redis-cache', 'uptime-kuma'],
        stackEnvironments: ['prod'],
      },
      {
        vmid: 1002,
        name: 'drphoenix',
        environment: 'test',
        portainerRole: 'agent',
        portainerEnvironmentName: 'drphoenix',
        agent: { ip: '10.0.0.102/24' },
        stackNames: ['monitoring', 'qdrant', 'uptime-kuma', 'whoami'],
        stackEnvironments: ['test'],
      },
      {
        vmid: 1003,
        name: 'dev-box',
        environment: 'dev',
        portainerRole: 'agent',
        portainerEnvironmentName: 'dev-box',
        agent: { ip: '10.0.0.103/24' },
        stackNames: ['monitoring', 'qdrant', 'whoami'],
        stackEnvironments: ['dev'],
      },
    ]);
  });

  it('revalidates data it is handed, so a hand-built LoadedConfig cannot smuggle a bad shape', () => {
    const error = (() => {
      try {
        listVms({ path: '/x/phoenix_vm_configs.json', dir: '/x', portainer: { insecure: false }, environments: {}, data: { vms: [{ vmid: 'a' }] } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ exitCode: 65, message: '/x/phoenix_vm_configs.json has 2 problems' });
  });
});

describe('Phoenix Hypervisor layout seam', () => {
  it('finds stacks/<name>/docker-compose.yml beside the config (the stacks block still comes first in resolveVm)', async () => {
    await expect(findPhoenixLayoutStack(REPO_ROOT, 'monitoring', 'test')).resolves.toEqual({ composeFile: path.join(REPO_ROOT, 'stacks/monitoring/docker-compose.yml'), env: {} });
    await expect(findPhoenixLayoutStack(REPO_ROOT, 'no-such-stack')).resolves.toBeUndefined();
  });
});

describe('linear in the number of VMs', () => {
  /** A config of `count` VMs sharing one compose file and one inline stack. */
  function manyVms(count: number): string {
    const vms = Array.from({ length: count }, (_, i) => ({ vmid: 2000 + i, name: `vm-${i}`, portainer_environment_name: `env-${i}`, docker_stacks: ['filed', 'inline'] }));
    const stacks = { filed: { compose_file: 'stacks/filed.yml' }, inline: { compose: 'services:\n  app:\n    image: nginx\n' } };
    return tempDir({ 'phoenix_vm_configs.json': { stacks, vms }, 'stacks/filed.yml': 'services:\n  web:\n    image: nginx\n' });
  }

  afterEach(() => jest.restoreAllMocks());

  it('validates the document once per load, however many VMs are resolved', async () => {
    const dir = manyVms(40);
    const safeParse = jest.spyOn(configSchema, 'safeParse');
    const parse = jest.spyOn(configSchema, 'parse');
    const config = await loadConfig(path.join(dir, 'phoenix_vm_configs.json'));
    const resolved = await checkAllVms(config);
    expect(resolved).toHaveLength(40);
    listVms(config);
    await resolveVm(config, 2001);
    expect(safeParse).toHaveBeenCalledTimes(1);
    expect(parse).not.toHaveBeenCalled();
  });

  it('reads and parses a compose file shared by every VM once per load', async () => {
    const dir = manyVms(40);
    const yaml = jest.spyOn(compose, 'composeProblem');
    const read = jest.spyOn(compose, 'readComposeFile');
    const config = await loadConfig(path.join(dir, 'phoenix_vm_configs.json'));
    await checkAllVms(config);
    expect(read).toHaveBeenCalledTimes(1);
    expect(yaml).toHaveBeenCalledTimes(2);
  });
});

describe('checkAllVms: where each VM deploys', () => {
  const inline = { compose: 'services:\n  app:\n    image: nginx\n' };
  async function problemsOf(vms: unknown[]): Promise<string[]> {
    const dir = tempDir({ 'phoenix_vm_configs.json': { stacks: { web: inline, api: inline }, vms } });
    const file = path.join(dir, 'phoenix_vm_configs.json');
    const error = await configError(async () => checkAllVms(await loadConfig(file)));
    return error.details.map((line) => line.replace(`${file}: `, ''));
  }

  it('a VM with stacks needs portainer_environment_name or portainer_endpoint_id; one without stacks does not', async () => {
    expect(
      await problemsOf([
        { vmid: 1, name: 'a', docker_stacks: ['web'] },
        { vmid: 2, name: 'b' },
        { vmid: 3, name: 'c', docker_stacks: [] },
      ]),
    ).toEqual(['vms[0]: vm 1 declares docker_stacks but names no Portainer environment: add "portainer_environment_name" (phoenix portainer environments lists them) or "portainer_endpoint_id"']);
  });

  it('one stack declared twice on the same id or name is reported once per later VM; other environments are fine', async () => {
    const lines = await problemsOf([
      { vmid: 1, name: 'a', portainer_environment_name: 'dev', portainer_endpoint_id: 7, docker_stacks: ['web', 'api'] },
      { vmid: 2, name: 'b', portainer_environment_name: 'dev', portainer_endpoint_id: 7, docker_stacks: [{ name: 'web' }] },
      { vmid: 3, name: 'c', portainer_endpoint_id: 7, docker_stacks: ['api'] },
      { vmid: 4, name: 'd', portainer_environment_name: 'test', docker_stacks: ['web', 'api'] },
    ]);
    expect(lines).toEqual([
      'vms[1].docker_stacks[0]: stack "web" is also declared by vm 1 (vms[0]) on the same Portainer environment (portainer_endpoint_id 7): each VM would claim it; declare it on one of them, or map them to different environments',
      'vms[2].docker_stacks[0]: stack "api" is also declared by vm 1 (vms[0]) on the same Portainer environment (portainer_endpoint_id 7): each VM would claim it; declare it on one of them, or map them to different environments',
    ]);
  });
});
