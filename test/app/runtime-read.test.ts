/** The runtime read of an environment: once per environment for every VM of a run, and a refused read degrades to "not reported" with one warning. */
import { environmentRuntime } from '../../src/app/runtime-read';
import { checkCompose } from '../../src/config/compose';
import type { RuntimeCache } from '../../src/app/runtime-read';
import { PortainerApiError } from '../../src/portainer';
import type { PortainerClient, PortainerEnvironment, RuntimeContainer } from '../../src/portainer';

const env = (extra: Partial<PortainerEnvironment> = {}): PortainerEnvironment => ({ id: 3, name: 'drphoenix', kind: 'docker-agent', url: 'tcp://a', state: 'up', swarm: false, ...extra });
const web: RuntimeContainer = { kind: 'container', id: 'c1', name: 'web-web-1', project: 'web', service: 'web', state: 'exited', exitCode: 1 };

function fakeClient(containers: () => Promise<RuntimeContainer[]>) {
  const calls: string[] = [];
  const client = {
    containers: async (id: number) => {
      calls.push(`containers ${id}`);
      return containers();
    },
    swarmServices: async (id: number) => {
      calls.push(`services ${id}`);
      return [];
    },
  } as unknown as PortainerClient;
  return { client, calls };
}

describe('environmentRuntime', () => {
  it('reads once per environment, however many VMs plan on it, and maps units for the planner', async () => {
    const { client, calls } = fakeClient(async () => [web]);
    const cache: RuntimeCache = new Map();
    const [a, b] = await Promise.all([environmentRuntime(client, cache, env()), environmentRuntime(client, cache, env())]);
    await environmentRuntime(client, cache, env({ id: 4, swarm: true }));
    expect(calls).toEqual(['containers 3', 'services 4']);
    expect(a).toEqual({ kind: 'compose', units: [{ id: 'c1', name: 'web-web-1', project: 'web', service: 'web', state: 'exited', exitCode: 1 }] });
    expect(b).toBe(a);
  });

  it('an error answer (an agent Portainer cannot reach) plans without it and warns once', async () => {
    const { client } = fakeClient(async () => {
      throw new PortainerApiError({ method: 'GET', path: '/api/endpoints/3/docker/containers/json', status: 502, portainerMessage: 'Unable to reach the agent' });
    });
    const warnings: string[] = [];
    const cache: RuntimeCache = new Map();
    await expect(environmentRuntime(client, cache, env(), (l) => warnings.push(l))).resolves.toBeUndefined();
    await expect(environmentRuntime(client, cache, env(), (l) => warnings.push(l))).resolves.toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^Could not read what runs on Portainer environment "drphoenix" \(id 3\): .*Unable to reach the agent.*none is removed/)]);
  });

  it('a refused token stays an error (exit 77), and Kubernetes environments are not read', async () => {
    const refused = fakeClient(async () => {
      throw new PortainerApiError({ method: 'GET', path: '/api/endpoints/3/docker/containers/json', status: 401, portainerMessage: 'Invalid API key' });
    });
    await expect(environmentRuntime(refused.client, new Map(), env())).rejects.toMatchObject({ exitCode: 77 });
    const k8s = fakeClient(async () => [web]);
    await expect(environmentRuntime(k8s.client, new Map(), env({ kind: 'kubernetes-agent' }))).resolves.toBeUndefined();
    expect(k8s.calls).toEqual([]);
  });
});

describe('the service names the config check gives each desired stack', () => {
  const composeServices = (text: string) => checkCompose(text, {}).services;
  it('lists the top-level services in file order; no services mapping is undefined', () => {
    expect(composeServices('services:\n  web:\n    image: x\n  db:\n    image: y\nvolumes:\n  data: {}\n')).toEqual(['web', 'db']);
    expect(composeServices('version: "3"\n')).toBeUndefined();
    expect(composeServices('- a\n')).toBeUndefined();
  });
});
