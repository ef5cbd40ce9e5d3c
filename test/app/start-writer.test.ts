/** The writer's start (app/portainer-adapter.ts): a stack someone started since the plan counts as started, read back once. */
import nock from 'nock';
import { writerFor } from '../../src/app/portainer-adapter';
import { parseVersion } from '../../src/portainer';
import { api, stackBody, useHarness } from '../portainer/nock-helpers';

nock.disableNetConnect();
const h = useHarness();
const environment = { id: 3, name: 'drphoenix', kind: 'docker-agent' as const, url: 'tcp://a', state: 'up' as const, swarm: false };

describe('writer.startStack', () => {
  it.each([
    ['2.21 (400)', 400, { message: 'Stack is already active', details: 'Stack is already active' }],
    ['newest (409)', 409, { message: 'Unable to start stack', details: 'Stack is already active' }],
  ])('"already active" on %s: done, the stack read back', async (_title, status, body) => {
    const scope = api()
      .post('/api/stacks/7/start')
      .query({ endpointId: '3' })
      .reply(status, body)
      .get('/api/stacks/7')
      .reply(200, stackBody({ Status: 1 }));
    const writer = writerFor(h.client, parseVersion('2.21.4'), environment, undefined);
    await expect(writer.startStack?.(7)).resolves.toMatchObject({ id: 7, status: 'active' });
    scope.done();
  });

  it('any other refusal stays a failure (another project of that name runs there)', async () => {
    const scope = api().post('/api/stacks/7/start').query({ endpointId: '3' }).reply(409, { message: "A stack with the name 'web' is already running" });
    const writer = writerFor(h.client, parseVersion('2.21.4'), environment, undefined);
    await expect(writer.startStack?.(7)).rejects.toMatchObject({ kind: 'conflict' });
    scope.done();
  });
});
