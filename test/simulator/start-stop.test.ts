import { call, COMPOSE, createCompose, simulators, waitFor } from './helpers';

/**
 * Start and stop per version (docs/portainer-api.md#start-and-stop), and the pull and prune flags
 * of every deploy as the simulated version reads them (docs/portainer-api.md#pull-and-redeploy).
 */
const start = simulators();
const fast = { deployMs: 0 };
const seed = { name: 'app', endpointId: 1, composeText: COMPOSE };
const BROKEN = 'services:\n  web:\n    image: [unclosed\n';

describe('start and stop per version', () => {
  it('do not exist before 2.0.0', async () => {
    const sim = await start({ version: '1.24.2', stacks: [seed] });
    const { jwt } = (await call(sim, 'POST', '/api/auth', { key: null, body: { Username: 'admin', Password: 'adminpassword' } })).body;
    const r = await call(sim, 'POST', '/api/stacks/1/stop', { key: null, headers: { Authorization: `Bearer ${jwt}` } });
    expect(r.status).toBe(404);
    expect(sim.containers()).toHaveLength(1);
  });

  it("before 2.19 use the stack's own environment when endpointId is missing; 2.19+ require it", async () => {
    const old = await start({ version: '2.18.4', faults: fast, stacks: [seed] });
    expect((await call(old, 'POST', '/api/stacks/1/stop')).body.Status).toBe(2);
    expect(old.containers()).toEqual([]);
    expect((await call(old, 'POST', '/api/stacks/1/start')).body.Status).toBe(1);
    expect(old.containers()).toHaveLength(1);
    const recent = await start({ version: '2.19.0', faults: fast, stacks: [seed] });
    const r = await call(recent, 'POST', '/api/stacks/1/stop');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ message: 'Invalid query parameter: endpointId', details: 'Missing query parameter' });
    expect(recent.stacks()[0].status).toBe(1);
  });

  it('2.21.4: a Status 1 stack without containers (after a failed update) is 400 already active; stop of a stopped one 400 already inactive', async () => {
    const sim = await start({ faults: fast, stacks: [seed] });
    expect((await call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: BROKEN } })).status).toBe(500);
    expect(sim.containers()).toEqual([]);
    const active = await call(sim, 'POST', '/api/stacks/1/start?endpointId=1');
    expect(active.status).toBe(400);
    expect(active.body).toEqual({ message: 'Stack is already active', details: 'Stack is already active' });
    // The way out is a stop then a start (or a redeploy).
    expect((await call(sim, 'POST', '/api/stacks/1/stop?endpointId=1')).status).toBe(200);
    const inactive = await call(sim, 'POST', '/api/stacks/1/stop?endpointId=1');
    expect(inactive.status).toBe(400);
    expect(inactive.body.message).toBe('Stack is already inactive');
    expect((await call(sim, 'POST', '/api/stacks/1/start?endpointId=1')).body.Status).toBe(1);
    expect(sim.containers()).toMatchObject([{ name: 'app-web-1', state: 'running' }]);
  });

  it('a stopped stack whose project name runs outside Portainer: 409 already running, still stopped', async () => {
    const sim = await start({ faults: fast, stacks: [{ ...seed, status: 2 }], orphans: [{ endpointId: 1, stack: 'app', service: 'manual' }] });
    const r = await call(sim, 'POST', '/api/stacks/1/start?endpointId=1');
    expect(r.status).toBe(409);
    expect(r.body.message).toBe("A stack with the name 'app' is already running");
    expect(sim.stacks()[0].status).toBe(2);
  });

  it('a start whose deploy fails answers 500 and leaves the stack stopped', async () => {
    const sim = await start({ faults: { deployMs: 0, failDeployFor: ['app'] }, stacks: [{ ...seed, status: 2 }] });
    const r = await call(sim, 'POST', '/api/stacks/1/start?endpointId=1');
    expect(r.status).toBe(500);
    expect(r.body.message).toBe('Unable to start stack');
    expect(r.body.details).toMatch(/simulated deploy failure for stack 'app'/);
    expect(sim.stacks()[0].status).toBe(2);
    expect(sim.containers()).toEqual([]);
    expect(sim.deployments()).toMatchObject([{ kind: 'start', outcome: 'failed' }]);
  });

  it('newest (2.39): an active, deploying or failed stack is one 409 "Unable to start stack" with the reason in details', async () => {
    const sim = await start({ version: '2.39.0', faults: { deployMs: 60, failDeployFor: ['doomed'] }, stacks: [seed] });
    const active = await call(sim, 'POST', '/api/stacks/1/start?endpointId=1');
    expect(active.status).toBe(409);
    expect(active.body).toEqual({ message: 'Unable to start stack', details: 'Stack is already active' });
    await createCompose(sim, 'doomed');
    const deploying = await call(sim, 'POST', '/api/stacks/2/start?endpointId=1');
    expect(deploying.body).toEqual({ message: 'Unable to start stack', details: 'Stack deployment is already in progress' });
    await waitFor(() => sim.stacks()[1].status === 4);
    const failed = await call(sim, 'POST', '/api/stacks/2/start?endpointId=1');
    expect(failed.status).toBe(409);
    expect(failed.body.details).toMatch(/simulated deploy failure for stack 'doomed'/);
    expect((await call(sim, 'POST', '/api/stacks/1/stop?endpointId=1')).body.Status).toBe(2);
    expect((await call(sim, 'POST', '/api/stacks/1/stop?endpointId=1')).status).toBe(400);
    expect((await call(sim, 'POST', '/api/stacks/1/start?endpointId=1')).body.Status).toBe(1);
    expect(sim.containers().map((c) => c.name)).toEqual(['app-web-1']);
  });
});

describe('the pull and prune flags of each deploy (docs/portainer-api.md#pull-and-redeploy)', () => {
  const put = (sim: Awaited<ReturnType<typeof start>>, body: Record<string, unknown>) => call(sim, 'PUT', '/api/stacks/1?endpointId=1', { body: { StackFileContent: COMPOSE, ...body } });

  it.each([
    ['2.15.0', { PullImage: true }, false],
    ['2.15.1', { PullImage: true }, true],
    ['2.21.4', { PullImage: false }, false],
    ['2.21.4', { RepullImageAndRedeploy: true }, false],
    ['2.39.0', { RepullImageAndRedeploy: true }, true],
    ['2.39.0', { PullImage: true, RepullImageAndRedeploy: false }, true],
    ['2.39.0', {}, false],
  ])('%s with %j pulls: %s', async (version, flags, pulled) => {
    const sim = await start({ version, faults: { deployMs: 5 }, stacks: [seed] });
    expect((await put(sim, flags)).status).toBe(200);
    await waitFor(() => sim.deployments().every((d) => d.outcome !== 'pending'));
    expect(sim.deployments()).toMatchObject([{ stackId: 1, stack: 'app', endpointId: 1, kind: 'update', pull: pulled, prune: false, outcome: 'ok' }]);
    // The raw body stays in the request log too.
    expect(sim.writes()[0].body).toMatchObject(flags);
  });

  it('a version that does not know PullImage ignores it even with a wrong type; one that knows it refuses that', async () => {
    const old = await start({ version: '2.14.2', faults: fast, stacks: [seed] });
    expect((await put(old, { PullImage: 'yes' })).status).toBe(200);
    const recent = await start({ version: '2.21.4', faults: fast, stacks: [seed] });
    expect((await put(recent, { PullImage: 'yes' })).status).toBe(400);
    expect(recent.deployments()).toEqual([]);
  });

  it('compose ignores Prune: the orphan container stays and the deploy records no prune; creates are recorded too', async () => {
    const sim = await start({ faults: fast, stacks: [{ ...seed, composeText: `${COMPOSE}  old:\n    image: x:1\n` }] });
    expect((await put(sim, { Prune: true })).status).toBe(200);
    expect(
      sim
        .containers()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['app-old-1', 'app-web-1']);
    await createCompose(sim, 'second');
    expect(sim.deployments().map((d) => [d.kind, d.stack, d.prune, d.outcome])).toEqual([
      ['update', 'app', false, 'ok'],
      ['create', 'second', false, 'ok'],
    ]);
  });
});
