import { call, simulators } from './helpers';

const start = simulators();

async function login(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/api/auth`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

describe('authentication (docs/portainer-api.md#auth-failures)', () => {
  it('rejects a request without credential, with a wrong key, and with a key sent as Bearer', async () => {
    const sim = await start();
    const none = await call(sim, 'GET', '/api/stacks', { key: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ message: 'A valid authorization token is missing', details: 'Unauthorized' });
    const wrong = await call(sim, 'GET', '/api/stacks', { key: 'ptr_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toBe('Invalid JWT token');
    const bearer = await call(sim, 'GET', '/api/stacks', { key: null, headers: { Authorization: 'Bearer ptr_simulatortoken' } });
    expect(bearer.status).toBe(401);
    expect(bearer.body.message).toBe('Invalid JWT token');
    const ok = await call(sim, 'GET', '/api/stacks', { key: null, headers: { 'x-api-KEY': 'ptr_simulatortoken' } });
    expect(ok.status).toBe(200);
  });

  it('refuses both headers at once on 2.20+, not on 2.19', async () => {
    const headers = { Authorization: 'Bearer whatever' };
    const recent = await start({ version: '2.21.4' });
    const both = await call(recent, 'GET', '/api/stacks', { headers });
    expect(both.status).toBe(403);
    expect(both.body.message).toBe('api key and auth header are not allowed at the same time');
    const older = await start({ version: '2.19.4' });
    expect((await call(older, 'GET', '/api/stacks', { headers })).status).toBe(200);
  });

  it('ignores X-API-Key before 2.11 (no API keys yet)', async () => {
    const sim = await start({ version: '2.9.3' });
    const r = await call(sim, 'GET', '/api/stacks');
    expect(r.status).toBe(401);
    expect(r.body.message).toBe('Unauthorized');
  });
});

describe('POST /api/auth (docs/portainer-api.md#jwt-login)', () => {
  it('logs in with case-insensitive keys and the JWT works as Bearer', async () => {
    const sim = await start({ version: '2.19.4' });
    const res = await login(sim.url, { USERNAME: 'admin', password: 'adminpassword' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull(); // no cookie before 2.20
    const { jwt } = (await res.json()) as { jwt: string };
    const r = await call(sim, 'GET', '/api/stacks', { key: null, headers: { Authorization: `Bearer ${jwt}` } });
    expect(r.status).toBe(200);
  });

  it('answers 422 for bad credentials and 400 for empty ones', async () => {
    const sim = await start();
    const bad = await login(sim.url, { Username: 'admin', Password: 'nope' });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { message: string }).message).toBe('Invalid credentials');
    expect((await login(sim.url, { Username: 'admin', Password: '' })).status).toBe(400);
  });

  it('bans after a burst of 10 logins', async () => {
    const sim = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await login(sim.url, { Username: 'admin', Password: 'adminpassword' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(statuses[10]).toBe(403);
  });

  it('on 2.20+ sets the portainer_api_key cookie, and a write carrying it gets the CSRF 403 even with a valid key', async () => {
    const sim = await start({ version: '2.21.4' });
    const res = await login(sim.url, { Username: 'admin', Password: 'adminpassword' });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^portainer_api_key=/);
    const cookie = setCookie.split(';')[0];
    const read = await call(sim, 'GET', '/api/stacks', { headers: { Cookie: cookie } });
    expect(read.status).toBe(200);
    const write = await call(sim, 'POST', '/api/stacks/create/standalone/string?endpointId=1', {
      headers: { Cookie: cookie },
      body: { Name: 'x', StackFileContent: 'services: {a: {image: b}}' },
    });
    expect(write.status).toBe(403);
    expect(write.text).toContain('Forbidden - CSRF token not found in request');
    expect(sim.stacks()).toHaveLength(0);
  });
});

describe('API keys (docs/portainer-api.md#minting-an-api-key)', () => {
  async function jwtOf(url: string): Promise<string> {
    const res = await login(url, { Username: 'admin', Password: 'adminpassword' });
    return ((await res.json()) as { jwt: string }).jwt;
  }

  it('2.21.4: mints a key with a JWT and the password, and the new key is accepted', async () => {
    const sim = await start({ version: '2.21.4' });
    const jwt = await jwtOf(sim.url);
    const auth = { Authorization: `Bearer ${jwt}` };
    const me = await call(sim, 'GET', '/api/users/me', { key: null, headers: auth });
    expect(me.body).toEqual({ Id: 1, Username: 'admin', Role: 1 });

    const withKey = await call(sim, 'POST', '/api/users/1/tokens', { body: { description: 'ci', password: 'adminpassword' } });
    expect(withKey.status).toBe(401);
    expect(withKey.body.message).toBe('Auth not supported');
    const opts = { key: null, headers: auth };
    expect((await call(sim, 'POST', '/api/users/1/tokens', { ...opts, body: { description: 'ci' } })).status).toBe(400);
    const wrongPw = await call(sim, 'POST', '/api/users/1/tokens', { ...opts, body: { description: 'ci', password: 'x' } });
    expect(wrongPw.status).toBe(403);
    expect(wrongPw.body.message).toBe("Current password doesn't match");
    const otherUser = await call(sim, 'POST', '/api/users/2/tokens', { ...opts, body: { description: 'ci', password: 'adminpassword' } });
    expect(otherUser.status).toBe(403);

    const minted = await call(sim, 'POST', '/api/users/1/tokens', { ...opts, body: { description: 'ci', password: 'adminpassword' } });
    expect(minted.status).toBe(201);
    expect(minted.body.rawAPIKey).toMatch(/^ptr_[A-Za-z0-9+/=]{40,}$/);
    expect(minted.body.apiKey).toMatchObject({ userId: 1, description: 'ci', prefix: minted.body.rawAPIKey.slice(0, 7), lastUsed: 0 });
    expect((await call(sim, 'GET', '/api/stacks', { key: minted.body.rawAPIKey })).status).toBe(200);
  });

  it('2.19.4: the body needs no password', async () => {
    const sim = await start({ version: '2.19.4' });
    const jwt = await jwtOf(sim.url);
    const minted = await call(sim, 'POST', '/api/users/1/tokens', { key: null, headers: { Authorization: `Bearer ${jwt}` }, body: { Description: 'ci' } });
    expect(minted.status).toBe(201);
    expect((await call(sim, 'GET', '/api/users/me')).status).toBe(404); // /users/me is 2.20+
  });
});

describe('restart', () => {
  it('forgets JWTs but keeps API keys and stacks', async () => {
    const sim = await start({ stacks: [{ name: 'kept', endpointId: 1, composeText: 'services: {a: {image: b}}' }] });
    const res = await login(sim.url, { Username: 'admin', Password: 'adminpassword' });
    const { jwt } = (await res.json()) as { jwt: string };
    const auth = { key: null, headers: { Authorization: `Bearer ${jwt}` } };
    expect((await call(sim, 'GET', '/api/stacks', auth)).status).toBe(200);
    await sim.restart();
    const after = await call(sim, 'GET', '/api/stacks', auth);
    expect(after.status).toBe(401);
    expect(after.body.message).toBe('Invalid JWT token');
    const withKey = await call(sim, 'GET', '/api/stacks');
    expect(withKey.status).toBe(200);
    expect(withKey.body.map((s: { Name: string }) => s.Name)).toEqual(['kept']);
  });
});
