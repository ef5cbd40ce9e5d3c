import { DEMO_SERVICE_FAULTS, DEMO_STOPPED_STACK } from '../../simulator/src/demo/runtime';
import { demoSeed } from '../../simulator/src/demo/seed';
import { call, type Json, simulators } from './helpers';

/**
 * The demo's runtime state (it needs the product's build, as `npm run demo` does): whoami is in
 * sync but its container exited, and uptime-kuma is a stopped stack in sync (unless switched off).
 */
const start = simulators();

describe('the demo seed', () => {
  it('runs every active stack and shows whoami exited; with the stopped stack switched off, uptime-kuma is missing', async () => {
    expect(DEMO_STOPPED_STACK).toBe(true);
    const seed = await demoSeed(undefined, undefined, { stoppedStack: false });
    expect(seed.stacks.map((s) => s.name)).not.toContain('uptime-kuma');
    const sim = await start({ version: seed.version, endpoints: seed.endpoints, stacks: seed.stacks, serviceFaults: DEMO_SERVICE_FAULTS });
    const r = await call(sim, 'GET', '/api/endpoints/2/docker/containers/json?all=1');
    const status = Object.fromEntries((r.body as Json[]).map((c: Json) => [c.Names[0], c.Status]));
    expect(status).toEqual({
      '/whoami-whoami-1': 'Exited (1) 3 minutes ago',
      '/monitoring-prometheus-1': 'Up 2 minutes',
      '/monitoring-grafana-1': 'Up 2 minutes',
      '/legacy-nginx-nginx-1': 'Up 2 minutes',
    });
  });

  it('by default: uptime-kuma in sync at Status 2 with no containers, and start brings it up', async () => {
    const seed = await demoSeed();
    const kuma = seed.stacks.find((s) => s.name === 'uptime-kuma');
    expect(kuma).toMatchObject({ status: 2, endpointId: 2 });
    const sim = await start({ version: seed.version, endpoints: seed.endpoints, stacks: seed.stacks, serviceFaults: DEMO_SERVICE_FAULTS, faults: { deployMs: 0 } });
    expect(sim.containers(2).filter((c) => c.project === 'uptime-kuma')).toEqual([]);
    const id = sim.stacks().find((s) => s.name === 'uptime-kuma')!.id;
    expect((await call(sim, 'POST', `/api/stacks/${id}/start?endpointId=2`)).body.Status).toBe(1);
    expect(sim.containers(2).filter((c) => c.project === 'uptime-kuma')).toMatchObject([{ name: 'uptime-kuma-uptime-kuma-1', image: 'louislam/uptime-kuma:1.23.13', state: 'running' }]);
  });
});
