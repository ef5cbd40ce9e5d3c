import { call, COMPOSE, simulators } from './helpers';

const start = simulators();

describe('version routing', () => {
  // docs/portainer-api.md#stack-routes: old route < 2.19.0, only new in 2.19.0, both from 2.19.1.
  const matrix: [string, boolean, boolean][] = [
    ['2.18.4', true, false],
    ['2.19.0', false, true],
    ['2.19.4', true, true],
    ['2.21.4', true, true],
    ['2.39.0', true, true],
  ];

  it.each(matrix)('%s: old create route %p, new create route %p', async (version, oldRoute, newRoute) => {
    const sim = await start({ version, faults: { deployMs: 0 } });
    const old = await call(sim, 'POST', '/api/stacks?type=2&method=string&endpointId=1', {
      body: { Name: 'viaold', StackFileContent: COMPOSE },
    });
    const fresh = await call(sim, 'POST', '/api/stacks/create/standalone/string?endpointId=1', {
      body: { Name: 'vianew', StackFileContent: COMPOSE },
    });
    expect(old.status).toBe(oldRoute ? 200 : 404);
    expect(fresh.status).toBe(newRoute ? 200 : 404);
    const names = sim
      .stacks()
      .map((s) => s.name)
      .sort();
    expect(names).toEqual([...(newRoute ? ['vianew'] : []), ...(oldRoute ? ['viaold'] : [])]);
  });

  it('serves /api/status everywhere and /api/system/status from 2.17.0', async () => {
    const old = await start({ version: '2.16.1' });
    const recent = await start({ version: '2.17.0' });
    const s = await call(old, 'GET', '/api/status', { key: null });
    expect(s.status).toBe(200);
    expect(s.body.Version).toBe('2.16.1');
    expect(typeof s.body.InstanceID).toBe('string');
    expect((await call(old, 'GET', '/api/system/status', { key: null })).status).toBe(404);
    const r = await call(recent, 'GET', '/api/system/status', { key: null });
    expect(r.status).toBe(200);
    expect(r.body.Version).toBe('2.17.0');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const sim = await start();
    const r = await call(sim, 'GET', '/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(typeof r.body.message).toBe('string');
    expect(typeof r.body.details).toBe('string');
  });
});

describe('stack object keys per version (docs/portainer-api.md#stack-object)', () => {
  const stack = { name: 'app', endpointId: 1, composeText: COMPOSE };

  it('2.21.4 has the sync key set with exact casing and no DeploymentStatus', async () => {
    const sim = await start({ version: '2.21.4', stacks: [stack] });
    const r = await call(sim, 'GET', '/api/stacks/1');
    expect(Object.keys(r.body).sort()).toEqual(
      [
        'Id',
        'Name',
        'Type',
        'EndpointId',
        'SwarmId',
        'EntryPoint',
        'Env',
        'ResourceControl',
        'Status',
        'ProjectPath',
        'CreationDate',
        'UpdateDate',
        'CreatedBy',
        'UpdatedBy',
        'AdditionalFiles',
        'AutoUpdate',
        'Option',
        'GitConfig',
        'FromAppTemplate',
      ].sort(),
    );
    expect(r.body.Env).toBeNull();
    expect(r.body.EntryPoint).toBe('docker-compose.yml');
    expect(r.body.ResourceControl.ResourceId).toBe('1_app');
  });

  it('2.39.0 adds DeploymentStatus; 2.14.2 has no Option', async () => {
    const recent = await start({ version: '2.39.0', stacks: [stack] });
    expect((await call(recent, 'GET', '/api/stacks/1')).body).toHaveProperty('DeploymentStatus');
    const old = await start({ version: '2.14.2', stacks: [stack] });
    const body = (await call(old, 'GET', '/api/stacks/1')).body;
    expect(body).not.toHaveProperty('Option');
    expect(body).not.toHaveProperty('DeploymentStatus');
    expect(body).toHaveProperty('FromAppTemplate');
  });

  it('shows a seeded git stack with GitConfig', async () => {
    const sim = await start({ stacks: [{ ...stack, git: { url: 'https://git.example/app.git' } }] });
    const body = (await call(sim, 'GET', '/api/stacks/1')).body;
    expect(body.GitConfig).toMatchObject({ URL: 'https://git.example/app.git', ReferenceName: 'refs/heads/main', Authentication: null });
  });
});

describe('environments (docs/portainer-api.md#environments)', () => {
  it('lists environments with PascalCase keys and ignores query parameters', async () => {
    const sim = await start({
      endpoints: [
        { id: 1, name: 'local', type: 1 },
        { id: 3, name: 'cluster', type: 2, swarm: true },
      ],
    });
    const r = await call(sim, 'GET', '/api/endpoints?excludeSnapshots=true&limit=5');
    expect(r.status).toBe(200);
    expect(r.body.map((e: { Name: string }) => e.Name)).toEqual(['local', 'cluster']);
    expect(r.body[1]).toMatchObject({ Id: 3, Type: 2, Status: 1, Snapshots: [{ Swarm: true }] });
    expect(r.headers.get('x-total-count')).toBe('2');
  });

  it('gives one environment, 404 for an unknown id, and the swarm cluster id', async () => {
    const sim = await start({
      endpoints: [
        { id: 1, name: 'local', type: 1 },
        { id: 2, name: 'sw', type: 1, swarm: true, swarmClusterId: 'abc123' },
      ],
    });
    expect((await call(sim, 'GET', '/api/endpoints/2')).body.Name).toBe('sw');
    const missing = await call(sim, 'GET', '/api/endpoints/9');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Unable to find an environment with the specified identifier inside the database');
    expect((await call(sim, 'GET', '/api/endpoints/2/docker/swarm')).body).toMatchObject({ ID: 'abc123' });
    expect((await call(sim, 'GET', '/api/endpoints/1/docker/swarm')).status).toBe(503);
  });

  it('lists compose projects as containers with their labels, external ones included', async () => {
    const sim = await start({ stacks: [{ name: 'app', endpointId: 1, composeText: COMPOSE }], externalProjects: [{ endpointId: 1, name: 'outside' }] });
    const filters = encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project=outside'] }));
    const r = await call(sim, 'GET', `/api/endpoints/1/docker/containers/json?all=1&filters=${filters}`);
    expect(r.body).toHaveLength(1);
    expect(r.body[0].Labels['com.docker.compose.project']).toBe('outside');
    const all = await call(sim, 'GET', '/api/endpoints/1/docker/containers/json?all=1');
    expect(all.body).toHaveLength(2);
  });
});

describe('GET /api/stacks filters (docs/portainer-api.md#listing-stacks)', () => {
  it('EndpointID returns only compose stacks, SwarmID only swarm stacks', async () => {
    const sim = await start({
      endpoints: [{ id: 1, name: 'sw', type: 1, swarm: true, swarmClusterId: 'cluster1' }],
      stacks: [
        { name: 'composed', endpointId: 1, composeText: COMPOSE, type: 2 },
        { name: 'swarmed', endpointId: 1, composeText: COMPOSE, type: 1 },
      ],
    });
    const byEndpoint = await call(sim, 'GET', `/api/stacks?filters=${encodeURIComponent('{"EndpointID":1}')}`);
    expect(byEndpoint.body.map((s: { Name: string }) => s.Name)).toEqual(['composed']);
    const bySwarm = await call(sim, 'GET', `/api/stacks?filters=${encodeURIComponent('{"SwarmID":"cluster1"}')}`);
    expect(bySwarm.body.map((s: { Name: string }) => s.Name)).toEqual(['swarmed']);
    expect((await call(sim, 'GET', '/api/stacks')).body).toHaveLength(2);
    expect((await call(sim, 'GET', '/api/stacks?filters=notjson')).status).toBe(400);
  });
});
