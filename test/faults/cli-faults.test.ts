/**
 * A few fault runs through the built CLI as a subprocess (the property runs in
 * converge.property.test.ts go in-process for speed): the retries are visible in --debug, the
 * token never appears (runCli fails the test on a leak), and at most two runs converge.
 */
import { markerVmid } from '../../src/plan';
import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { registerSecret, runCli, writeConfig } from '../helpers/cli';

const TOKEN = 'ptr_cli-faults-9d2e';
registerSecret(TOKEN);
const VM = 4715;
let sim: Simulator;
afterEach(async () => {
  await sim.stop();
});

const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;

it.each([
  [11, { errorRate: 0.25, errorStatuses: [502, 503, 504] }],
  [12, { resetBeforeRate: 0.15, resetAfterRate: 0.15 }],
  [13, { errorRate: 0.15, errorStatuses: [429, 503], resetAfterRate: 0.1, latencyMs: 20 }],
])('seed %i: retries show in --debug, no token in the output, converged after at most two runs', async (seed, faults) => {
  sim = await startSimulator({
    version: '2.21.4',
    apiKeys: [TOKEN],
    endpoints: [{ id: 3, name: 'faultvm', type: 2 }],
    stacks: [
      { name: 'gone', endpointId: 3, composeText: `# managed-by: phoenix (vm ${VM}).\n${compose('x')}` },
      { name: 'theirs', endpointId: 3, composeText: compose('t') },
    ],
    faults: { ...faults, seed, deployMs: 20 },
  });
  const config = writeConfig({ alpha: { compose: compose('a'), env: { K: 'v' } }, bravo: { compose: compose('b') }, charlie: { compose: compose('c'), env: { P: '1' } } }, [
    { vmid: VM, name: 'faultvm', portainer_environment_name: 'faultvm', docker_stacks: ['alpha', 'bravo', 'charlie'] },
  ]);
  const run = () => runCli(['portainer', String(VM), 'converge', '--yes', '--prune', '--debug', '--config', config, '--url', sim.url], { env: { PORTAINER_API_KEY: TOKEN } });
  const theirs = JSON.stringify(sim.stacks().find((s) => s.name === 'theirs'));

  const first = await run();
  const injectedOnReads = sim.requests.filter((r) => r.method === 'GET' && [429, 502, 503, 504].includes(r.status)).length;
  const lines = first.stderr.split('\n');
  const shown = lines.filter((l) => /^\[http\] GET .* -> (429|502|503|504) \(\d+ ms\)/.test(l));
  const retried = shown.filter((l) => /, retry [1-3]\/3 in \d+ ms$/.test(l));
  // Each error answer to a read is one --debug line, and every one but a read's fourth is retried.
  expect(shown).toHaveLength(injectedOnReads);
  expect(retried.length).toBeGreaterThanOrEqual(shown.length - lines.filter((l) => /^Error: /.test(l)).length);
  let final = first;
  if (first.exitCode !== 0) {
    expect([1, 69]).toContain(first.exitCode);
    final = await run();
  }
  expect(final.exitCode).toBe(0);
  const stacks = sim.stacks().filter((s) => s.endpointId === 3);
  expect(stacks.map((s) => s.name).sort()).toEqual(['alpha', 'bravo', 'charlie', 'theirs']);
  expect(stacks.filter((s) => s.name !== 'theirs').every((s) => markerVmid(s.composeText) === VM && s.status === 1)).toBe(true);
  expect(stacks.find((s) => s.name === 'alpha')!.env).toEqual([{ name: 'K', value: 'v' }]);
  expect(JSON.stringify(sim.stacks().find((s) => s.name === 'theirs'))).toBe(theirs);
});
