import { call, COMPOSE, createCompose, simulators } from './helpers';

const start = simulators();
const fast = { deployMs: 0 };

describe('create (docs/portainer-api.md#creating-a-stack, docs/portainer-api.md#name-conflicts)', () => {
  it('matches body keys case-insensitively and ignores unknown keys; answers 200 with the stack', async () => {
    const sim = await start({ faults: fast });
    const r = await call(sim, 'POST', '/api/stacks/create/standalone/string?endpointId=1', {
      body: { NAME: 'shop', stackfilecontent: COMPOSE, env: [{ NAME: 'A', Value: '1' }], Bogus: true },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ Id: 1, Name: 'shop', Type: 2, EndpointId: 1, Status: 1, Env: [{ name: 'A', value: '1' }] });
    expect(sim.stacks()[0].composeText).toBe(COMPOSE);
  });

  it('requires the exact endpointId query name and a known environment', async () => {
    const sim = await start({ faults: fast });
    const lower = await call(sim, 'POST', '/api/stacks/create/standalone/string?endpointid=1', { body: { Name: 'a', StackFileContent: COMPOSE } });
    expect(lower.status).toBe(400);
    expect(lower.body.message).toBe('Invalid query parameter: endpointId');
    const unknown = await createCompose(sim, 'a', {}, 7);
    expect(unknown.status).toBe(404);
    expect(sim.stacks()).toHaveLength(0);
  });

  it('normalises names per version', async () => {
    const recent = await start({ version: '2.21.4', faults: fast });
    expect((await createCompose(recent, 'My.App_1-x')).body.Name).toBe('myapp_1-x');
    // 2.9.0 has no API keys yet (docs/portainer-api.md#api-keys): log in for a JWT.
    const old = await start({ version: '2.9.0', faults: fast });
    const { jwt } = (await call(old, 'POST', '/api/auth', { key: null, body: { Username: 'admin', Password: 'adminpassword' } })).body;
    const r = await call(old, 'POST', '/api/stacks?type=2&method=string&endpointId=1', {
      key: null,
      headers: { Authorization: `Bearer ${jwt}` },
      body: { Name: 'My.App_1-x', StackFileContent: COMPOSE },
    });
    expect(r.body.Name).toBe('myapp1x');
  });

  it('rejects empty name, empty file and swarm without SwarmID with 400', async () => {
    const sim = await start({ faults: fast, endpoints: [{ id: 1, name: 'sw', type: 1, swarm: true }] });
    const noName = await createCompose(sim, '');
    expect(noName.status).toBe(400);
    expect(noName.body.message).toBe('Invalid request payload');
    expect((await createCompose(sim, 'a', { StackFileContent: '' })).status).toBe(400);
    const swarm = await call(sim, 'POST', '/api/stacks/create/swarm/string?endpointId=1', { body: { Name: 's', StackFileContent: COMPOSE } });
    expect(swarm.status).toBe(400);
    expect(swarm.body.details).toBe('Invalid Swarm ID');
    const ok = await call(sim, 'POST', '/api/stacks/create/swarm/string?endpointId=1', { body: { Name: 's', StackFileContent: COMPOSE, SwarmID: 'c1' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ Type: 1, SwarmId: 'c1' });
  });

  it('answers 409 for a duplicate normalised name on the same environment and for an external project', async () => {
    const sim = await start({
      faults: fast,
      endpoints: [
        { id: 1, name: 'a', type: 1 },
        { id: 2, name: 'b', type: 1 },
      ],
      stacks: [{ name: 'web', endpointId: 1, composeText: COMPOSE }],
      externalProjects: [{ endpointId: 1, name: 'legacy' }],
    });
    const dup = await createCompose(sim, 'WEB');
    expect(dup.status).toBe(409);
    expect(dup.body.message).toBe("A stack with the normalized name 'web' already exists");
    const ext = await createCompose(sim, 'legacy');
    expect(ext.status).toBe(409);
    expect(ext.body.message).toBe("A stack with the normalized name 'legacy' already exists");
    expect((await createCompose(sim, 'web', {}, 2)).status).toBe(200); // unique per environment since 2.5
    expect(sim.stacks().map((s) => `${s.endpointId}/${s.name}`)).toEqual(['1/web', '2/web']);
  });
});

describe('read', () => {
  it('inspects, returns the file, 404s an unknown id and 400s a non-numeric one', async () => {
    const sim = await start({ stacks: [{ name: 'app', endpointId: 1, composeText: COMPOSE }] });
    expect((await call(sim, 'GET', '/api/stacks/1/file')).body).toEqual({ StackFileContent: COMPOSE });
    const missing = await call(sim, 'GET', '/api/stacks/42');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Unable to find a stack with the specified identifier inside the database');
    expect((await call(sim, 'GET', '/api/stacks/abc')).status).toBe(400);
  });
});

describe('update (docs/portainer-api.md#updating-a-stack)', () => {
  const seed = {
    name: 'app',
    endpointId: 1,
    composeText: COMPOSE,
    env: [
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ],
  };

  it('replaces Env wholesale, and an omitted Env wipes it', async () => {
    const sim = await start({ faults: fast, stacks: [seed] });
    const r = await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { stackFileContent: COMPOSE, ENV: [{ name: 'C', value: '3' }] } });
    expect(r.status).toBe(200);
    expect(r.body.Env).toEqual([{ name: 'C', value: '3' }]);
    const wiped = await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: COMPOSE } });
    expect(wiped.body.Env).toBeNull();
    expect(sim.stacks()[0].env).toEqual([]);
  });

  it('re-points the stack when given another valid endpointId', async () => {
    const sim = await start({
      faults: fast,
      endpoints: [
        { id: 1, name: 'a', type: 1 },
        { id: 2, name: 'b', type: 1 },
      ],
      stacks: [seed],
    });
    const r = await call(sim, 'PUT', '/api/stacks/1?endpointId=2', { body: { StackFileContent: COMPOSE, Env: seed.env } });
    expect(r.body.EndpointId).toBe(2);
    expect(sim.stacks()[0].endpointId).toBe(2);
  });

  it('missing endpointId: 400 on 2.19+, 404 before, and the stack is unchanged', async () => {
    const recent = await start({ faults: fast, stacks: [seed] });
    const r = await call(recent, 'PUT', '/api/stacks/1', { body: { StackFileContent: 'services: {x: {image: y}}' } });
    expect(r.status).toBe(400);
    const old = await start({ version: '2.18.4', faults: fast, stacks: [seed] });
    const o = await call(old, 'PUT', '/api/stacks/1', { body: { StackFileContent: 'services: {x: {image: y}}' } });
    expect(o.status).toBe(404);
    expect(o.body.message).toBe('Unable to find the environment associated to the stack inside the database');
    for (const sim of [recent, old]) expect(sim.stacks()[0]).toMatchObject({ endpointId: 1, composeText: COMPOSE, env: seed.env });
  });

  it('turns a git stack into a file stack', async () => {
    const sim = await start({ faults: fast, stacks: [{ ...seed, git: { url: 'https://git.example/a.git' } }] });
    expect(sim.stacks()[0].git).toBe(true);
    const r = await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: COMPOSE } });
    expect(r.body.GitConfig).toBeNull();
    expect(sim.stacks()[0].git).toBe(false);
  });
});

describe('delete, start and stop (docs/portainer-api.md#deleting-a-stack, docs/portainer-api.md#start-and-stop)', () => {
  const seed = { name: 'app', endpointId: 1, composeText: COMPOSE };

  it('deletes with 204 and an empty body', async () => {
    const sim = await start({ stacks: [seed] });
    const r = await call(sim, 'DELETE', '/api/stacks/1?endpointId=1');
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
    expect(sim.stacks()).toHaveLength(0);
  });

  it('404s a delete with a missing or different endpointId and keeps the stack', async () => {
    const sim = await start({
      endpoints: [
        { id: 1, name: 'a', type: 1 },
        { id: 2, name: 'b', type: 1 },
      ],
      stacks: [seed],
    });
    expect((await call(sim, 'DELETE', '/api/stacks/1')).status).toBe(404);
    expect((await call(sim, 'DELETE', '/api/stacks/1?endpointId=2')).status).toBe(404);
    expect(sim.stacks()).toHaveLength(1);
  });

  it("stops and starts; 400 when already inactive; starting a running stack is the name check's 409", async () => {
    const sim = await start({ stacks: [seed] });
    // Portainer checks for a running project of that name before the status
    // (docs/portainer-api.md#start-and-stop): the stack's own containers answer first.
    const again = await call(sim, 'POST', '/api/stacks/1/start?endpointId=1');
    expect(again.status).toBe(409);
    expect(again.body.message).toBe("A stack with the name 'app' is already running");
    expect((await call(sim, 'POST', '/api/stacks/1/stop?endpointId=1')).body.Status).toBe(2);
    expect(sim.stacks()[0].status).toBe(2);
    expect((await call(sim, 'POST', '/api/stacks/1/stop?endpointId=1')).body.message).toBe('Stack is already inactive');
    expect((await call(sim, 'POST', '/api/stacks/1/start')).status).toBe(400); // endpointId required on 2.19+
    expect((await call(sim, 'POST', '/api/stacks/1/start?endpointId=1')).body.Status).toBe(1);
  });
});
