import { call, type Json, simulators } from './helpers';

/**
 * What runs on a standalone environment behind the stack records, over real sockets
 * (docs/portainer-api.md#containers): one container per service after a deploy, labelled as
 * compose labels them; orphans stay; stop, start and delete; the list's filters; removal.
 */
const start = simulators();
const fast = { deployMs: 0 };
const TWO = 'services:\n  web:\n    image: nginx:${TAG:-1.27}\n    healthcheck:\n      test: ["CMD", "true"]\n  worker:\n    image: busybox:1.36\n';
const ONE = 'services:\n  web:\n    image: nginx:${TAG:-1.27}\n    healthcheck:\n      test: ["CMD", "true"]\n';

const q = (filters: unknown): string => encodeURIComponent(JSON.stringify(filters));
const list = async (sim: Awaited<ReturnType<typeof start>>, query = 'all=1', endpointId = 1): Promise<Json[]> => {
  const r = await call(sim, 'GET', `/api/endpoints/${endpointId}/docker/containers/json?${query}`);
  expect(r.status).toBe(200);
  return r.body as Json[];
};
const byName = (entries: Json[]): Record<string, Json> => Object.fromEntries(entries.map((c: Json) => [c.Names[0], c]));
const create = (sim: Awaited<ReturnType<typeof start>>, name: string, text: string, env: unknown[] = []) =>
  call(sim, 'POST', '/api/stacks/create/standalone/string?endpointId=1', { body: { Name: name, StackFileContent: text, Env: env } });

describe('containers after deploys (docs/portainer-api.md#containers)', () => {
  it('a create runs one container per service, with compose labels, the interpolated image and Docker state texts', async () => {
    const sim = await start({ faults: fast });
    expect((await create(sim, 'shop', TWO, [{ name: 'TAG', value: '1.29' }])).status).toBe(200);
    const c = byName(await list(sim));
    expect(Object.keys(c).sort()).toEqual(['/shop-web-1', '/shop-worker-1']);
    expect(c['/shop-web-1']).toMatchObject({
      Id: expect.stringMatching(/^[0-9a-f]{64}$/),
      Image: 'nginx:1.29',
      State: 'running',
      Status: 'Up 2 minutes (healthy)',
      Labels: {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': 'web',
        'com.docker.compose.oneoff': 'False',
        'com.docker.compose.container-number': '1',
        'com.docker.compose.project.working_dir': '/data/compose/1',
      },
    });
    expect(c['/shop-worker-1']).toMatchObject({ Image: 'busybox:1.36', State: 'running', Status: 'Up 2 minutes' });
  });

  it('deploy.replicas runs that many containers; container_name names a single one', async () => {
    const sim = await start({ faults: fast });
    await create(sim, 'scaled', 'services:\n  api:\n    image: a:1\n    deploy:\n      replicas: 2\n  db:\n    image: pg:16\n    container_name: the-db\n');
    expect(Object.keys(byName(await list(sim))).sort()).toEqual(['/scaled-api-1', '/scaled-api-2', '/the-db']);
  });

  it('an update keeps unchanged containers, recreates changed ones, and leaves the container of a removed service running', async () => {
    const sim = await start({ faults: fast });
    await create(sim, 'shop', TWO);
    const before = byName(await list(sim));
    const r = await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: ONE, Env: [{ name: 'TAG', value: '1.28' }] } });
    expect(r.status).toBe(200);
    const after = byName(await list(sim));
    expect(after['/shop-web-1'].Image).toBe('nginx:1.28');
    expect(after['/shop-web-1'].Id).not.toBe(before['/shop-web-1'].Id);
    // compose never removes orphans: worker left the file and still runs.
    expect(after['/shop-worker-1']).toMatchObject({ Id: before['/shop-worker-1'].Id, State: 'running' });
    await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: ONE, Env: [{ name: 'TAG', value: '1.28' }] } });
    expect(byName(await list(sim))['/shop-web-1'].Id).toBe(after['/shop-web-1'].Id);
  });

  it('stop takes every container away (orphans too), start brings the file services back, delete removes them', async () => {
    const sim = await start({ faults: fast, stacks: [{ name: 'shop', endpointId: 1, composeText: TWO }] });
    await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: ONE } });
    expect(await list(sim)).toHaveLength(2);
    const stopped = await call(sim, 'POST', '/api/stacks/1/stop?endpointId=1');
    expect(stopped.body.Status).toBe(2);
    expect(await list(sim)).toEqual([]);
    const started = await call(sim, 'POST', '/api/stacks/1/start?endpointId=1');
    expect(started.body.Status).toBe(1);
    expect(Object.keys(byName(await list(sim)))).toEqual(['/shop-web-1']);
    expect((await call(sim, 'DELETE', '/api/stacks/1?endpointId=1')).status).toBe(204);
    expect(await list(sim)).toEqual([]);
  });

  it('a seeded stopped stack (Status 2) has no containers; an active one runs', async () => {
    const sim = await start({
      stacks: [
        { name: 'up', endpointId: 1, composeText: ONE },
        { name: 'down', endpointId: 1, composeText: ONE, status: 2 },
      ],
    });
    expect(Object.keys(byName(await list(sim)))).toEqual(['/up-web-1']);
    expect(sim.containers().map((c) => c.project)).toEqual(['up']);
  });
});

describe('GET /docker/containers/json filters', () => {
  const seeded = () =>
    start({
      stacks: [
        { name: 'a', endpointId: 1, composeText: TWO },
        { name: 'b', endpointId: 1, composeText: ONE },
      ],
      serviceFaults: [{ stack: 'a', service: 'worker', state: 'exited', exitCode: 137 }],
    });

  it('label key=value, bare key, and several labels ANDed', async () => {
    const sim = await seeded();
    const ofA = await list(sim, `all=1&filters=${q({ label: ['com.docker.compose.project=a'] })}`);
    expect(ofA.map((c: Json) => c.Names[0]).sort()).toEqual(['/a-web-1', '/a-worker-1']);
    expect(await list(sim, `all=1&filters=${q({ label: ['com.docker.compose.project'] })}`)).toHaveLength(3);
    const anded = await list(sim, `all=1&filters=${q({ label: ['com.docker.compose.project=a', 'com.docker.compose.service=web'] })}`);
    expect(anded.map((c: Json) => c.Names[0])).toEqual(['/a-web-1']);
    expect(await list(sim, `all=1&filters=${q({ label: ['com.docker.compose.project=a', 'no.such.label'] })}`)).toEqual([]);
    // A value with '=' in it, and the older map-of-maps form.
    expect(await list(sim, `all=1&filters=${q({ label: ['com.docker.compose.project=a=b'] })}`)).toEqual([]);
    expect(await list(sim, `all=1&filters=${q({ label: { 'com.docker.compose.project=b': true } })}`)).toHaveLength(1);
  });

  it('without all=1 only running ones (restarting counts as running); all=true works too', async () => {
    const sim = await seeded();
    expect((await list(sim, '')).map((c: Json) => c.Names[0]).sort()).toEqual(['/a-web-1', '/b-web-1']);
    expect(await list(sim, 'all=0')).toHaveLength(2);
    expect(await list(sim, 'all=true')).toHaveLength(3);
    sim.setServiceFault({ stack: 'b', service: 'web', state: 'restarting' });
    expect((await list(sim, '')).map((c: Json) => c.Names[0]).sort()).toEqual(['/a-web-1', '/b-web-1']);
    expect(byName(await list(sim, `filters=${q({ status: ['exited'] })}`))['/a-worker-1'].Status).toBe('Exited (137) 3 minutes ago');
  });

  it("a filter that is not JSON, or an unknown filter, is a 400 with Docker's {message}; versioned paths answer too", async () => {
    const sim = await seeded();
    const bad = await call(sim, 'GET', '/api/endpoints/1/docker/containers/json?filters=%7Bnope');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body)).toEqual(['message']);
    const unknown = await call(sim, 'GET', `/api/endpoints/1/docker/containers/json?filters=${q({ colour: ['red'] })}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe("invalid filter 'colour'");
    expect((await call(sim, 'GET', '/api/endpoints/1/docker/v1.41/containers/json?all=1')).body).toHaveLength(3);
    expect((await call(sim, 'GET', '/api/endpoints/9/docker/containers/json')).status).toBe(404);
  });
});

describe('knobs on what runs', () => {
  it('exited, restarting, unhealthy and health-starting read as docker ps shows them; inspect has ExitCode and Health', async () => {
    const sim = await start({ stacks: [{ name: 'a', endpointId: 1, composeText: TWO }] });
    expect(sim.setServiceFault({ stack: 'a', service: 'worker', state: 'restarting', exitCode: 2 })).toBe(1);
    expect(sim.setServiceFault({ stack: 'a', service: 'web', state: 'unhealthy' })).toBe(1);
    let c = byName(await list(sim));
    // Seconds tick while the test runs on a loaded machine: the text is held, the count within reason.
    expect(c['/a-worker-1']).toMatchObject({ State: 'restarting', Status: expect.stringMatching(/^Restarting \(2\) [5-9] seconds ago$/) });
    expect(c['/a-web-1']).toMatchObject({ State: 'running', Status: 'Up 5 minutes (unhealthy)' });
    const web = await call(sim, 'GET', `/api/endpoints/1/docker/containers/${c['/a-web-1'].Id}/json`);
    expect(web.body.State).toMatchObject({ Status: 'running', Running: true, ExitCode: 0, Health: { Status: 'unhealthy' } });
    sim.setServiceFault({ stack: 'a', service: 'worker' });
    sim.setServiceFault({ stack: 'a', service: 'web', state: 'starting' });
    c = byName(await list(sim));
    expect(c['/a-worker-1']).toMatchObject({ State: 'exited', Status: 'Exited (1) 3 minutes ago' });
    expect(c['/a-web-1'].Status).toMatch(/^Up [3-9] seconds \(health: starting\)$/);
    const worker = await call(sim, 'GET', '/api/endpoints/1/docker/containers/a-worker-1/json');
    expect(worker.body.State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 1 });
    expect(worker.body.State.Health).toBeUndefined();
    expect(sim.setServiceFault({ stack: 'a', service: 'nope' })).toBe(0);
  });

  it('a redeploy starts an exited container again; a sticky fault survives it', async () => {
    const sim = await start({
      faults: fast,
      stacks: [{ name: 'a', endpointId: 1, composeText: TWO }],
      serviceFaults: [
        { stack: 'a', service: 'worker', state: 'exited' },
        { stack: 'a', service: 'web', state: 'restarting', sticky: true },
      ],
    });
    await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: TWO } });
    const c = byName(await list(sim));
    expect(c['/a-worker-1']).toMatchObject({ State: 'running', Status: 'Up 2 minutes' });
    expect(c['/a-web-1'].State).toBe('restarting');
  });

  it("an orphan container planted in the seed or at run time runs under the stack's project and blocks that name on create (2.9.1+)", async () => {
    const sim = await start({ faults: fast, stacks: [{ name: 'a', endpointId: 1, composeText: ONE }], orphans: [{ endpointId: 1, stack: 'a', service: 'old' }] });
    expect(Object.keys(byName(await list(sim))).sort()).toEqual(['/a-old-1', '/a-web-1']);
    expect(sim.addOrphan({ endpointId: 1, stack: 'ghost', service: 'app', image: 'x:1' })).toMatchObject({ name: 'ghost-app-1', project: 'ghost', image: 'x:1' });
    const clash = await create(sim, 'ghost', ONE);
    expect(clash.status).toBe(409);
    expect(clash.body.message).toBe("A stack with the normalized name 'ghost' already exists");
  });
});

describe('DELETE /docker/containers/{id} (docs/portainer-api.md#containers)', () => {
  it('204 with force, recorded with the volumes flag; 404 for an unknown id; 409 for a running one without force', async () => {
    const sim = await start({ stacks: [{ name: 'a', endpointId: 1, composeText: TWO }], serviceFaults: [{ stack: 'a', service: 'worker' }] });
    const c = byName(await list(sim));
    const web = c['/a-web-1'].Id as string;
    const refused = await call(sim, 'DELETE', `/api/endpoints/1/docker/containers/${web}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe('cannot remove container "/a-web-1": container is running: stop the container before removing or force remove');
    const gone = await call(sim, 'DELETE', `/api/endpoints/1/docker/containers/${web}?force=true&v=false`);
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
    // An exited container goes without force; by name, too.
    expect((await call(sim, 'DELETE', '/api/endpoints/1/docker/containers/a-worker-1')).status).toBe(204);
    expect(sim.containerRemovals()).toMatchObject([
      { endpointId: 1, id: web, name: 'a-web-1', project: 'a', service: 'web', force: true, removeVolumes: false },
      { name: 'a-worker-1', force: false, removeVolumes: false },
    ]);
    const missing = await call(sim, 'DELETE', `/api/endpoints/1/docker/containers/${web}?force=true`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: `No such container: ${web}` });
    expect(await list(sim)).toEqual([]);
    // The stack record is untouched: only Portainer's own routes change it.
    expect(sim.stacks()[0].status).toBe(1);
  });

  it('a container of another environment is not found there', async () => {
    const sim = await start({
      endpoints: [
        { id: 1, name: 'a', type: 1 },
        { id: 2, name: 'b', type: 1 },
      ],
      stacks: [{ name: 'a', endpointId: 1, composeText: ONE }],
    });
    const id = sim.containers(1)[0].id;
    expect(sim.containers(2)).toEqual([]);
    expect((await call(sim, 'DELETE', `/api/endpoints/2/docker/containers/${id}?force=true`)).status).toBe(404);
    expect(sim.containers(1)).toHaveLength(1);
  });
});

describe('hostile input to the Docker proxy', () => {
  it('a malformed escape in a container id is a 404, not a crash; a filter that is a bare string is a 400', async () => {
    const sim = await start({ stacks: [{ name: 'a', endpointId: 1, composeText: ONE }] });
    const bad = await call(sim, 'DELETE', '/api/endpoints/1/docker/containers/%E0%A4%A?force=true');
    expect(bad.status).toBe(404);
    expect(bad.body).toEqual({ message: 'No such container: %E0%A4%A' });
    expect((await call(sim, 'GET', '/api/endpoints/1/docker/containers/%zz/json')).status).toBe(404);
    expect((await call(sim, 'GET', `/api/endpoints/1/docker/containers/json?filters=${q({ label: 'com.docker.compose.project=a' })}`)).status).toBe(400);
    expect((await call(sim, 'GET', `/api/endpoints/1/docker/containers/json?filters=${q({ name: ['(unclosed'] })}`)).status).toBe(400);
    expect(await list(sim, 'filters=')).toHaveLength(1);
    expect(sim.containers()).toHaveLength(1);
  });

  it('labels with quotes, backslashes and newlines are matched exactly, never by a prefix', async () => {
    const odd = 'a "quoted" \\ value\nsecond line';
    const sim = await start({
      stacks: [
        { name: 'a', endpointId: 1, composeText: `services:\n  web:\n    image: x:1\n    labels:\n      odd: ${JSON.stringify(odd)}\n` },
        { name: 'ab', endpointId: 1, composeText: ONE },
      ],
    });
    expect(await list(sim, `all=1&filters=${q({ label: [`odd=${odd}`] })}`)).toHaveLength(1);
    expect(await list(sim, `all=1&filters=${q({ label: ['odd=a "quoted"'] })}`)).toEqual([]);
    // Project 'a' is not project 'ab'.
    expect((await list(sim, `all=1&filters=${q({ label: ['com.docker.compose.project=a'] })}`)).map((c: Json) => c.Names[0])).toEqual(['/a-web-1']);
  });
});

describe('named volumes (docs/portainer-api.md#deleting-a-stack)', () => {
  const WITH_VOLUME =
    'services:\n  db:\n    image: pg:16\n    volumes:\n      - data:/var/lib/postgresql/data\nvolumes:\n  data:\n  shared:\n    external: true\n  named:\n    name: "fixed-${SUFFIX}"\n';

  it("an up creates the project's named volumes; stop, delete and a container removal with v=true keep them", async () => {
    const sim = await start({ faults: fast });
    expect((await create(sim, 'pg', WITH_VOLUME, [{ name: 'SUFFIX', value: 'x' }])).status).toBe(200);
    const names = () => sim.volumes().map((v) => v.name);
    expect(names()).toEqual(['pg_data', 'fixed-x']);
    const r = await call(sim, 'GET', `/api/endpoints/1/docker/volumes?filters=${q({ label: ['com.docker.compose.project=pg'] })}`);
    expect(r.body.Volumes.map((v: Json) => [v.Name, v.Labels['com.docker.compose.volume']])).toEqual([
      ['pg_data', 'data'],
      ['fixed-x', 'named'],
    ]);
    expect((await call(sim, 'GET', `/api/endpoints/1/docker/volumes?filters=${q({ dangling: ['true'] })}`)).body.Volumes).toEqual([]);
    const id = sim.containers()[0].id;
    expect((await call(sim, 'DELETE', `/api/endpoints/1/docker/containers/${id}?force=true&v=true`)).status).toBe(204);
    expect(sim.containerRemovals()).toMatchObject([{ id, removeVolumes: true }]);
    expect(names()).toEqual(['pg_data', 'fixed-x']);
    expect((await call(sim, 'POST', '/api/stacks/1/stop?endpointId=1')).status).toBe(200);
    expect(names()).toEqual(['pg_data', 'fixed-x']);
    expect((await call(sim, 'POST', '/api/stacks/1/start?endpointId=1')).status).toBe(200);
    expect((await call(sim, 'DELETE', '/api/stacks/1?endpointId=1')).status).toBe(204);
    expect(sim.containers()).toEqual([]);
    expect(names()).toEqual(['pg_data', 'fixed-x']);
    expect((await call(sim, 'GET', `/api/endpoints/1/docker/volumes?filters=${q({ dangling: ['true'] })}`)).body.Volumes).toHaveLength(2);
  });
});
