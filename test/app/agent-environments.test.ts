/**
 * Which same-named Portainer environment an agent VM may use, and what a registration answer
 * must be before stacks go on it (src/app/agent-environments.ts). An Edge agent has no agent URL
 * to compare; a Docker environment over TCP compares host and port like an agent; anything else
 * (the server's own Docker socket, Kubernetes, ACI) is a conflict (73) naming what it is.
 */
import * as path from 'node:path';
import { agentEnvironment, registerEnvironment } from '../../src/app/agent-environments';
import { loadConfig, resolveVm } from '../../src/config';
import type { LoadedConfig, ResolvedVm } from '../../src/config';
import { ConflictError } from '../../src/errors';
import type { AgentEnvironmentInput, PortainerClient, PortainerEnvironment } from '../../src/portainer';
import { tempDir } from '../config/config-helpers';

const FILE = 'phoenix_vm_configs.json';

async function agentVm(vm: Record<string, unknown> = {}): Promise<{ config: LoadedConfig; vm: ResolvedVm }> {
  const doc = {
    stacks: { web: { compose: 'services:\n  web:\n    image: nginx\n' } },
    vms: [{ vmid: 1003, name: 'newvm', portainer_role: 'agent', network_config: { ip: '10.0.0.13/24' }, docker_stacks: ['web'], ...vm }],
  };
  const config = await loadConfig(path.join(tempDir({ [FILE]: doc }), FILE));
  return { config, vm: await resolveVm(config, 1003) };
}

function env(kind: PortainerEnvironment['kind'], url: string, name = 'newvm'): PortainerEnvironment {
  return { id: 7, name, kind, url, state: 'up', swarm: false };
}

async function conflictOf(action: () => Promise<unknown>): Promise<ConflictError> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConflictError)) throw new Error(`expected a ConflictError, got ${String(error)}`);
  return error;
}

describe('agentEnvironment: a same-named environment of another kind', () => {
  it('an Edge agent (Type 4) is used as it is: it dials Portainer, there is no URL to compare', async () => {
    const { config, vm } = await agentVm();
    const warnings: string[] = [];
    const found = env('docker-edge-agent', '');
    await expect(agentEnvironment(config, vm, [found], (l) => warnings.push(l))).resolves.toEqual({ environment: found });
    expect(warnings).toEqual([]);
  });

  it('a Docker agent registered by hand is used for an agent VM with no usable address (nothing to compare)', async () => {
    const { config, vm } = await agentVm({ network_config: { ip: 'dhcp' } });
    const found = env('docker-agent', 'tcp://10.0.0.50:9001');
    await expect(agentEnvironment(config, vm, [found], () => undefined)).resolves.toEqual({ environment: found });
  });

  it('a Docker API at tcp:// on the same host and port is used', async () => {
    const { config, vm } = await agentVm({ portainer_agent_port: 2375 });
    const found = env('docker', 'tcp://10.0.0.13:2375');
    await expect(agentEnvironment(config, vm, [found], () => undefined)).resolves.toEqual({ environment: found });
  });

  it('a Docker API at tcp:// named by DNS while the config gives an IP is a warning, not a conflict', async () => {
    const { config, vm } = await agentVm();
    const warnings: string[] = [];
    const found = env('docker', 'tcp://newvm.lan:9001');
    await expect(agentEnvironment(config, vm, [found], (l) => warnings.push(l))).resolves.toEqual({ environment: found });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('portainer_agent_hostname');
  });

  it('a Docker API at tcp:// on another port is 73 naming both URLs', async () => {
    const { config, vm } = await agentVm();
    const error = await conflictOf(() => agentEnvironment(config, vm, [env('docker', 'tcp://10.0.0.13:2375')], () => undefined));
    expect(error.exitCode).toBe(73);
    expect(error.message).toContain('tcp://10.0.0.13:2375');
    expect(error.message).toContain('tcp://10.0.0.13:9001');
  });

  it("the Portainer server's own Docker socket is 73 naming it, even for an agent VM with no address", async () => {
    const { config, vm } = await agentVm({ network_config: { ip: 'dhcp' } });
    const error = await conflictOf(() => agentEnvironment(config, vm, [env('docker', 'unix:///var/run/docker.sock')], () => undefined));
    expect(error.exitCode).toBe(73);
    expect(error.message).toBe(
      'vm 1003: Portainer environment "newvm" (id 7) is a Docker environment on unix:///var/run/docker.sock (the Portainer server\'s own Docker, not an agent VM\'s), not the Docker agent of this agent VM: nothing was written',
    );
    expect(error.hint).toContain('portainer_environment_name');
  });

  it.each([
    ['kubernetes', 'a Kubernetes environment'],
    ['kubernetes-agent', 'a Kubernetes agent environment'],
    ['kubernetes-edge-agent', 'a Kubernetes Edge agent environment'],
    ['azure-aci', 'an Azure ACI environment'],
    ['unknown', 'an environment of a type phoenix does not know'],
  ] as const)('%s is 73 naming what it is', async (kind, words) => {
    const { config, vm } = await agentVm();
    const error = await conflictOf(() => agentEnvironment(config, vm, [env(kind, '10.0.0.13:9001')], () => undefined));
    expect(error.exitCode).toBe(73);
    expect(error.message).toContain(`is ${words}, not the Docker agent of this agent VM`);
  });

  it('a hostile environment name is shown escaped', async () => {
    const { config, vm } = await agentVm({ portainer_environment_name: 'new\u001b]0;x\u0007vm' });
    const error = await conflictOf(() => agentEnvironment(config, vm, [env('kubernetes', '', 'new\u001b]0;x\u0007vm')], () => undefined));
    // eslint-disable-next-line no-control-regex
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('registerEnvironment: the answer must be the Docker agent environment asked for', () => {
  const INPUT: AgentEnvironmentInput = { name: 'newvm', url: 'tcp://10.0.0.13:9001', tlsSkipVerify: true, tlsSkipClientVerify: true, groupId: 1 };

  function client(answer: PortainerEnvironment): { client: PortainerClient; listed: () => number } {
    let listed = 0;
    const fake = {
      createAgentEnvironment: () => Promise.resolve(answer),
      environments: () => Promise.resolve([answer]),
      listStacks: () => {
        listed += 1;
        return Promise.resolve([]);
      },
    };
    return { client: fake as unknown as PortainerClient, listed: () => listed };
  }

  it('an answer of the name and URL sent, Type 2, is taken (the URL in any spelling)', async () => {
    const answer = env('docker-agent', '10.0.0.13:9001');
    await expect(registerEnvironment(client(answer).client, INPUT)).resolves.toMatchObject({ environment: answer, outcome: { environmentId: 7, recovered: false } });
  });

  it.each([
    ['a Kubernetes agent (Type 6)', env('kubernetes-agent', '10.0.0.13:9001'), 'but it is a Kubernetes agent environment: no stack was written'],
    ['another name', env('docker-agent', 'tcp://10.0.0.13:9001', 'other'), 'but it is named "other": no stack was written'],
    ['another URL', env('docker-agent', 'tcp://10.0.0.99:9001'), 'but it is at tcp://10.0.0.99:9001: no stack was written'],
  ])('%s is 73 saying what Portainer registered', async (_, answer, words) => {
    const error = await conflictOf(() => registerEnvironment(client(answer).client, INPUT));
    expect(error.exitCode).toBe(73);
    expect(error.message).toContain(`(id 7) for the Docker agent at tcp://10.0.0.13:9001, ${words}`);
    expect(error.hint).toContain('phoenix never deletes it');
  });
});
