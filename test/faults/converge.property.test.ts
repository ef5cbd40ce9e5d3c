/**
 * Randomised converge runs against the simulator over real sockets, with fixed seeds: desired
 * states, live states (owned by this VM, by another VM, by nobody) and fault mixes (error answers
 * up to 20 %, resets before and after the server acted, latency spikes, a Portainer restart
 * mid-run, sync and async Portainer versions). Properties:
 *
 * - after at most two converge runs, the live state equals the desired state;
 * - after every run: no stack is duplicated, no stack this VM does not own is changed or
 *   deleted, no declared stack's env is partial or wiped, the token appears in no output line.
 *
 * Runs go through the app layer in-process (prepareConverge + executeConverge, what the CLI
 * calls) because a subprocess costs ~0.7 s; test/faults/cli-faults.test.ts keeps a few
 * subprocess runs. Figures go to $TMPDIR/phoenix-fault-suite.json (PHOENIX_FAULT_FIGURES
 * overrides); `npm run soak` runs the same property with more cases (PHOENIX_FAULT_RUNS).
 */
import fc from 'fast-check';

import { converge, invariants, mismatches, start, writeFigures } from './harness';
import type { DesiredSpec, FaultMix, LiveSpec, Scenario, Started } from './harness';

// Backoff sleeps of the HTTP client run 10x faster here (the client takes `sleep` by injection;
// the app layer builds the client, so the injection happens at the module boundary). Retry-After
// and backoff values themselves are held exactly by test/portainer/resilience.test.ts.
jest.mock('../../src/portainer/client', () => {
  const actual = jest.requireActual<typeof import('../../src/portainer/client')>('../../src/portainer/client');
  class FastSleepClient extends actual.PortainerClient {
    constructor(options: ConstructorParameters<typeof actual.PortainerClient>[0]) {
      super({ ...options, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.ceil(ms / 10))) });
    }
  }
  return { ...actual, PortainerClient: FastSleepClient };
});

const RUNS = Number(process.env.PHOENIX_FAULT_RUNS ?? 60);
const SEED = Number(process.env.PHOENIX_FAULT_SEED ?? 20240611);
const FIGURES_NAME = process.env.PHOENIX_FAULT_RUNS ? 'fault-soak' : 'fault-suite';

const NAMES = ['web', 'db', 'cache', 'queue', 'auth', 'logs'];
const FOREIGN = ['legacy', 'by-hand', 'other-vm'];
const image = fc.constantFrom('nginx:1.27', 'nginx:1.25', 'redis:7', 'postgres:16');
const env = fc.dictionary(fc.constantFrom('PORT', 'TAG', 'MODE', 'DB_URL'), fc.constantFrom('1', '80', 'prod', 'x=y z', ''), { maxKeys: 3 });

const desired: fc.Arbitrary<DesiredSpec[]> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { maxLength: 5 })
  .chain((names) => fc.tuple(...names.map((name) => fc.record({ name: fc.constant(name), image, env }))));

const live: fc.Arbitrary<LiveSpec[]> = fc
  .tuple(fc.uniqueArray(fc.constantFrom(...NAMES), { maxLength: 5 }), fc.subarray(FOREIGN))
  .chain(([owned, foreign]) =>
    fc.tuple(
      ...owned.map((name) => fc.record({ name: fc.constant(name), owner: fc.constant('vm' as const), image, env })),
      ...foreign.map((name) => fc.record({ name: fc.constant(name), owner: fc.constant(name === 'other-vm' ? ('other-vm' as const) : ('none' as const)), image, env })),
    ),
  );

const faults: fc.Arbitrary<FaultMix> = fc.record({
  // whole percentages: fc.double favours 0 and tiny values, which would inject almost nothing
  errorRate: fc.integer({ min: 0, max: 20 }).map((p) => p / 100),
  errorStatuses: fc.subarray([502, 503, 504, 429], { minLength: 1 }),
  resetBeforeRate: fc.integer({ min: 0, max: 10 }).map((p) => p / 100),
  resetAfterRate: fc.integer({ min: 0, max: 10 }).map((p) => p / 100),
  latencyMs: fc.integer({ min: 0, max: 15 }),
  deployMs: fc.integer({ min: 5, max: 60 }),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
  restartAfter: fc.option(fc.integer({ min: 2, max: 25 }), { nil: undefined }),
  spike: fc.option(fc.record({ atMs: fc.integer({ min: 0, max: 200 }), latencyMs: fc.integer({ min: 100, max: 400 }) }), { nil: undefined }),
});

const scenario: fc.Arbitrary<Scenario> = fc.record({
  // sync with the pre-2.19 create route, sync 2.21, async (Status 3 then 1)
  version: fc.constantFrom('2.18.4', '2.21.4', '2.39.0'),
  desired,
  live,
  faults,
});

const figures = {
  command: `npx jest test/faults/converge.property.test.ts${process.env.PHOENIX_FAULT_RUNS ? ` (PHOENIX_FAULT_RUNS=${RUNS})` : ''}`,
  seed: SEED,
  cases: 0,
  convergeRuns: 0,
  requests: 0,
  faultsInjected: { errorAnswers: 0, resetsBefore: 0, resetsAfter: 0, restarts: 0, latencySpikes: 0 },
  clientRetries: 0,
  lostAnswersRecovered: 0,
  writesResent: 0,
  convergedAfterRun1: 0,
  convergedAfterRun2: 0,
  finalStateMismatches: 0,
  duplicates: 0,
  unownedChanges: 0,
  envLosses: 0,
  tokenLeaks: 0,
};

function count(started: Started, from: number): void {
  const log = started.sim.requests.slice(from);
  figures.requests += log.length;
  figures.faultsInjected.errorAnswers += log.filter((r) => r.outcome === 'answered' && [429, 502, 503, 504].includes(r.status) && r.path !== '/api/auth').length;
  figures.faultsInjected.resetsBefore += log.filter((r) => r.outcome === 'reset-before').length;
  figures.faultsInjected.resetsAfter += log.filter((r) => r.outcome === 'reset-after').length;
}

afterAll(() => {
  const path = writeFigures(FIGURES_NAME, figures);
  process.stderr.write(`fault-suite figures: ${path}\n${JSON.stringify(figures)}\n`);
});

it(
  `after at most two converge runs under faults the live state is the desired one, with no duplicate, no unowned change, no env loss, no token (${RUNS} cases, seed ${SEED})`,
  async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const started = await start(s);
        try {
          figures.cases++;
          let converged = false;
          const outputs: string[][] = [];
          for (let run = 1; run <= 2 && !converged; run++) {
            const before = started.sim.requests.length;
            const report = await converge(started, true, run);
            outputs.push(report.output);
            figures.convergeRuns++;
            count(started, before);
            figures.faultsInjected.restarts += report.restarts;
            if (s.faults.spike) figures.faultsInjected.latencySpikes++;
            figures.clientRetries += report.retries;
            figures.lostAnswersRecovered += report.recovered;
            figures.writesResent += report.resends;
            const broken = invariants(started, report);
            figures.duplicates += broken.duplicates.length;
            figures.unownedChanges += broken.unownedChanges.length;
            figures.envLosses += broken.envLosses.length;
            figures.tokenLeaks += broken.tokenLeaks;
            expect(broken).toEqual({ duplicates: [], unownedChanges: [], envLosses: [], tokenLeaks: 0 });
            const wrong = mismatches(started);
            // A run that says it succeeded must have converged.
            if (report.ok) expect(wrong).toEqual([]);
            converged = wrong.length === 0;
            if (converged) figures[run === 1 ? 'convergedAfterRun1' : 'convergedAfterRun2']++;
          }
          if (!converged) figures.finalStateMismatches += mismatches(started).length;
          if (!converged) process.stderr.write(`not converged after two runs; what phoenix said:\n${outputs.map((o, i) => `run ${i + 1}:\n  ${o.join('\n  ')}`).join('\n')}\n`);
          expect(mismatches(started)).toEqual([]);
          // And a further run (no faults) finds nothing to do: convergence is stable.
          const writes = started.sim.writes().length;
          expect((await converge(started, false)).ok).toBe(true);
          expect(started.sim.writes().length).toBe(writes);
        } finally {
          await started.sim.stop();
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  },
  Math.max(120_000, RUNS * 20_000),
);
