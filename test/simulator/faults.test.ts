import { call, createCompose, KEY, simulators } from './helpers';

const start = simulators();

describe('fault injection', () => {
  it('an injected error changes no state; 429 carries Retry-After', async () => {
    const sim = await start({ faults: { errorRate: 1, errorStatuses: [429], seed: 1, deployMs: 0 } });
    const r = await createCompose(sim, 'app');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(sim.stacks()).toHaveLength(0);
    expect(sim.writes()).toHaveLength(1);
  });

  it('is deterministic for a seed, and only answered 200s created stacks', async () => {
    const run = async (): Promise<{ statuses: number[]; count: number }> => {
      const sim = await start({ faults: { errorRate: 0.5, errorStatuses: [500, 502, 503], seed: 42, deployMs: 0 } });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await createCompose(sim, `s${i}`)).status);
      return { statuses, count: sim.stacks().length };
    };
    const a = await run();
    const b = await run();
    expect(a.statuses).toEqual(b.statuses);
    expect(new Set(a.statuses).size).toBeGreaterThan(1);
    expect(a.count).toBe(a.statuses.filter((s) => s === 200).length);
  });

  it('reset-after does the work but loses the answer', async () => {
    const sim = await start({ faults: { resetAfterRate: 1, seed: 3, deployMs: 0 } });
    await expect(createCompose(sim, 'lost')).rejects.toThrow();
    expect(sim.stacks().map((s) => s.name)).toEqual(['lost']);
    expect(sim.requests[0]).toMatchObject({ outcome: 'reset-after', status: 200 });
  });

  it('reset-before does nothing', async () => {
    const sim = await start({ faults: { resetBeforeRate: 1, seed: 3, deployMs: 0 } });
    await expect(createCompose(sim, 'never')).rejects.toThrow();
    expect(sim.stacks()).toHaveLength(0);
    expect(sim.requests[0].outcome).toBe('reset-before');
  });

  it('adds latency, and knobs change at run time', async () => {
    const sim = await start({ faults: { latencyMs: 300 } });
    let t0 = Date.now();
    await call(sim, 'GET', '/api/status');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    sim.setFaults({});
    t0 = Date.now();
    await call(sim, 'GET', '/api/status');
    expect(Date.now() - t0).toBeLessThan(250);
  });
});

describe('request log', () => {
  it('records every request in order with the key and passwords redacted', async () => {
    const sim = await start();
    await call(sim, 'POST', '/api/auth', { key: null, body: { Username: 'admin', Password: 'adminpassword' } });
    await call(sim, 'GET', `/api/stacks?X-API-KEY=${KEY}`, { key: null });
    await call(sim, 'GET', '/api/endpoints');
    expect(sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['POST /api/auth 200', 'GET /api/stacks 200', 'GET /api/endpoints 200']);
    const text = JSON.stringify(sim.requests);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('adminpassword');
    expect(sim.requests[2].headers['x-api-key']).toBe('<redacted>');
    expect(sim.writes().map((r) => r.path)).toEqual(['/api/auth']);
  });
});
