import nock from 'nock';
import { UnavailableError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer/errors';
import { parseVersion } from '../../src/portainer';
import { api, harness, publicApi, rejection, stackBody, useHarness } from './nock-helpers';

nock.disableNetConnect();

const resetError = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

const h = useHarness();

describe('retries on reads', () => {
  it('retries GET on 503 with exponential backoff, each retry visible in the log', async () => {
    const scope = api().get('/api/stacks').times(3).reply(503, 'busy').get('/api/stacks').reply(200, []);
    await expect(h.client.listStacks()).resolves.toEqual([]);
    expect(h.delays).toEqual([250, 500, 1000]); // random() = 0: half of 500 * 2^n
    expect(h.logs).toEqual([
      expect.stringMatching(/^GET \/api\/stacks -> 503 \(\d+ ms\), retry 1\/3 in 250 ms$/),
      expect.stringMatching(/retry 2\/3 in 500 ms$/),
      expect.stringMatching(/retry 3\/3 in 1000 ms$/),
      expect.stringMatching(/^GET \/api\/stacks -> 200 \(\d+ ms\)$/),
    ]);
    scope.done();
  });

  it('adds jitter from the injected random source and stays bounded', async () => {
    const jittery = harness({ random: () => 1 });
    const scope = api().get('/api/stacks/7').times(2).reply(502).get('/api/stacks/7').reply(200, stackBody());
    await jittery.client.getStack(7);
    expect(jittery.delays).toEqual([500, 1000]);
    await jittery.client.close();
    scope.done();
  });

  it('honours Retry-After seconds on 429, capped at 30 s', async () => {
    const scope = api()
      .get('/api/stacks/7/file')
      .reply(429, { message: 'slow down' }, { 'Retry-After': '2' })
      .get('/api/stacks/7/file')
      .reply(429, { message: 'slow down' }, { 'Retry-After': '3600' })
      .get('/api/stacks/7/file')
      .reply(200, { StackFileContent: 'x' });
    await expect(h.client.stackFile(7)).resolves.toBe('x');
    expect(h.delays).toEqual([2000, 30000]);
    scope.done();
  });

  it('retries GET on ECONNRESET', async () => {
    const scope = api().get('/api/stacks').replyWithError(resetError()).get('/api/stacks').reply(200, []);
    await expect(h.client.listStacks()).resolves.toEqual([]);
    expect(h.delays).toEqual([250]);
    expect(h.logs[0]).toMatch(/^GET \/api\/stacks -> ECONNRESET \(\d+ ms\), retry 1\/3 in 250 ms$/);
    scope.done();
  });

  it('gives up after 3 retries with the last error', async () => {
    const scope = api().get('/api/stacks').times(4).reply(504, { message: 'Gateway Timeout' });
    const error = await rejection(h.client.listStacks());
    expect(error).toBeInstanceOf(PortainerApiError);
    expect(error).toMatchObject({ kind: 'server', status: 504 });
    expect(h.delays).toHaveLength(3);
    scope.done();
  });

  it('does not retry a 4xx on a read', async () => {
    const scope = api().get('/api/stacks/99').once().reply(404, { message: 'Unable to find a stack with the specified identifier inside the database', details: 'object not found' });
    const error = await rejection(h.client.getStack(99));
    expect(error).toMatchObject({ kind: 'not-found' });
    expect(h.delays).toEqual([]);
    scope.done();
  });
});

describe('retry policy of writes (transport.ts RetryPolicy)', () => {
  const create = () => h.client.createStack(parseVersion('2.21.0'), { endpointId: 3, name: 'web', composeText: 'x', env: [] });
  const update = () => h.client.updateStack({ id: 7, endpointId: 3, composeText: 'x', env: [] });
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:9443'), { code: 'ECONNREFUSED' });

  it.each([502, 503, 504])('does not retry a create answered %i: the deploy may have happened', async (status) => {
    const scope = api().post('/api/stacks/create/standalone/string').query(true).once().reply(status, { message: 'busy' });
    const error = await rejection(create());
    expect(error).toMatchObject({ kind: 'server', status });
    expect(h.delays).toEqual([]);
    expect(h.logs).toEqual([expect.stringMatching(new RegExp(`-> ${status} \\(\\d+ ms\\), not retried: Portainer may have started the deploy$`))]);
    scope.done();
  });

  it('does not retry a create that lost its connection', async () => {
    const scope = api().post('/api/stacks/create/standalone/string').query(true).once().replyWithError(resetError());
    const error = await rejection(create());
    expect(error).toMatchObject({ code: 'PORTAINER_NETWORK' });
    expect(h.delays).toEqual([]);
    scope.done();
  });

  it('retries a create refused before connecting: nothing reached Portainer', async () => {
    const scope = api().post('/api/stacks/create/standalone/string').query(true).replyWithError(refused()).post('/api/stacks/create/standalone/string').query(true).reply(200, stackBody());
    await expect(create()).resolves.toMatchObject({ id: 7 });
    expect(h.delays).toEqual([250]);
    expect(h.logs[0]).toMatch(/-> ECONNREFUSED \(\d+ ms\), retry 1\/3 in 250 ms$/);
    scope.done();
  });

  it('retries a create answered 429 after its Retry-After: the request was not processed', async () => {
    const scope = api()
      .post('/api/stacks/create/standalone/string')
      .query(true)
      .reply(429, { message: 'slow down' }, { 'Retry-After': '4' })
      .post('/api/stacks/create/standalone/string')
      .query(true)
      .reply(200, stackBody());
    await expect(create()).resolves.toMatchObject({ id: 7 });
    expect(h.delays).toEqual([4000]);
    scope.done();
  });

  it('does not retry an update that lost its connection', async () => {
    const scope = api().put('/api/stacks/7').query(true).once().replyWithError(resetError());
    const error = await rejection(update());
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_NETWORK' });
    expect(h.delays).toEqual([]);
    expect(h.logs[0]).toMatch(/ECONNRESET \(\d+ ms\), not retried: Portainer may have started the deploy$/);
    scope.done();
  });

  it('does not retry an update answered 504 but retries one answered 429', async () => {
    const gateway = api().put('/api/stacks/7').query(true).once().reply(504);
    await rejection(update());
    expect(h.delays).toEqual([]);
    gateway.done();
    const limited = api().put('/api/stacks/7').query(true).reply(429, '', { 'Retry-After': '1' }).put('/api/stacks/7').query(true).reply(200, stackBody());
    await expect(update()).resolves.toMatchObject({ id: 7 });
    expect(h.delays).toEqual([1000]);
    limited.done();
  });

  it('retries a delete answered 502 or reset: deleting one id twice is harmless', async () => {
    const scope = api()
      .delete('/api/stacks/7')
      .query({ endpointId: '3' })
      .reply(502)
      .delete('/api/stacks/7')
      .query({ endpointId: '3' })
      .replyWithError(resetError())
      .delete('/api/stacks/7')
      .query({ endpointId: '3' })
      .reply(204);
    await expect(h.client.deleteStack(7, 3)).resolves.toBeUndefined();
    expect(h.delays).toEqual([250, 500]);
    expect(h.logs.slice(0, 2)).toEqual([expect.stringMatching(/^DELETE \/api\/stacks\/7\?endpointId=3 -> 502 .*retry 1\/3/), expect.stringMatching(/ECONNRESET .*retry 2\/3/)]);
    scope.done();
  });

  it('a delete retried after its first copy was carried out ends in not-found (apply re-reads)', async () => {
    const scope = api()
      .delete('/api/stacks/7')
      .query(true)
      .reply(503)
      .delete('/api/stacks/7')
      .query(true)
      .reply(404, { message: 'Unable to find a stack with the specified identifier inside the database' });
    const error = await rejection(h.client.deleteStack(7, 3));
    expect(error).toMatchObject({ kind: 'not-found' });
    expect(h.delays).toEqual([250]);
    scope.done();
  });

  it('gives up a delete after 3 retries', async () => {
    const scope = api().delete('/api/stacks/7').query(true).times(4).reply(503);
    await expect(rejection(h.client.deleteStack(7, 3))).resolves.toMatchObject({ status: 503 });
    expect(h.delays).toHaveLength(3);
    scope.done();
  });

  it('never retries a login, even on 503 or a refused connection (/api/auth bans an IP after ~10 attempts)', async () => {
    const scope = publicApi().post('/api/auth').reply(503).post('/api/auth').replyWithError(refused());
    await rejection(h.client.authenticate('admin', 'pw-secret'));
    await rejection(h.client.authenticate('admin', 'pw-secret'));
    expect(h.delays).toEqual([]);
    expect(h.logs[0]).toMatch(/-> 503 \(\d+ ms\), not retried$/);
    scope.done();
  });
});

describe('4xx other than 429 is never retried', () => {
  const cases: [string, number][] = [400, 401, 403, 404, 405, 409, 422].flatMap(
    (s) =>
      [
        ['GET', s],
        ['DELETE', s],
        ['PUT', s],
      ] as [string, number][],
  );
  it.each(cases)('%s answered %i: one request', async (method, status) => {
    const body = { message: `refused ${status}` };
    const scope =
      method === 'GET'
        ? api().get('/api/stacks/7').once().reply(status, body)
        : method === 'DELETE'
          ? api().delete('/api/stacks/7').query(true).once().reply(status, body)
          : api().put('/api/stacks/7').query(true).once().reply(status, body);
    const call = method === 'GET' ? h.client.getStack(7) : method === 'DELETE' ? h.client.deleteStack(7, 3) : h.client.updateStack({ id: 7, endpointId: 3, composeText: 'x', env: [] });
    const error = await rejection(call);
    expect(error).toMatchObject({ status, portainerMessage: `refused ${status}` });
    expect(h.delays).toEqual([]);
    expect(h.logs).toHaveLength(1);
    scope.done();
  });
});

describe('timeouts', () => {
  it('a slow read becomes PORTAINER_TIMEOUT (exit 69) after the read timeout, not retried', async () => {
    const quick = harness({ readTimeoutMs: 50 });
    const scope = api().get('/api/stacks').once().delay(1000).reply(200, []);
    const error = await rejection(quick.client.listStacks());
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_TIMEOUT', hint: expect.stringContaining('timeout') });
    expect(quick.delays).toEqual([]);
    expect(quick.logs).toEqual([expect.stringMatching(/^GET \/api\/stacks -> timeout/)]);
    await quick.client.close();
    scope.done();
  });

  it('writes use the deploy timeout, not the read timeout', async () => {
    const split = harness({ readTimeoutMs: 20, deployTimeoutMs: 5_000 });
    const ok = api().put('/api/stacks/7').query(true).delay(200).reply(200, stackBody());
    await expect(split.client.updateStack({ id: 7, endpointId: 3, composeText: 'x', env: [] })).resolves.toMatchObject({ id: 7 });
    ok.done();
    const slow = api().put('/api/stacks/7').query(true).delay(1000).reply(200, stackBody());
    const tight = harness({ readTimeoutMs: 5_000, deployTimeoutMs: 50 });
    const error = await rejection(tight.client.updateStack({ id: 7, endpointId: 3, composeText: 'x', env: [] }));
    expect(error).toMatchObject({ code: 'PORTAINER_TIMEOUT', hint: expect.stringContaining('may still be running') });
    await split.client.close();
    await tight.client.close();
    slow.done();
  });
});
