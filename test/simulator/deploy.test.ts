import { call, COMPOSE, createCompose, simulators, waitFor } from './helpers';

const start = simulators();
const BROKEN = 'services:\n  web:\n    image: [unclosed\n';

describe('async deploys (docs/portainer-api.md#asynchronous-deploys)', () => {
  it('create answers Status 3 at once, then the stack becomes 1', async () => {
    const sim = await start({ version: '2.39.0', faults: { deployMs: 80 } });
    const r = await createCompose(sim, 'app');
    expect(r.status).toBe(200);
    expect(r.body.Status).toBe(3);
    expect(r.body.DeploymentStatus).toEqual([{ Status: 3, Time: expect.any(Number) }]);
    expect(sim.stacks()[0].status).toBe(3);
    await waitFor(() => sim.stacks()[0].status !== 3);
    const after = await call(sim, 'GET', '/api/stacks/1');
    expect(after.body.Status).toBe(1);
  });

  it('a failing deploy ends in Status 4 with the compose message; a second update while 3 is a 409', async () => {
    const sim = await start({ version: '2.39.0', faults: { deployMs: 60, failDeployFor: ['doomed'] } });
    await createCompose(sim, 'doomed');
    await createCompose(sim, 'broken', { StackFileContent: BROKEN });
    await waitFor(() => sim.stacks().every((s) => s.status !== 3));
    for (const s of sim.stacks()) {
      expect(s.status).toBe(4);
      const last = s.deploymentStatus?.at(-1);
      expect(last?.Status).toBe(4);
      expect(last?.Message).toMatch(/Failed to deploy a stack/);
    }
    const first = await call(sim, 'PUT', '/api/stacks/2?endpointId=1', { body: { StackFileContent: COMPOSE } });
    expect(first.body.Status).toBe(3);
    const second = await call(sim, 'PUT', '/api/stacks/2?endpointId=1', { body: { StackFileContent: COMPOSE } });
    expect(second.status).toBe(409);
    expect(second.body.message).toBe('Stack deployment is already in progress');
    await waitFor(() => sim.stacks()[1].status === 1);
  });
});

describe('sync deploys', () => {
  const seed = { name: 'app', endpointId: 1, composeText: COMPOSE, env: [{ name: 'A', value: '1' }] };

  it('hold the request for deployMs', async () => {
    const sim = await start({ version: '2.21.4', faults: { deployMs: 150 } });
    const t0 = Date.now();
    const r = await createCompose(sim, 'slow');
    expect(r.status).toBe(200);
    expect(r.body.Status).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  // docs/portainer-api.md#failed-updates: the record is saved only on success, so it still says
  // Status 1 while `compose down` (2.15+) has taken its containers away.
  it('2.21.4: a failed update answers 500, takes the containers down, keeps the record at Status 1 and rolls the file back', async () => {
    const sim = await start({ version: '2.21.4', faults: { deployMs: 0 }, stacks: [seed] });
    expect(sim.containers()).toHaveLength(1);
    const r = await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: BROKEN, Env: [] } });
    expect(r.status).toBe(500);
    expect(r.body.message).toMatch(/compose up operation failed/);
    expect(sim.stacks()[0]).toMatchObject({ status: 1, composeText: COMPOSE, env: seed.env });
    expect(sim.containers()).toEqual([]);
    expect((await call(sim, 'GET', '/api/stacks/1')).body.Status).toBe(1);
  });

  it('2.15.1 keeps the failed file and takes the containers down; 2.14.2 keeps them running too', async () => {
    const v215 = await start({ version: '2.15.1', faults: { deployMs: 0 }, stacks: [seed] });
    expect((await call(v215, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: BROKEN } })).status).toBe(500);
    expect(v215.stacks()[0]).toMatchObject({ status: 1, composeText: BROKEN });
    expect(v215.containers()).toEqual([]);
    const v214 = await start({ version: '2.14.2', faults: { deployMs: 0 }, stacks: [seed] });
    expect((await call(v214, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: BROKEN } })).status).toBe(500);
    expect(v214.stacks()[0]).toMatchObject({ status: 1, composeText: BROKEN });
    expect(v214.containers()).toMatchObject([{ name: 'app-web-1', state: 'running' }]);
  });

  it('a failed create saves nothing; before 2.15 its leftovers block the name', async () => {
    const recent = await start({ version: '2.21.4', faults: { deployMs: 0, failDeployFor: ['doomed'] } });
    const r = await createCompose(recent, 'doomed');
    expect(r.status).toBe(500);
    expect(recent.stacks()).toHaveLength(0);
    recent.setFaults({ deployMs: 0 });
    expect((await createCompose(recent, 'doomed')).status).toBe(200);

    const old = await start({ version: '2.12.0', faults: { deployMs: 0, failDeployFor: ['doomed'] } });
    const createOld = () => call(old, 'POST', '/api/stacks?type=2&method=string&endpointId=1', { body: { Name: 'doomed', StackFileContent: COMPOSE } });
    expect((await createOld()).status).toBe(500);
    old.setFaults({ deployMs: 0 });
    const blocked = await createOld();
    expect(blocked.status).toBe(409);
    expect(blocked.body.message).toBe("A stack with the normalized name 'doomed' already exists");
    expect(old.stacks()).toHaveLength(0);
  });
});
