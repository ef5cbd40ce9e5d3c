import nock from 'nock';

import { ExitCode, UnavailableError } from '../../src/errors';
import { BASE, harness } from './nock-helpers';

nock.disableNetConnect();
afterEach(() => nock.cleanAll());

describe('a URL that is not Portainer’s base', () => {
  it('a 404 on /api/status is exit 69 with a hint to drop /api', async () => {
    const scope = nock(BASE).get('/api/api/status').reply(404, { message: 'Not found' });
    const { client } = harness({ url: `${BASE}/api` });
    const error = await client.status().catch((e: unknown) => e);
    scope.done();
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).exitCode).toBe(ExitCode.UNAVAILABLE);
    expect((error as UnavailableError).message).toBe(`No Portainer API at ${BASE}/api: GET /api/status answered 404`);
    expect((error as UnavailableError).hint).toBe(`Give Portainer's base URL without /api: ${BASE}`);
    await client.close();
  });

  it('a 404 from another service says where to point --url', async () => {
    const scope = nock(BASE).get('/grafana/api/status').reply(404, '<html>404</html>');
    const { client } = harness({ url: `${BASE}/grafana/` });
    const error = (await client.status().catch((e: unknown) => e)) as UnavailableError;
    scope.done();
    expect(error.code).toBe('PORTAINER_BAD_ANSWER');
    expect(error.hint).toContain("Point --url / PORTAINER_URL at Portainer's base URL");
    await client.close();
  });
});
