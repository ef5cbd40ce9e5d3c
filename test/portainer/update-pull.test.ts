/**
 * The update body asks for an image pull only when the plan does (--pull), with the field the
 * version reads (docs/portainer-api.md#pull-and-redeploy): none before 2.15.1 (refused, never a
 * silent redeploy without the pull), `PullImage` from 2.15.1, and `RepullImageAndRedeploy` beside
 * it on the newest versions.
 */
import nock from 'nock';
import { isPhoenixError } from '../../src/errors';
import { assertCanPull, capabilities, parseVersion } from '../../src/portainer';
import { api, stackBody, useHarness } from './nock-helpers';

nock.disableNetConnect();

const COMPOSE = 'services:\n  web:\n    image: nginx:latest\n';
const ENV = [{ name: 'TAG', value: 'latest' }];
const INPUT = { id: 7, endpointId: 3, composeText: COMPOSE, env: ENV };

const h = useHarness();

describe('updateStack with an image pull, by version', () => {
  it.each([
    ['2.15.1', { PullImage: true }],
    ['2.21.4', { PullImage: true }],
    ['2.35.9', { PullImage: true }],
    ['2.36.0', { PullImage: true, RepullImageAndRedeploy: true }],
    ['2.42.0', { PullImage: true, RepullImageAndRedeploy: true }],
  ])('%s sends %j (and Prune false)', async (raw, pullFields) => {
    const scope = api()
      .put('/api/stacks/7', (body: Record<string, unknown>) => {
        // Exactly these keys: a pull field the version does not read would be ignored silently.
        expect(body).toEqual({ StackFileContent: COMPOSE, Env: ENV, Prune: false, ...pullFields });
        return true;
      })
      .query({ endpointId: '3' })
      .reply(200, stackBody());
    await h.client.updateStack({ ...INPUT, pull: true }, parseVersion(raw));
    scope.done();
  });

  it.each(['2.14.2', '2.15.0', '1.24.2'])('%s cannot pull: refused (64) before any request', async (raw) => {
    // No nock scope: a request would fail the test with a net-connect error instead of the usage error.
    const error: unknown = await h.client.updateStack({ ...INPUT, pull: true }, parseVersion(raw)).catch((e: unknown) => e);
    expect(isPhoenixError(error) && [error.code, error.exitCode]).toEqual(['PULL_UNSUPPORTED', 64]);
    expect(isPhoenixError(error) && error.message).toContain(`Portainer ${raw} cannot pull images`);
    expect(isPhoenixError(error) && error.hint).toMatch(/--redeploy/);
  });

  it.each(['2.14.2', '2.15.0', '2.21.4', '2.42.0'])('%s without a pull sends PullImage false and no newer pull field', async (raw) => {
    const scope = api()
      .put('/api/stacks/7', (body: Record<string, unknown>) => {
        expect(body).toEqual({ StackFileContent: COMPOSE, Env: ENV, Prune: false, PullImage: false });
        return true;
      })
      .query({ endpointId: '3' })
      .reply(200, stackBody());
    await h.client.updateStack(INPUT, parseVersion(raw));
    scope.done();
  });

  it('a pull without the version is a bug, not a silent redeploy', async () => {
    await expect(h.client.updateStack({ ...INPUT, pull: true })).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('the pull capability', () => {
  it.each([
    ['2.14.9', false],
    ['2.15.0', false],
    ['2.15.1', true],
    ['2.16.0', true],
    ['3.0.0', true],
  ])('%s: pullImage %s', (raw, can) => {
    expect(capabilities(parseVersion(raw)).pullImage).toBe(can);
    if (can) expect(() => assertCanPull(parseVersion(raw))).not.toThrow();
    else expect(() => assertCanPull(parseVersion(raw))).toThrow(/cannot pull images/);
  });
});
