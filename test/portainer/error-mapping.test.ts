import nock from 'nock';
import { UnavailableError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer/errors';
import { api, BASE, expectNoToken, publicApi, rejection, TOKEN, useHarness } from './nock-helpers';

nock.disableNetConnect();

const codeError = (code: string) => Object.assign(new Error(`connect ${code} 10.0.0.9:9443`), { code });

const h = useHarness();

describe('HTTP error statuses become PortainerApiError', () => {
  it('401 → exit 77, kind auth, with the hint about the token (and not the token itself)', async () => {
    const scope = api().get('/api/stacks').reply(401, { message: 'Invalid JWT token', details: 'Unauthorized' });
    const error = await rejection(h.client.listStacks());
    expect(error).toBeInstanceOf(PortainerApiError);
    expect(error).toMatchObject({ exitCode: 77, kind: 'auth', code: 'PORTAINER_UNAUTHORIZED', hint: expect.stringContaining('token') });
    expectNoToken(h.logs, error);
    scope.done();
  });

  it("404 keeps Portainer's message and details, method and path", async () => {
    const scope = api().get('/api/stacks/42').reply(404, {
      message: 'Unable to find a stack with the specified identifier inside the database',
      details: 'object not found inside the database (bucket=stacks, key=42)',
    });
    const error = await rejection(h.client.getStack(42));
    expect(error).toMatchObject({
      kind: 'not-found',
      // A failed read is Portainer failing (69); exit 1 means a write failed.
      exitCode: 69,
      method: 'GET',
      path: '/api/stacks/42',
      portainerMessage: 'Unable to find a stack with the specified identifier inside the database',
      portainerDetails: 'object not found inside the database (bucket=stacks, key=42)',
    });
    expect((error as PortainerApiError).toJSON()).toMatchObject({ http: { status: 404, method: 'GET', path: '/api/stacks/42' } });
    scope.done();
  });

  it('409 on create is a conflict with the normalized-name message', async () => {
    const scope = api().post('/api/stacks/create/standalone/string').query({ endpointId: '3' }).reply(409, { message: "A stack with the normalized name 'web' already exists", details: 'conflict' });
    const error = await rejection(h.client.createStack({ raw: '2.21.0', major: 2, minor: 21, patch: 0 }, { endpointId: 3, name: 'web', composeText: 'x', env: [] }));
    expect(error).toMatchObject({ kind: 'conflict', portainerMessage: "A stack with the normalized name 'web' already exists", path: '/api/stacks/create/standalone/string?endpointId=3' });
    scope.done();
  });

  it("500 on update keeps compose's output as the message", async () => {
    const scope = api().put('/api/stacks/7').query({ endpointId: '3' }).reply(500, { message: 'failed to deploy a stack: compose up: pull access denied for nope', details: 'exit status 1' });
    const error = await rejection(h.client.updateStack({ id: 7, endpointId: 3, composeText: 'x', env: [] }));
    expect(error).toMatchObject({ kind: 'server', exitCode: 1, portainerDetails: 'exit status 1' });
    expect((error as Error).message).toContain('pull access denied for nope');
    scope.done();
  });

  it('reads the 1.x {err} body as the message', async () => {
    const scope = api().delete('/api/stacks/7').query(true).reply(400, { err: 'Invalid query parameter: endpointId' });
    const error = await rejection(h.client.deleteStack(7, 3));
    expect(error).toMatchObject({ kind: 'bad-request', portainerMessage: 'Invalid query parameter: endpointId' });
    scope.done();
  });

  it('redacts the token if a server echoes it back in an error body', async () => {
    const scope = api()
      .get('/api/stacks')
      .reply(403, { message: `key ${TOKEN} refused`, details: `header X-API-Key: ${TOKEN}` });
    const error = await rejection(h.client.listStacks());
    expect((error as PortainerApiError).portainerMessage).toBe('key [REDACTED] refused');
    expectNoToken(h.logs, error);
    scope.done();
  });
});

describe('answers that are not Portainer become PORTAINER_BAD_ANSWER (exit 69)', () => {
  it('an HTML page with status 200', async () => {
    const scope = api().get('/api/stacks').reply(200, '<!DOCTYPE html><html><title>Sign in - Authelia</title></html>', { 'Content-Type': 'text/html' });
    const error = await rejection(h.client.listStacks());
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_BAD_ANSWER' });
    const message = (error as Error).message;
    expect(message).toContain(`The server at ${BASE} did not answer like Portainer`);
    expect(message).toContain('/api/stacks');
    expect(message).toContain('Sign in - Authelia');
    expectNoToken(h.logs, error);
    scope.done();
  });

  it('truncated JSON', async () => {
    const scope = api().get('/api/stacks/7').reply(200, '{"Id":7,"Name":"we', { 'Content-Type': 'application/json' });
    const error = await rejection(h.client.getStack(7));
    expect(error).toMatchObject({ code: 'PORTAINER_BAD_ANSWER', exitCode: 69 });
    expect((error as Error).message).toContain('{"Id":7,"Name":"we');
    scope.done();
  });

  it('JSON of the wrong shape names the offending field', async () => {
    const scope = api()
      .get('/api/stacks')
      .reply(200, [{ Id: '7', Name: 'web', Type: 2, EndpointId: 3 }]);
    const error = await rejection(h.client.listStacks());
    expect(error).toMatchObject({ code: 'PORTAINER_BAD_ANSWER' });
    expect((error as Error).message).toContain('at 0.Id');
    scope.done();
  });

  it('an unreadable version from /api/status', async () => {
    const scope = publicApi().get('/api/status').reply(200, { Version: 'latest' });
    const error = await rejection(h.client.status());
    expect(error).toMatchObject({ code: 'PORTAINER_BAD_ANSWER' });
    scope.done();
  });

  it('a redirect is reported, not followed (it would carry the API key elsewhere)', async () => {
    const scope = api().get('/api/stacks').reply(301, '', { Location: 'https://login.example/' });
    const error = await rejection(h.client.listStacks());
    expect(error).toMatchObject({ code: 'PORTAINER_REDIRECTED', exitCode: 69 });
    expect((error as Error).message).toContain('https://login.example/');
    scope.done();
  });
});

describe('network failures become UnavailableError (exit 69) with precise hints', () => {
  it('ECONNREFUSED: is Portainer running at the URL? (after the read retries)', async () => {
    const scope = api().get('/api/stacks').times(4).replyWithError(codeError('ECONNREFUSED'));
    const error = await rejection(h.client.listStacks());
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_UNREACHABLE' });
    expect((error as UnavailableError).hint).toBe(`Is Portainer running at ${BASE}? Check --url / PORTAINER_URL.`);
    expect(h.delays).toHaveLength(3);
    expectNoToken(h.logs, error);
    scope.done();
  });

  it('ENOTFOUND: the host name, not retried', async () => {
    const scope = api().get('/api/stacks').once().replyWithError(codeError('ENOTFOUND'));
    const error = await rejection(h.client.listStacks());
    expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_HOST_NOT_FOUND' });
    expect(h.delays).toEqual([]);
    scope.done();
  });

  it.each(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    'TLS %s: suggests --ca-file or --insecure, not retried',
    async (code) => {
      const tlsFailure = Object.assign(new TypeError('fetch failed'), { cause: codeError(code) });
      const scope = api().get('/api/stacks').once().replyWithError(tlsFailure);
      const error = await rejection(h.client.listStacks());
      expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_TLS', hint: "Pass --ca-file <Portainer's CA> or, at your own risk, --insecure." });
      expect(h.delays).toEqual([]);
      scope.done();
    },
  );
});
