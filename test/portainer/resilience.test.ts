import nock from 'nock';
import { PortainerApiError, UnavailableError } from '../../src/errors';
import { parseVersion } from '../../src/portainer';
import { api, expectNoToken, harness, Harness, rejection, stackBody } from './nock-helpers';

nock.disableNetConnect();

const resetError = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(async () => {
  expectNoToken(h.logs);
  nock.cleanAll();
  await h.client.close();
});

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

describe('no retries on writes', () => {
  it('does not retry a create answered 503: the deploy may have happened', async () => {
    const scope = api().post('/api/stacks/create/standalone/string').query(true).once().reply(503, { message: 'busy' });
    const error = await rejection(
      h.client.createStack(parseVersion('2.21.0'), { endpointId: 3, name: 'web', composeText: 'x', env: [] }),
    );
    expect(error).toMatchObject({ kind: 'server', status: 503 });
    expect(h.delays).toEqual([]);
    scope.done();
  });

  it('does not retry an update that lost its connection', async () => {
    const scope = api().put('/api/stacks/7').query(true).once().replyWithError(resetError());
    const error = await rejection(h.client.updateStack({ id: 7, endpointId: 3, composeText: 'x', env: [] }));
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_NETWORK' });
    expect(h.delays).toEqual([]);
    scope.done();
  });

  it('does not retry a delete answered 502', async () => {
    const scope = api().delete('/api/stacks/7').query({ endpointId: '3' }).once().reply(502);
    await rejection(h.client.deleteStack(7, 3));
    expect(h.delays).toEqual([]);
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
