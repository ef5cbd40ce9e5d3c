/**
 * Registering an agent environment: the multipart form field by field (parsed the way a server
 * parses it), the answer, and what a lost answer, a duplicate name and an unreachable agent
 * become. Never a blind resend: every test counts the POSTs.
 */
import nock from 'nock';
import { ExitCode } from '../../src/errors';
import { compareAgentUrls, registerAgentEnvironment, ROUTES_USED } from '../../src/portainer';
import { api, harness, rejection, useHarness } from './nock-helpers';

nock.disableNetConnect();

const h = useHarness();

const INPUT = { name: 'newvm', url: 'tcp://10.0.0.13:9001', tlsSkipVerify: true, tlsSkipClientVerify: true, groupId: 1 };

function endpointBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { Id: 4, Name: 'newvm', Type: 2, URL: 'tcp://10.0.0.13:9001', GroupId: 1, Status: 1, TLSConfig: { TLS: true, TLSSkipVerify: true }, Agent: { Version: '2.21.4' }, ...overrides };
}

/** The form as a server reads it: the raw body through the request's own Content-Type. */
async function formOf(body: string, contentType: string | undefined): Promise<Record<string, string>> {
  const form = await new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData();
  const fields: Record<string, string> = {};
  for (const [key, value] of form.entries()) fields[key] = typeof value === 'string' ? value : `<file ${value.name}>`;
  return fields;
}

function calls() {
  return { create: (input: typeof INPUT) => h.client.createAgentEnvironment(input), environments: () => h.client.environments() };
}

describe('createAgentEnvironment', () => {
  it('POSTs /api/endpoints as multipart/form-data with the exact, case-sensitive fields', async () => {
    let seen: { fields: Record<string, string>; contentType: string | undefined } | undefined;
    const scope = api()
      .post('/api/endpoints')
      .reply(async function (_uri, body) {
        const contentType = String(this.req.headers['content-type']);
        seen = { fields: await formOf(String(body), contentType), contentType };
        return [200, endpointBody()];
      });
    const environment = await h.client.createAgentEnvironment(INPUT);
    scope.done();
    expect(seen?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen?.fields).toEqual({
      Name: 'newvm',
      EndpointCreationType: '2',
      URL: 'tcp://10.0.0.13:9001',
      GroupID: '1',
      TLS: 'true',
      TLSSkipVerify: 'true',
      TLSSkipClientVerify: 'true',
    });
    expect(environment).toEqual({ id: 4, name: 'newvm', kind: 'docker-agent', url: 'tcp://10.0.0.13:9001', state: 'up', swarm: false });
  });

  it('sends the TLS skip flags as the exact strings "false" when configured off, and the group', async () => {
    let fields: Record<string, string> = {};
    const scope = api()
      .post('/api/endpoints')
      .reply(async function (_uri, body) {
        fields = await formOf(String(body), String(this.req.headers['content-type']));
        return [200, endpointBody()];
      });
    await h.client.createAgentEnvironment({ ...INPUT, tlsSkipVerify: false, tlsSkipClientVerify: false, groupId: 3 });
    scope.done();
    expect(fields).toMatchObject({ TLSSkipVerify: 'false', TLSSkipClientVerify: 'false', GroupID: '3', TLS: 'true' });
  });

  it('refuses an answer that is not an Endpoint (69)', async () => {
    const scope = api().post('/api/endpoints').reply(200, { ok: true });
    const error = await rejection(h.client.createAgentEnvironment(INPUT));
    scope.done();
    expect(error).toMatchObject({ exitCode: ExitCode.UNAVAILABLE, code: 'PORTAINER_BAD_ANSWER' });
  });
});

describe('registerAgentEnvironment', () => {
  it('an unreachable agent: 69 with Portainer message and details, a hint naming the port, and what Portainer holds after a re-read', async () => {
    const details = 'Get "https://10.0.0.13:9001/ping": dial tcp 10.0.0.13:9001: connect: connection refused';
    const scope = api()
      .post('/api/endpoints')
      .once()
      .reply(500, { message: 'Unable to get environment type', details })
      .get('/api/endpoints')
      .query(true)
      .reply(200, [{ Id: 1, Name: 'local', Type: 1, URL: 'unix:///var/run/docker.sock', Status: 1 }]);
    const error = await rejection(registerAgentEnvironment(calls(), INPUT));
    scope.done();
    expect(error).toMatchObject({
      exitCode: ExitCode.UNAVAILABLE,
      code: 'AGENT_UNREACHABLE',
      message: `Portainer could not register the agent at tcp://10.0.0.13:9001: Unable to get environment type: ${details}. Portainer lists no environment "newvm": nothing was registered`,
      hint: 'Is the Portainer agent running on the VM (docker ps there), and is port 9001 of 10.0.0.13 open to the Portainer server (firewall)? Then run the same converge again.',
    });
  });

  it('escapes control characters Portainer echoes back (an ANSI escape in the URL)', async () => {
    const scope = api()
      .post('/api/endpoints')
      .reply(500, { message: 'Unable to get environment type', details: 'Get "https://\u001b[31mevil\u001b[0m:9001/ping": dial tcp: lookup failed\nforged line' })
      .get('/api/endpoints')
      .query(true)
      .reply(200, []);
    const error = await rejection(registerAgentEnvironment(calls(), INPUT));
    scope.done();
    const message = error instanceof Error ? error.message : '';
    // eslint-disable-next-line no-control-regex
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(message).toContain('\\u001b[31mevil\\u001b[0m');
    expect(message).toContain('lookup failed\\u000aforged line');
  });

  it('a lost answer (reset) is decided by re-reading: ours with our URL is registered, without a second POST', async () => {
    const scope = api()
      .post('/api/endpoints')
      .once()
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .get('/api/endpoints')
      .query(true)
      .reply(200, [endpointBody({ URL: 'TCP://10.0.0.13:9001' })]);
    const registered = await registerAgentEnvironment(calls(), INPUT);
    scope.done();
    expect(registered).toEqual({ environment: expect.objectContaining({ id: 4, name: 'newvm' }), recovered: true });
  });

  it('no answer within the timeout is decided by re-reading too, without a second POST', async () => {
    const slow = harness({ readTimeoutMs: 50 });
    const scope = api().post('/api/endpoints').once().delay(500).reply(200, endpointBody()).get('/api/endpoints').query(true).reply(200, [endpointBody()]);
    try {
      const registered = await registerAgentEnvironment({ create: (i) => slow.client.createAgentEnvironment(i), environments: () => slow.client.environments() }, INPUT);
      expect(registered.recovered).toBe(true);
      scope.done();
      expect(slow.logs.filter((line) => line.startsWith('POST /api/endpoints'))).toEqual([expect.stringMatching(/^POST \/api\/endpoints -> timeout/)]);
    } finally {
      await slow.client.close();
    }
  });

  it('a lost answer with nothing there afterwards is 69 and nothing is resent', async () => {
    const scope = api().post('/api/endpoints').once().replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }).get('/api/endpoints').query(true).reply(200, []);
    const error = await rejection(registerAgentEnvironment(calls(), INPUT));
    scope.done();
    expect(error).toMatchObject({ exitCode: ExitCode.UNAVAILABLE, message: expect.stringContaining('nothing was registered'), hint: expect.stringContaining('Nothing was resent') });
  });

  it('a duplicate name (409) with another URL is 73 naming both URLs', async () => {
    const scope = api()
      .post('/api/endpoints')
      .reply(409, { message: 'Name is not unique', details: 'Name is not unique' })
      .get('/api/endpoints')
      .query(true)
      .reply(200, [endpointBody({ URL: 'tcp://10.0.0.99:9001' })]);
    const error = await rejection(registerAgentEnvironment(calls(), INPUT));
    scope.done();
    expect(error).toMatchObject({
      exitCode: ExitCode.CONFLICT,
      code: 'ENVIRONMENT_URL_CONFLICT',
      message: 'Portainer environment "newvm" (id 4) is at tcp://10.0.0.99:9001, but the config puts this VM\'s agent at tcp://10.0.0.13:9001: nothing was written',
    });
  });

  it('a duplicate name (409) that is ours (registered meanwhile) counts as registered', async () => {
    const scope = api()
      .post('/api/endpoints')
      .reply(409, { message: 'Name is not unique' })
      .get('/api/endpoints')
      .query(true)
      .reply(200, [endpointBody({ URL: '10.0.0.13:9001' })]);
    await expect(registerAgentEnvironment(calls(), INPUT)).resolves.toMatchObject({ recovered: true });
    scope.done();
  });

  it('a refused form (400) is passed on as Portainer said it', async () => {
    const scope = api().post('/api/endpoints').reply(400, { message: 'Invalid request payload', details: 'Invalid environment name' });
    const error = await rejection(registerAgentEnvironment(calls(), INPUT));
    scope.done();
    expect(error).toMatchObject({ code: 'PORTAINER_BAD_REQUEST', message: expect.stringContaining('Invalid request payload (Invalid environment name)') });
  });
});

describe('compareAgentUrls', () => {
  it.each([
    ['tcp://10.0.0.13:9001', 'tcp://10.0.0.13:9001', 'same'],
    ['10.0.0.13:9001', 'tcp://10.0.0.13:9001', 'same'],
    ['TCP://NewVM.Internal:9001', 'tcp://newvm.internal:9001', 'same'],
    ['tcp://10.0.0.13', 'tcp://10.0.0.13:9001', 'same'],
    ['tcp://[FD00::13]:9001', 'tcp://[fd00::13]:9001', 'same'],
    ['tcp://10.0.0.13:9002', 'tcp://10.0.0.13:9001', 'different'],
    ['tcp://10.0.0.99:9001', 'tcp://10.0.0.13:9001', 'different'],
    ['tcp://other.internal:9001', 'tcp://newvm.internal:9001', 'different'],
    ['tcp://newvm.internal:9001', 'tcp://10.0.0.13:9001', 'undecidable'],
    ['tcp://10.0.0.13:9001', 'tcp://newvm:9001', 'undecidable'],
    ['unix:///var/run/docker.sock', 'tcp://10.0.0.13:9001', 'different'],
  ])('%s vs %s: %s', (live, wanted, verdict) => {
    expect(compareAgentUrls(live, wanted)).toBe(verdict);
  });
});

describe('environments are never re-pointed or deleted', () => {
  it('the client has no route that writes an existing environment (no PUT, PATCH or DELETE under /endpoints)', () => {
    // The Docker proxy lives under /endpoints/{id}/docker/ too: what it writes are containers
    // (orphan removal), never the environment, and it is held to exactly that one route.
    const writes = ROUTES_USED.filter((r) => r.path.startsWith('/endpoints') && r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
    expect(writes.filter((w) => !w.includes('/docker/'))).toEqual(['POST /endpoints']);
    expect(writes.filter((w) => w.includes('/docker/'))).toEqual(['DELETE /endpoints/{id}/docker/containers/{containerId}']);
  });
});
