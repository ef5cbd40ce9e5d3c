import { call, COMPOSE, simulators } from './helpers';

/**
 * docs/portainer-api.md#start-and-stop: before 2.19 start and stop use the stack's own
 * EndpointId (the query parameter is not read: `stack_start.go` at P@2.18.1). A simulator that
 * read a given `endpointId` on every version would, at 2.18, run a stop's `down` in another
 * environment: the stack's own containers kept running while its record said Status 2 (and an
 * unknown id was a 404 the real 2.18 never answers).
 */
const start = simulators();
const fast = { deployMs: 0 };
const endpoints = [
  { id: 1, name: 'local', type: 1 as const },
  { id: 2, name: 'other', type: 2 as const },
];
const seed = { name: 'app', endpointId: 1, composeText: COMPOSE };

describe('simulator start/stop before 2.19 ignore the endpointId parameter', () => {
  it("2.18.4: a stop that names another environment stops the stack's own containers", async () => {
    const sim = await start({ version: '2.18.4', faults: fast, endpoints, stacks: [seed] });
    const r = await call(sim, 'POST', '/api/stacks/1/stop?endpointId=2');
    expect(r.status).toBe(200);
    expect(sim.stacks()[0].status).toBe(2);
    // A stopped stack runs nothing (docs/portainer-api.md#stack-status).
    expect(sim.containers(1)).toEqual([]);
  });

  it('2.18.4: an endpointId that names no environment does not matter either', async () => {
    const sim = await start({ version: '2.18.4', faults: fast, endpoints, stacks: [seed] });
    const r = await call(sim, 'POST', '/api/stacks/1/stop?endpointId=99');
    expect(r.status).toBe(200);
    expect(sim.containers(1)).toEqual([]);
  });
});
