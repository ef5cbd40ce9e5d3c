/**
 * The runtime routes of the client, each held by a strict nock scope: what runs (containers,
 * Swarm services) in one request per environment with url-encoded label filters, start, container
 * removal and the update's Prune; answers zod-parsed, tolerant of unknown fields, and a
 * non-Docker answer refused as "not Portainer" (exit 69).
 */
import nock from 'nock';
import { ExitCode, isPhoenixError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer/errors';
import { api, rejection, stackBody, useHarness } from './nock-helpers';

nock.disableNetConnect();

const h = useHarness();

const COMPOSE_FILTER = JSON.stringify({ label: ['com.docker.compose.project'] });
const STACK_FILTER = JSON.stringify({ label: ['com.docker.stack.namespace'] });

/** A container as Docker lists it, with fields phoenix does not read. */
function dockerContainer(project: string, service: string, status: string, state: string, extra: Record<string, unknown> = {}) {
  return {
    Id: `${project}-${service}-0123456789abcdef`,
    Names: [`/${project}-${service}-1`],
    Image: 'nginx:1.27',
    ImageID: 'sha256:abc',
    Command: 'nginx -g daemon off;',
    Created: 1700000000,
    Ports: [],
    Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service, 'com.docker.compose.container-number': '1', 'com.docker.compose.oneoff': 'False' },
    State: state,
    Status: status,
    HostConfig: { NetworkMode: 'bridge' },
    NetworkSettings: { Networks: {} },
    Mounts: [],
    ...extra,
  };
}

describe('containers: GET /endpoints/{id}/docker/containers/json', () => {
  it('asks once for every compose container, stopped ones too, the label filter url-encoded', async () => {
    const scope = api()
      .get('/api/endpoints/3/docker/containers/json')
      .query((q) => q.all === '1' && q.filters === COMPOSE_FILTER && Object.keys(q).length === 2)
      .reply(200, [
        dockerContainer('web', 'web', 'Up 2 hours (healthy)', 'running'),
        dockerContainer('web', 'worker', 'Exited (1) 3 minutes ago', 'exited'),
        dockerContainer('api', 'app', 'Restarting (137) 5 seconds ago', 'restarting'),
        dockerContainer('api', 'db', 'Up 2 hours (unhealthy)', 'running'),
        dockerContainer('api', 'cache', 'Up 3 seconds (health: starting)', 'running'),
      ]);
    const list = await h.client.containers(3);
    expect(list).toEqual([
      { kind: 'container', id: 'web-web-0123456789abcdef', name: 'web-web-1', project: 'web', service: 'web', state: 'running', health: 'healthy' },
      { kind: 'container', id: 'web-worker-0123456789abcdef', name: 'web-worker-1', project: 'web', service: 'worker', state: 'exited', exitCode: 1 },
      { kind: 'container', id: 'api-app-0123456789abcdef', name: 'api-app-1', project: 'api', service: 'app', state: 'restarting', exitCode: 137 },
      { kind: 'container', id: 'api-db-0123456789abcdef', name: 'api-db-1', project: 'api', service: 'db', state: 'running', health: 'unhealthy' },
      { kind: 'container', id: 'api-cache-0123456789abcdef', name: 'api-cache-1', project: 'api', service: 'cache', state: 'running', health: 'starting' },
    ]);
    expect(h.logs).toEqual([
      expect.stringMatching(/^GET \/api\/endpoints\/3\/docker\/containers\/json\?all=1&filters=%7B%22label%22%3A%5B%22com\.docker\.compose\.project%22%5D%7D -> 200 \(\d+ ms\)$/),
    ]);
    scope.done();
  });

  it('drops one-off (`compose run`) and service-less containers; reads the state from Status when Docker sent no State; null is []', async () => {
    const oneoff = dockerContainer('web', 'web', 'Exited (0) 1 minute ago', 'exited', {
      Labels: { 'com.docker.compose.project': 'web', 'com.docker.compose.service': 'web', 'com.docker.compose.oneoff': 'True' },
    });
    const noService = dockerContainer('web', 'x', 'Up 1 hour', 'running', { Labels: { 'com.docker.compose.project': 'web' } });
    const old = { Id: 'abc', Names: ['/web_web_1'], Labels: { 'com.docker.compose.project': 'web', 'com.docker.compose.service': 'web' }, Status: 'Exited (2) 4 days ago' };
    const newer = dockerContainer('web', 'db', 'Up 1 hour', 'hibernating');
    const scope = api().get('/api/endpoints/3/docker/containers/json').query(true).reply(200, [oneoff, noService, old, newer]);
    await expect(h.client.containers(3)).resolves.toEqual([
      { kind: 'container', id: 'abc', name: 'web_web_1', project: 'web', service: 'web', state: 'exited', exitCode: 2 },
      { kind: 'container', id: 'web-db-0123456789abcdef', name: 'web-db-1', project: 'web', service: 'db', state: 'unknown' },
    ]);
    scope.done();
    const empty = api().get('/api/endpoints/3/docker/containers/json').query(true).reply(200, 'null', { 'Content-Type': 'application/json' });
    await expect(h.client.containers(3)).resolves.toEqual([]);
    empty.done();
  });

  it.each([
    ['an HTML login page', '<html>login</html>'],
    ['a JSON object instead of a list', JSON.stringify({ message: 'ok' })],
    ['a container without an Id', JSON.stringify([{ Names: ['/x'], Labels: {} }])],
    ['labels that are not strings', JSON.stringify([{ Id: 'a', Labels: { 'com.docker.compose.project': 3 } }])],
  ])('refuses %s as not Portainer (exit 69)', async (_what, body) => {
    const scope = api().get('/api/endpoints/3/docker/containers/json').query(true).reply(200, body);
    const error = await rejection(h.client.containers(3));
    expect(isPhoenixError(error) && error.code).toBe('PORTAINER_BAD_ANSWER');
    expect(isPhoenixError(error) && error.exitCode).toBe(ExitCode.UNAVAILABLE);
    scope.done();
  });

  it('keeps hostile label text as data: quotes, newlines and escape sequences are not interpreted here', async () => {
    const service = 'x"\n\u001b[2J\u001b]0;owned\u0007';
    const scope = api()
      .get('/api/endpoints/3/docker/containers/json')
      .query(true)
      .reply(200, [dockerContainer('web', service, 'Up 1 hour', 'running')]);
    const [unit] = await h.client.containers(3);
    expect(unit.service).toBe(service);
    scope.done();
  });

  it('a read failing with 502 is retried like every read', async () => {
    const scope = api().get('/api/endpoints/3/docker/containers/json').query(true).reply(502, 'bad gateway').get('/api/endpoints/3/docker/containers/json').query(true).reply(200, []);
    await expect(h.client.containers(3)).resolves.toEqual([]);
    scope.done();
  });
});

describe('swarmServices: GET /endpoints/{id}/docker/services', () => {
  const service = (name: string, namespace: string | undefined, status?: { RunningTasks: number; DesiredTasks: number }) => ({
    ID: `id-${name}`,
    Version: { Index: 12 },
    Spec: { Name: name, Labels: namespace === undefined ? {} : { 'com.docker.stack.namespace': namespace, 'com.docker.stack.image': 'nginx' }, Mode: { Replicated: { Replicas: 2 } } },
    ...(status ? { ServiceStatus: { ...status, CompletedTasks: 0 } } : {}),
  });

  it('asks once with status=true and the namespace filter; the service name loses its stack prefix', async () => {
    const scope = api()
      .get('/api/endpoints/4/docker/services')
      .query((q) => q.status === 'true' && q.filters === STACK_FILTER && Object.keys(q).length === 2)
      .reply(200, [service('web_web', 'web', { RunningTasks: 1, DesiredTasks: 2 }), service('web_worker', 'web'), service('lonely', undefined), service('odd', 'web')]);
    await expect(h.client.swarmServices(4)).resolves.toEqual([
      { kind: 'swarm-service', id: 'id-web_web', name: 'web_web', project: 'web', service: 'web', running: 1, desired: 2 },
      { kind: 'swarm-service', id: 'id-web_worker', name: 'web_worker', project: 'web', service: 'worker' },
      { kind: 'swarm-service', id: 'id-odd', name: 'odd', project: 'web', service: 'odd' },
    ]);
    scope.done();
  });

  it('refuses a list whose entries have no Spec (not Docker) with exit 69', async () => {
    const scope = api()
      .get('/api/endpoints/4/docker/services')
      .query(true)
      .reply(200, [{ ID: 'x' }]);
    const error = await rejection(h.client.swarmServices(4));
    expect(isPhoenixError(error) && error.code).toBe('PORTAINER_BAD_ANSWER');
    scope.done();
  });

  it('a node that is not a Swarm manager (503) is retried, then fails as Portainer failing', async () => {
    const scope = api().get('/api/endpoints/4/docker/services').query(true).times(4).reply(503, { message: 'This node is not a swarm manager.' });
    const error = await rejection(h.client.swarmServices(4));
    expect(error).toBeInstanceOf(PortainerApiError);
    expect(isPhoenixError(error) && error.exitCode).toBe(ExitCode.UNAVAILABLE);
    scope.done();
  });
});

describe('startStack: POST /stacks/{id}/start', () => {
  it('always sends endpointId (2.19+ require it) and no body; parses the Stack', async () => {
    const scope = api()
      .post('/api/stacks/7/start')
      .query({ endpointId: '3' })
      .reply(200, stackBody({ Status: 1 }));
    await expect(h.client.startStack(7, 3)).resolves.toMatchObject({ id: 7, status: 'active' });
    scope.done();
  });

  it('is not resent after a 502 (the start may have run): apply decides by re-reading', async () => {
    const scope = api().post('/api/stacks/7/start').query({ endpointId: '3' }).reply(502, 'bad gateway');
    const error = await rejection(h.client.startStack(7, 3));
    expect(error).toBeInstanceOf(PortainerApiError);
    expect(h.logs).toEqual([expect.stringMatching(/-> 502 .*not retried/)]);
    scope.done();
  });

  it('keeps Portainer\'s "already active" answer', async () => {
    const scope = api().post('/api/stacks/7/start').query({ endpointId: '3' }).reply(400, { message: 'Stack is already active', details: 'Stack is already active' });
    const error = await rejection(h.client.startStack(7, 3));
    expect(error).toMatchObject({ portainerMessage: 'Stack is already active', kind: 'bad-request' });
    scope.done();
  });
});

describe('removeContainer: DELETE /endpoints/{id}/docker/containers/{cid}', () => {
  it('forces the removal and keeps volumes (v=false); the id is path-encoded', async () => {
    const scope = api().delete('/api/endpoints/3/docker/containers/abc%2F..%2Fx').query({ force: 'true', v: 'false' }).reply(204);
    await h.client.removeContainer(3, 'abc/../x');
    scope.done();
  });

  it('is retried on a transient failure (the same id twice is harmless), and a 404 says not-found', async () => {
    const scope = api()
      .delete('/api/endpoints/3/docker/containers/abc')
      .query(true)
      .reply(503, 'unavailable')
      .delete('/api/endpoints/3/docker/containers/abc')
      .query(true)
      .reply(404, { message: 'No such container: abc' });
    const error = await rejection(h.client.removeContainer(3, 'abc'));
    expect(error).toMatchObject({ kind: 'not-found', portainerMessage: 'No such container: abc' });
    scope.done();
  });
});

describe('updateStack with Prune', () => {
  it('sends Prune: true only when asked (Swarm orphans with --prune)', async () => {
    const scope = api()
      .put('/api/stacks/7', { StackFileContent: 'services: {}\n', Env: [], Prune: true, PullImage: false })
      .query({ endpointId: '4' })
      .reply(200, stackBody({ Type: 1 }));
    await h.client.updateStack({ id: 7, endpointId: 4, composeText: 'services: {}\n', env: [], swarm: true, prune: true });
    scope.done();
  });
});
