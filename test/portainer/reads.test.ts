import nock from 'nock';
import { api, BASE, harness, publicApi, stackBody, useHarness } from './nock-helpers';

nock.disableNetConnect();

const h = useHarness();

describe('status', () => {
  it('reads GET /api/status without any credential and parses Version as semver', async () => {
    const scope = publicApi().get('/api/status').reply(200, { Version: '2.21.4', InstanceID: 'abc' });
    await expect(h.client.status()).resolves.toEqual({ raw: '2.21.4', major: 2, minor: 21, patch: 4 });
    scope.done();
  });

  it('logs one debug line per request: METHOD path -> status (N ms)', async () => {
    const scope = publicApi().get('/api/status').reply(200, { Version: '1.24.2', Authentication: true });
    await h.client.status();
    expect(h.logs).toEqual([expect.stringMatching(/^GET \/api\/status -> 200 \(\d+ ms\)$/)]);
    scope.done();
  });
});

describe('environments', () => {
  it('lists with excludeSnapshotRaw=true and reads swarm from Snapshots[0].Swarm', async () => {
    const scope = api()
      .get('/api/endpoints')
      .query({ excludeSnapshotRaw: 'true' })
      .reply(200, [
        { Id: 1, Name: 'local', Type: 1, URL: 'unix:///var/run/docker.sock', Status: 1, Snapshots: [{ Swarm: false, DockerVersion: '27' }], GroupId: 1 },
        { Id: 4, Name: 'cluster', Type: 2, URL: 'tcp://agent:9001', Status: 2, Snapshots: [{ Swarm: true }] },
        { Id: 5, Name: 'edge', Type: 4, URL: '', Status: 1, Snapshots: [] },
        { Id: 6, Name: 'never-seen', Type: 2, URL: 'tcp://x:9001', Status: 2, Snapshots: null },
      ]);
    await expect(h.client.environments()).resolves.toEqual([
      { id: 1, name: 'local', kind: 'docker', url: 'unix:///var/run/docker.sock', state: 'up', swarm: false },
      { id: 4, name: 'cluster', kind: 'docker-agent', url: 'tcp://agent:9001', state: 'down', swarm: true },
      { id: 5, name: 'edge', kind: 'docker-edge-agent', url: '', state: 'up', swarm: false },
      { id: 6, name: 'never-seen', kind: 'docker-agent', url: 'tcp://x:9001', state: 'down', swarm: false },
    ]);
    scope.done();
  });

  // Portainer's numbers stop at the client: every Type and Status has its word, and a number this
  // phoenix does not know (a newer Portainer) reads as 'unknown' instead of failing the parse.
  it.each([
    [1, 'docker'],
    [2, 'docker-agent'],
    [3, 'azure-aci'],
    [4, 'docker-edge-agent'],
    [5, 'kubernetes'],
    [6, 'kubernetes-agent'],
    [7, 'kubernetes-edge-agent'],
    [0, 'unknown'],
    [8, 'unknown'],
    [99, 'unknown'],
  ])('maps environment Type %i to kind %s', async (type, kind) => {
    const scope = api()
      .get('/api/endpoints')
      .query({ excludeSnapshotRaw: 'true' })
      .reply(200, [{ Id: 1, Name: 'e', Type: type, URL: '', Status: 1, Snapshots: [] }]);
    const [environment] = await h.client.environments();
    expect(environment.kind).toBe(kind);
    scope.done();
  });

  it.each([
    [1, 'up'],
    [2, 'down'],
    [0, 'unknown'],
    [3, 'unknown'],
  ])('maps environment Status %i to state %s', async (status, state) => {
    const scope = api()
      .get('/api/endpoints')
      .query({ excludeSnapshotRaw: 'true' })
      .reply(200, [{ Id: 1, Name: 'e', Type: 1, URL: '', Status: status, Snapshots: [] }]);
    const [environment] = await h.client.environments();
    expect(environment.state).toBe(state);
    scope.done();
  });
});

describe('swarmClusterId', () => {
  it('reads .ID through the Docker proxy of the environment', async () => {
    const scope = api()
      .get('/api/endpoints/4/docker/swarm')
      .reply(200, { ID: 'jpofkc0i9uo9wtx1zesuk649w', Version: { Index: 1 } });
    await expect(h.client.swarmClusterId(4)).resolves.toBe('jpofkc0i9uo9wtx1zesuk649w');
    scope.done();
  });
});

describe('stacks', () => {
  it('lists GET /api/stacks without filters and maps the live casing', async () => {
    const scope = api()
      .get('/api/stacks')
      .reply(200, [stackBody(), stackBody({ Id: 8, Name: 'db', Type: 1, EndpointId: 4, SwarmId: 'clu', Env: null, GitConfig: { URL: 'https://git/x', ReferenceName: 'refs/heads/main' } })]);
    await expect(h.client.listStacks()).resolves.toEqual([
      { id: 7, name: 'web', type: 'compose', endpointId: 3, swarmId: '', env: [{ name: 'TAG', value: '1.2' }], status: 'active', git: null },
      { id: 8, name: 'db', type: 'swarm', endpointId: 4, swarmId: 'clu', env: [], status: 'active', git: { url: 'https://git/x' } },
    ]);
    scope.done();
  });

  it('treats a null list as empty', async () => {
    const scope = api().get('/api/stacks').reply(200, 'null', { 'Content-Type': 'application/json' });
    await expect(h.client.listStacks()).resolves.toEqual([]);
    scope.done();
  });

  it('treats a bodiless 204 (listed in the spec for this route) as empty', async () => {
    const scope = api().get('/api/stacks').reply(204);
    await expect(h.client.listStacks()).resolves.toEqual([]);
    scope.done();
  });

  it('gets one stack, keeping the last deployment message of asynchronous versions', async () => {
    const scope = api()
      .get('/api/stacks/7')
      .reply(
        200,
        stackBody({
          Status: 4,
          DeploymentStatus: [
            { Status: 3, Time: 1 },
            { Status: 4, Time: 2, Message: 'pull access denied for nope' },
          ],
        }),
      );
    const stack = await h.client.getStack(7);
    expect(stack.status).toBe('failed');
    expect(stack.deploymentMessage).toBe('pull access denied for nope');
    scope.done();
  });

  it.each([
    [1, 'active'],
    [2, 'inactive'],
    [3, 'deploying'],
    [4, 'failed'],
    [0, 'unknown'],
    [5, 'unknown'],
    [undefined, 'unknown'],
  ])('maps stack Status %p to %s', async (status, word) => {
    const scope = api()
      .get('/api/stacks/7')
      .reply(200, stackBody({ Status: status }));
    const stack = await h.client.getStack(7);
    expect(stack.status).toBe(word);
    scope.done();
  });

  it('reads the entry-point file text', async () => {
    const scope = api().get('/api/stacks/7/file').reply(200, { StackFileContent: 'services:\n  web:\n    image: nginx\n' });
    await expect(h.client.stackFile(7)).resolves.toBe('services:\n  web:\n    image: nginx\n');
    scope.done();
  });
});

describe('base URL', () => {
  it('appends /api to a base URL without trailing slash as well', async () => {
    const other = harness({ url: BASE });
    const scope = publicApi().get('/api/status').reply(200, { Version: '2.19.0' });
    await other.client.status();
    await other.client.close();
    scope.done();
  });
});
