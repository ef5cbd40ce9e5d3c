/** The simulator's POST /api/endpoints (docs/portainer-api.md#environment-registration). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSeedFile } from '../../simulator/src/seed-file';
import { call, createCompose, KEY, simulators } from './helpers';

const start = simulators();
const AGENT = 'tcp://10.0.0.13:9001';

function agentForm(overrides: Record<string, string> = {}): FormData {
  const form = new FormData();
  const fields = { Name: 'newvm', EndpointCreationType: '2', URL: AGENT, TLS: 'true', TLSSkipVerify: 'true', TLSSkipClientVerify: 'true', GroupID: '1', ...overrides };
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

async function post(url: string, body: FormData | URLSearchParams | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/api/endpoints`, { method: 'POST', headers: { 'X-API-Key': KEY, ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('POST /api/endpoints', () => {
  it('registers a reachable agent from a multipart form: 200 with the Endpoint (Type 2), listed and usable for stacks at once', async () => {
    const sim = await start({ agents: [AGENT] });
    const answer = await post(sim.url, agentForm());
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ Id: 2, Name: 'newvm', Type: 2, URL: AGENT, GroupId: 1, Status: 1, TLSConfig: { TLS: true, TLSSkipVerify: true } });
    const list = await call(sim, 'GET', '/api/endpoints');
    expect(list.body.map((e: { Name: string }) => e.Name)).toEqual(['local', 'newvm']);
    expect((await createCompose(sim, 'web', {}, 2)).status).toBe(200);
  });

  it('reads an urlencoded form too', async () => {
    const sim = await start({ agents: ['10.0.0.13:9001'] });
    const form = new URLSearchParams({ Name: 'newvm', EndpointCreationType: '2', URL: 'TCP://10.0.0.13:9001', TLS: 'true', TLSSkipVerify: 'true', TLSSkipClientVerify: 'true' });
    expect((await post(sim.url, form)).status).toBe(200);
  });

  it('a JSON body has no form fields: 400 Invalid request payload', async () => {
    const sim = await start({ agents: [AGENT] });
    const answer = await post(sim.url, JSON.stringify({ Name: 'newvm', EndpointCreationType: 2, URL: AGENT }), { 'Content-Type': 'application/json' });
    expect(answer).toEqual({ status: 400, body: { message: 'Invalid request payload', details: 'Invalid environment name' } });
  });

  it('field names are case-sensitive, and a bad type or a TLS check without files is a 400', async () => {
    const sim = await start({ agents: [AGENT] });
    const lower = new FormData();
    lower.append('name', 'newvm');
    expect((await post(sim.url, lower)).body.details).toBe('Invalid environment name');
    expect((await post(sim.url, agentForm({ EndpointCreationType: '9' }))).body.details).toMatch(/^Invalid environment type value/);
    expect((await post(sim.url, agentForm({ TLSSkipVerify: 'True' }))).body.details).toBe('Invalid CA certificate file. Ensure that the file is uploaded correctly');
  });

  it('an unreachable agent: 500 Unable to get environment type with a Go dial error, nothing saved', async () => {
    const sim = await start();
    const answer = await post(sim.url, agentForm());
    expect(answer).toEqual({
      status: 500,
      body: { message: 'Unable to get environment type', details: 'Get "https://10.0.0.13:9001/ping": dial tcp 10.0.0.13:9001: connect: connection refused' },
    });
    expect((await call(sim, 'GET', '/api/endpoints')).body).toHaveLength(1);
    sim.setAgents([AGENT]);
    expect((await post(sim.url, agentForm())).status).toBe(200);
  });

  it('a duplicate name is 409 from 2.14.0 (exact comparison), accepted before', async () => {
    const sim = await start({ agents: [AGENT] });
    expect((await post(sim.url, agentForm())).status).toBe(200);
    expect(await post(sim.url, agentForm())).toEqual({ status: 409, body: { message: 'Name is not unique', details: 'Name is not unique' } });
    expect((await post(sim.url, agentForm({ Name: 'NewVM' }))).status).toBe(200);
    const old = await start({ version: '2.13.1', agents: [AGENT] });
    expect((await post(old.url, agentForm())).status).toBe(200);
    expect((await post(old.url, agentForm())).status).toBe(200);
  });

  it('admin only', async () => {
    const sim = await start({ agents: [AGENT], apiKeys: ['ptr_user'], users: [{ id: 2, username: 'bob', password: 'pw', admin: false }] });
    const res = await fetch(`${sim.url}/api/endpoints`, { method: 'POST', headers: { 'X-API-Key': 'ptr_user' }, body: agentForm() });
    expect(res.status).toBe(403);
  });
});

describe('the agent registry in a seed file', () => {
  it('reads "agents" from a --seed file, and those agents can be registered', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-seed-')), 'seed.json');
    writeFileSync(file, JSON.stringify({ agents: [AGENT] }));
    const read = readSeedFile(file);
    expect(read).toEqual({ ok: true, options: { agents: [AGENT] } });
    if (!read.ok) return;
    const sim = await start(read.options);
    expect((await post(sim.url, agentForm())).status).toBe(200);
  });
});
