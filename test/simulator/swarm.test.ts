import { call, type Json, simulators } from './helpers';

/**
 * Swarm services and tasks through the Docker proxy, over real sockets
 * (docs/portainer-api.md#swarm-services): one service per file service after a deploy, Prune on
 * update, stack rm on stop and delete, ServiceStatus and failing tasks, 503 off a manager.
 */
const start = simulators();
const CLUSTER = 'cluster0001';
const endpoints = [
  { id: 1, name: 'local', type: 1 as const },
  { id: 2, name: 'sw', type: 1 as const, swarm: true, swarmClusterId: CLUSTER },
];
const FILE = 'services:\n  web:\n    image: nginx:1.27\n    deploy:\n      replicas: 3\n  agent:\n    image: agent:2\n    deploy:\n      mode: global\n  db:\n    image: pg:16\n';
const LESS = 'services:\n  web:\n    image: nginx:1.27\n    deploy:\n      replicas: 3\n';

const q = (filters: unknown): string => encodeURIComponent(JSON.stringify(filters));
type Sim = Awaited<ReturnType<typeof start>>;
const services = async (sim: Sim, query = 'status=true'): Promise<Record<string, Json>> => {
  const r = await call(sim, 'GET', `/api/endpoints/2/docker/services?${query}`);
  expect(r.status).toBe(200);
  return Object.fromEntries((r.body as Json[]).map((s: Json) => [s.Spec.Name, s]));
};
const createSwarm = (sim: Sim, name: string, text: string) => call(sim, 'POST', '/api/stacks/create/swarm/string?endpointId=2', { body: { Name: name, StackFileContent: text, SwarmID: CLUSTER } });

describe('Swarm services after deploys', () => {
  it('a create runs <stack>_<service> services with the namespace label, replicas, global mode and ServiceStatus', async () => {
    const sim = await start({ endpoints, faults: { deployMs: 0 } });
    expect((await createSwarm(sim, 'mon', FILE)).status).toBe(200);
    const s = await services(sim);
    expect(Object.keys(s).sort()).toEqual(['mon_agent', 'mon_db', 'mon_web']);
    expect(s.mon_web).toMatchObject({
      ID: expect.stringMatching(/^[0-9a-z]{25}$/),
      Spec: { Name: 'mon_web', Labels: { 'com.docker.stack.namespace': 'mon' }, Mode: { Replicated: { Replicas: 3 } }, TaskTemplate: { ContainerSpec: { Image: 'nginx:1.27' } } },
      ServiceStatus: { RunningTasks: 3, DesiredTasks: 3 },
    });
    expect(s.mon_db.Spec.Mode).toEqual({ Replicated: { Replicas: 1 } });
    expect(s.mon_agent.Spec.Mode).toEqual({ Global: {} });
    expect(s.mon_agent.ServiceStatus).toMatchObject({ RunningTasks: 1, DesiredTasks: 1 });
    expect((await services(sim, '')).mon_web.ServiceStatus).toBeUndefined();
    // A Swarm stack runs no compose containers.
    expect(sim.containers()).toEqual([]);
  });

  it('filters by label (key=value and bare key), name prefix and id prefix', async () => {
    const sim = await start({
      endpoints,
      stacks: [
        { name: 'mon', endpointId: 2, composeText: FILE, type: 1 },
        { name: 'web', endpointId: 2, composeText: LESS, type: 1 },
      ],
    });
    expect(Object.keys(await services(sim, `filters=${q({ label: ['com.docker.stack.namespace=web'] })}`))).toEqual(['web_web']);
    expect(Object.keys(await services(sim, `filters=${q({ label: ['com.docker.stack.namespace'] })}`))).toHaveLength(4);
    expect(Object.keys(await services(sim, `filters=${q({ name: ['mon_'] })}`)).sort()).toEqual(['mon_agent', 'mon_db', 'mon_web']);
    const id = sim.services().find((s) => s.name === 'mon_db')!.id;
    expect(Object.keys(await services(sim, `filters=${q({ id: [id.slice(0, 6)] })}`))).toEqual(['mon_db']);
    expect((await call(sim, 'GET', `/api/endpoints/2/docker/services/${id}`)).body.Spec.Name).toBe('mon_db');
    expect((await call(sim, 'GET', '/api/endpoints/2/docker/services/mon_db')).body.ID).toBe(id);
    expect((await call(sim, 'GET', '/api/endpoints/2/docker/services/nope')).status).toBe(404);
    expect((await call(sim, 'GET', `/api/endpoints/2/docker/services?filters=${q({ colour: ['x'] })}`)).status).toBe(400);
  });

  it('an update with Prune: false keeps the service that left the file; Prune: true removes it', async () => {
    const sim = await start({ endpoints, faults: { deployMs: 0 }, stacks: [{ name: 'mon', endpointId: 2, composeText: FILE, type: 1 }] });
    expect((await call(sim, 'PUT', '/api/stacks/1?endpointId=2', { body: { StackFileContent: LESS, Prune: false } })).status).toBe(200);
    expect(Object.keys(await services(sim)).sort()).toEqual(['mon_agent', 'mon_db', 'mon_web']);
    expect((await call(sim, 'PUT', '/api/stacks/1?endpointId=2', { body: { StackFileContent: LESS, Prune: true } })).status).toBe(200);
    expect(Object.keys(await services(sim))).toEqual(['mon_web']);
    expect(sim.deployments().map((d) => [d.kind, d.prune])).toEqual([
      ['update', false],
      ['update', true],
    ]);
  });

  it('stop is docker stack rm; start deploys again with prune and pull; delete removes the services', async () => {
    const sim = await start({ endpoints, faults: { deployMs: 0 }, stacks: [{ name: 'mon', endpointId: 2, composeText: FILE, type: 1 }] });
    expect((await call(sim, 'POST', '/api/stacks/1/stop?endpointId=2')).body.Status).toBe(2);
    expect(await services(sim)).toEqual({});
    expect((await call(sim, 'POST', '/api/stacks/1/start?endpointId=2')).body.Status).toBe(1);
    expect(Object.keys(await services(sim))).toHaveLength(3);
    expect(sim.deployments().map((d) => [d.kind, d.pull, d.prune])).toEqual([
      ['stop', false, false],
      ['start', true, true],
    ]);
    expect((await call(sim, 'DELETE', '/api/stacks/1?endpointId=2')).status).toBe(204);
    expect(sim.services()).toEqual([]);
  });

  it("/services and /tasks on an environment that is not a Swarm manager: 503 with Docker's message", async () => {
    const sim = await start({ endpoints });
    for (const path of ['services', 'tasks', 'v1.41/services']) {
      const r = await call(sim, 'GET', `/api/endpoints/1/docker/${path}`);
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ message: expect.stringMatching(/^This node is not a swarm manager/) });
    }
  });
});

describe('tasks and the Swarm knobs', () => {
  it('fewer running tasks than desired: ServiceStatus, and the failed attempts with Err and ExitCode', async () => {
    const sim = await start({
      endpoints,
      stacks: [{ name: 'mon', endpointId: 2, composeText: FILE, type: 1 }],
      serviceFaults: [{ stack: 'mon', service: 'web', runningTasks: 1, exitCode: 3 }],
    });
    expect((await services(sim)).mon_web.ServiceStatus).toMatchObject({ RunningTasks: 1, DesiredTasks: 3 });
    expect(sim.services().find((s) => s.name === 'mon_web')).toMatchObject({ desiredTasks: 3, runningTasks: 1, mode: 'replicated' });
    const r = await call(sim, 'GET', `/api/endpoints/2/docker/tasks?filters=${q({ service: ['mon_web'] })}`);
    expect(r.status).toBe(200);
    const tasks = r.body as Json[];
    expect(tasks.filter((t: Json) => t.Status.State === 'running' && t.DesiredState === 'running')).toHaveLength(1);
    const failed = tasks.filter((t: Json) => t.Status.State === 'failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ DesiredState: 'shutdown', Status: { Err: 'task: non-zero exit (3)', ContainerStatus: { ExitCode: 3 } } });
    const byId = await call(sim, 'GET', `/api/endpoints/2/docker/tasks?filters=${q({ service: [tasks[0].ServiceID], 'desired-state': ['running'] })}`);
    expect(byId.body).toHaveLength(3);
    const stackTasks = await call(sim, 'GET', `/api/endpoints/2/docker/tasks?filters=${q({ label: ['com.docker.stack.namespace=mon'], 'desired-state': ['running'] })}`);
    expect(stackTasks.body).toHaveLength(5); // 3 web slots, 1 db, 1 agent
    expect((await call(sim, 'GET', `/api/endpoints/2/docker/tasks?filters=${q({ service: ['nope'] })}`)).status).toBe(404);
  });

  it('a redeploy that changes the service clears a fault; a sticky one stays; a planted service is an orphan', async () => {
    const sim = await start({ endpoints, faults: { deployMs: 0 }, stacks: [{ name: 'mon', endpointId: 2, composeText: LESS, type: 1 }] });
    sim.setServiceFault({ stack: 'mon', service: 'web', state: 'exited' });
    expect((await services(sim)).mon_web.ServiceStatus.RunningTasks).toBe(0);
    await call(sim, 'PUT', '/api/stacks/1?endpointId=2', { body: { StackFileContent: LESS.replace('1.27', '1.28') } });
    expect((await services(sim)).mon_web.ServiceStatus.RunningTasks).toBe(3);
    sim.setServiceFault({ stack: 'mon', service: 'web', runningTasks: 2, sticky: true });
    await call(sim, 'PUT', '/api/stacks/1?endpointId=2', { body: { StackFileContent: LESS } });
    expect((await services(sim)).mon_web.ServiceStatus.RunningTasks).toBe(2);
    expect(sim.addOrphan({ endpointId: 2, stack: 'mon', service: 'old' })).toMatchObject({ name: 'mon_old', stack: 'mon' });
    expect(Object.keys(await services(sim)).sort()).toEqual(['mon_old', 'mon_web']);
  });
});
