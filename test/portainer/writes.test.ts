import nock from 'nock';
import { AuthError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer/errors';
import { parseVersion } from '../../src/portainer';
import { api, bearerApi, expectNoToken, publicApi, rejection, stackBody, useHarness } from './nock-helpers';

nock.disableNetConnect();

const V2_21 = parseVersion('2.21.0');
const V2_18 = parseVersion('2.18.4');
const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';
const ENV = [{ name: 'TAG', value: '1.2' }];

const h = useHarness();

describe('createStack, 2.19+ route family', () => {
  it('creates a compose stack with POST /stacks/create/standalone/string and PascalCase body', async () => {
    const scope = api().post('/api/stacks/create/standalone/string', { Name: 'web', StackFileContent: COMPOSE, Env: ENV }).query({ endpointId: '3' }).reply(200, stackBody());
    const stack = await h.client.createStack(V2_21, { endpointId: 3, name: 'web', composeText: COMPOSE, env: ENV });
    expect(stack).toMatchObject({ id: 7, name: 'web', type: 'compose', endpointId: 3 });
    scope.done();
  });

  it('creates a swarm stack with POST /stacks/create/swarm/string and the SwarmID', async () => {
    const scope = api()
      .post('/api/stacks/create/swarm/string', { Name: 'db', StackFileContent: COMPOSE, Env: [], SwarmID: 'clu1' })
      .query({ endpointId: '4' })
      .reply(200, stackBody({ Id: 8, Name: 'db', Type: 1, EndpointId: 4, SwarmId: 'clu1', Env: [] }));
    const stack = await h.client.createStack(parseVersion('2.19.0'), { endpointId: 4, name: 'db', composeText: COMPOSE, env: [], swarmId: 'clu1' });
    expect(stack).toMatchObject({ id: 8, type: 'swarm', swarmId: 'clu1' });
    scope.done();
  });
});

describe('createStack, pre-2.19 route family', () => {
  it('creates a compose stack with POST /stacks?type=2&method=string', async () => {
    const scope = api().post('/api/stacks', { Name: 'web', StackFileContent: COMPOSE, Env: ENV }).query({ type: '2', method: 'string', endpointId: '3' }).reply(200, stackBody());
    await h.client.createStack(V2_18, { endpointId: 3, name: 'web', composeText: COMPOSE, env: ENV });
    scope.done();
  });

  it('creates a swarm stack with type=1', async () => {
    const scope = api()
      .post('/api/stacks', { Name: 'db', StackFileContent: COMPOSE, Env: ENV, SwarmID: 'clu1' })
      .query({ type: '1', method: 'string', endpointId: '4' })
      .reply(200, stackBody({ Id: 8, Type: 1, EndpointId: 4, SwarmId: 'clu1' }));
    await h.client.createStack(V2_18, { endpointId: 4, name: 'db', composeText: COMPOSE, env: ENV, swarmId: 'clu1' });
    scope.done();
  });
});

describe('updateStack', () => {
  it("PUTs the full Env, the stack's own endpointId, Prune and PullImage false", async () => {
    const env = [
      { name: 'A', value: '1' },
      { name: 'B', value: '' },
    ];
    const scope = api()
      .put('/api/stacks/7', { StackFileContent: COMPOSE, Env: env, Prune: false, PullImage: false })
      .query({ endpointId: '3' })
      .reply(200, stackBody({ Env: env }));
    const stack = await h.client.updateStack({ id: 7, endpointId: 3, composeText: COMPOSE, env });
    expect(stack.env).toEqual(env);
    scope.done();
  });

  it('always sends Env, as [] when the list is empty, for a swarm stack too', async () => {
    const scope = api()
      .put('/api/stacks/8', { StackFileContent: COMPOSE, Env: [], Prune: false, PullImage: false })
      .query({ endpointId: '4' })
      .reply(200, stackBody({ Id: 8, Type: 1, EndpointId: 4, Env: null }));
    await h.client.updateStack({ id: 8, endpointId: 4, composeText: COMPOSE, env: [], swarm: true });
    scope.done();
  });
});

describe('deleteStack', () => {
  it('DELETEs with the endpointId and accepts 204', async () => {
    const scope = api().delete('/api/stacks/7').query({ endpointId: '3' }).reply(204);
    await expect(h.client.deleteStack(7, 3)).resolves.toBeUndefined();
    scope.done();
  });
});

describe('authenticate', () => {
  it('POSTs the credentials to /api/auth with no API key, returns the JWT and never sends the cookie back', async () => {
    const login = publicApi().post('/api/auth', { username: 'admin', password: 'hunter2-pw' }).reply(200, { jwt: 'eyJ.jwt.sig' }, { 'Set-Cookie': 'portainer_api_key=eyJ.jwt.sig; Path=/; HttpOnly' });
    await expect(h.client.authenticate('admin', 'hunter2-pw')).resolves.toEqual({ jwt: 'eyJ.jwt.sig' });
    // The next write must carry no cookie, or 2.20+ enforces CSRF and answers 403.
    const mint = bearerApi('eyJ.jwt.sig').post('/api/users/1/tokens').reply(201, { rawAPIKey: 'ptr_X1' });
    await h.client.createApiKey('eyJ.jwt.sig', 1, 'hunter2-pw', 'd');
    login.done();
    mint.done();
  });

  it('turns 422 into an AuthError (exit 77) and does not retry', async () => {
    const scope = publicApi().post('/api/auth', { username: 'admin', password: 'wrong-pw' }).once().reply(422, { message: 'Invalid credentials', details: 'Unauthorized' });
    const error = await rejection(h.client.authenticate('admin', 'wrong-pw'));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ exitCode: 77, code: 'PORTAINER_BAD_CREDENTIALS' });
    expect(h.delays).toEqual([]);
    expectNoToken(h.logs, error, 'wrong-pw');
    scope.done();
  });

  it('explains the one-hour ban on a 403 and does not retry', async () => {
    const scope = publicApi().post('/api/auth').once().reply(403, { message: 'Access denied', details: 'Access denied to resource' });
    const error = await rejection(h.client.authenticate('admin', 'pw-123'));
    expect(error).toBeInstanceOf(PortainerApiError);
    expect(error).toMatchObject({ exitCode: 77, kind: 'forbidden', hint: expect.stringContaining('1 hour') });
    scope.done();
  });
});

describe('createApiKey', () => {
  it('POSTs {password, description} with Bearer only (no X-API-Key, no cookie) and reads the 201 rawAPIKey', async () => {
    const scope = bearerApi('eyJ.jwt.sig')
      .post('/api/users/1/tokens', { password: 'hunter2-pw', description: 'phoenix on pve1' })
      .reply(201, { rawAPIKey: 'ptr_NEWKEY', apiKey: { id: 2, userId: 1, description: 'phoenix on pve1', prefix: 'ptr_NEW' } });
    await expect(h.client.createApiKey('eyJ.jwt.sig', 1, 'hunter2-pw', 'phoenix on pve1')).resolves.toBe('ptr_NEWKEY');
    for (const secret of ['eyJ.jwt.sig', 'hunter2-pw', 'ptr_NEWKEY']) expectNoToken(h.logs, undefined, secret);
    scope.done();
  });

  it('says the login session is the problem on a 401, not the API key, and never echoes the JWT', async () => {
    const scope = bearerApi('eyJ.expired.sig').post('/api/users/1/tokens').reply(401, { message: 'Invalid JWT token eyJ.expired.sig', details: 'Unauthorized' });
    const error = await rejection(h.client.createApiKey('eyJ.expired.sig', 1, 'pw-123', 'd'));
    expect(error).toMatchObject({ exitCode: 77, kind: 'auth', hint: expect.stringContaining('log in again') });
    expectNoToken(h.logs, error, 'eyJ.expired.sig');
    scope.done();
  });
});

describe('currentUser', () => {
  it('GETs /api/users/me with the JWT', async () => {
    const scope = bearerApi('eyJ.jwt.sig').get('/api/users/me').query({ noEndpointAuthorizations: 'true' }).reply(200, { Id: 1, Username: 'admin', Role: 1 });
    await expect(h.client.currentUser('eyJ.jwt.sig')).resolves.toEqual({ id: 1, username: 'admin' });
    scope.done();
  });

  it('reports not-found on versions before 2.20 so callers can fall back to the JWT claim', async () => {
    const scope = bearerApi('eyJ.jwt.sig').get('/api/users/me').query(true).reply(404, { message: 'Not found' });
    const error = await rejection(h.client.currentUser('eyJ.jwt.sig'));
    expect(error).toBeInstanceOf(PortainerApiError);
    expect(error).toMatchObject({ kind: 'not-found' });
    scope.done();
  });
});
