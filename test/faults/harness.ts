/**
 * The fault suite's harness (not a test file): a scenario (desired stacks, live stacks, a fault
 * mix) on a real simulator over real sockets, converge runs through the app layer in-process
 * (prepareConverge + executeConverge, as the CLI does), and the invariants checked after each run.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { executeConverge, prepareConverge } from '../../src/app/converge';
import { isPhoenixError } from '../../src/errors';
import { hasChanges, markerVmid, normaliseCompose, ownershipMarker, stackKey, stripMarker } from '../../src/plan';
import { startSimulator } from '../../simulator/src';
import type { SimFaults, SimStackView, Simulator } from '../../simulator/src';
import { writeConfig } from '../helpers/cli';

export const TOKEN = 'ptr_faultsuite-token-5c1d';
export const VMID = 1002;
const OTHER_VMID = 2001;
const ENDPOINT = 3;

export interface DesiredSpec {
  name: string;
  image: string;
  env: Record<string, string>;
}

export interface LiveSpec {
  name: string;
  /** owned by this VM, by another VM, or by nobody (a stack made by hand). */
  owner: 'vm' | 'other-vm' | 'none';
  image: string;
  env: Record<string, string>;
}

export interface FaultMix extends SimFaults {
  /** Restart Portainer (close every connection) once this many requests have arrived. */
  restartAfter?: number;
  /** Raise the latency to this many ms for 300 ms, starting this far into the run. */
  spike?: { atMs: number; latencyMs: number };
}

export interface Scenario {
  version: string;
  desired: DesiredSpec[];
  live: LiveSpec[];
  faults: FaultMix;
}

export interface RunReport {
  ok: boolean;
  /** What phoenix printed or logged (debug lines, progress, warnings, errors). */
  output: string[];
  recovered: number;
  resends: number;
  retries: number;
  restarts: number;
}

const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;
const pairs = (env: Record<string, string>) => Object.entries(env).map(([name, value]) => ({ name, value }));

export interface Started {
  sim: Simulator;
  config: string;
  scenario: Scenario;
  /** Stacks phoenix must never touch, as they were at the start. */
  untouchable: SimStackView[];
}

export async function start(scenario: Scenario): Promise<Started> {
  const sim = await startSimulator({
    version: scenario.version,
    apiKeys: [TOKEN],
    endpoints: [
      { id: 1, name: 'local', type: 1 },
      { id: ENDPOINT, name: 'drphoenix', type: 2 },
    ],
    stacks: scenario.live.map((l) => ({
      name: l.name,
      endpointId: ENDPOINT,
      composeText: l.owner === 'none' ? compose(l.image) : `${ownershipMarker(l.owner === 'vm' ? VMID : OTHER_VMID)}\n${compose(l.image)}`,
      env: pairs(l.env),
    })),
    faults: { deployMs: scenario.faults.deployMs ?? 10 },
  });
  const stacks = Object.fromEntries(scenario.desired.map((d) => [d.name, { compose: compose(d.image), env: d.env }]));
  const config = writeConfig(stacks, [{ vmid: VMID, name: 'drphoenix', portainer_environment_name: 'drphoenix', environment: 'test', docker_stacks: scenario.desired.map((d) => d.name) }]);
  const mine = new Set(scenario.live.filter((l) => l.owner !== 'vm').map((l) => l.name));
  return { sim, config, scenario, untouchable: sim.stacks().filter((s) => mine.has(s.name)) };
}

/**
 * One `phoenix portainer 1002 converge --prune --yes`, in-process, with faults on or off
 * (the restart happens in the first run only). Never throws: a failure before apply (a read that failed after its retries) is a failed run.
 */
export async function converge(started: Started, withFaults: boolean, run = 1): Promise<RunReport> {
  const { sim, scenario } = started;
  const output: string[] = [];
  const report: RunReport = { ok: false, output, recovered: 0, resends: 0, retries: 0, restarts: 0 };
  const { restartAfter, spike, ...mix } = scenario.faults;
  // Each run draws its own fault sequence: the same seed would repeat the same bad luck.
  const knobs = { ...mix, seed: (mix.seed ?? 0) + 1000 * run };
  sim.setFaults(withFaults ? knobs : { deployMs: knobs.deployMs, seed: knobs.seed });
  const baseline = sim.requests.length;
  const timers: NodeJS.Timeout[] = [];
  if (withFaults && run === 1 && restartAfter !== undefined) {
    const watch = setInterval(() => {
      if (sim.requests.length - baseline < restartAfter) return;
      clearInterval(watch);
      report.restarts++;
      void sim.restart();
    }, 2);
    timers.push(watch);
  }
  if (withFaults && spike) {
    timers.push(setTimeout(() => sim.setFaults({ ...knobs, latencyMs: spike.latencyMs, seed: (knobs.seed ?? 0) + 1 }), spike.atMs));
    timers.push(setTimeout(() => sim.setFaults({ ...knobs, seed: (knobs.seed ?? 0) + 2 }), spike.atMs + 300));
  }
  try {
    const prepared = await prepareConverge({
      configPath: started.config,
      vmid: VMID,
      prune: true,
      adopt: false,
      url: sim.url,
      insecure: false,
      concurrency: 4,
      deployTimeoutMs: 60_000,
      env: { PORTAINER_API_KEY: TOKEN },
      log: (line) => output.push(line),
      warn: (line) => output.push(line),
    });
    try {
      if (prepared.plan.summary.conflict > 0) throw new Error(`bug in the scenario: the plan has conflicts`);
      if (!hasChanges(prepared.plan)) {
        report.ok = true;
        return report;
      }
      const applied = await executeConverge(prepared, { concurrency: 4, deployTimeoutMs: 60_000, progress: (line) => output.push(line) });
      report.ok = applied.ok;
      report.recovered = applied.results.filter((r) => r.recovered).length;
      for (const r of applied.results) if (r.error) output.push(r.error.message);
    } finally {
      await prepared.client.close();
    }
  } catch (error) {
    if (!isPhoenixError(error)) throw error;
    output.push(error.message, error.hint ?? '');
  } finally {
    for (const t of timers) clearInterval(t);
    report.retries = output.filter((l) => / retry \d+\/\d+ in /.test(l)).length;
    report.resends = output.filter((l) => /sending the (create|update|delete) again/.test(l)).length;
  }
  return report;
}

export interface Violations {
  /** Declared stacks missing or different, owned undeclared stacks still there. */
  mismatches: string[];
  duplicates: string[];
  /** Stacks not owned by this VM that were changed or deleted. */
  unownedChanges: string[];
  /** A declared stack whose env is neither what it was nor what was desired (a partial or wiped env). */
  envLosses: string[];
  tokenLeaks: number;
}

/** Everything that must hold after any run, faults or not (the final-state check is separate). */
export function invariants(started: Started, report: RunReport): Omit<Violations, 'mismatches'> {
  const stacks = started.sim.stacks();
  const byName = new Map<string, SimStackView[]>();
  for (const s of stacks) byName.set(`${s.endpointId}/${stackKey(s.name)}`, [...(byName.get(`${s.endpointId}/${stackKey(s.name)}`) ?? []), s]);
  const duplicates = [...byName].filter(([, list]) => list.length > 1).map(([key]) => key);
  const unownedChanges = started.untouchable
    .filter((before) => {
      const now = stacks.find((s) => s.id === before.id);
      return !now || now.composeText !== before.composeText || JSON.stringify(now.env) !== JSON.stringify(before.env) || now.name !== before.name || now.endpointId !== before.endpointId;
    })
    .map((s) => s.name);
  const envLosses: string[] = [];
  for (const d of started.scenario.desired) {
    const live = stacks.find((s) => s.endpointId === ENDPOINT && stackKey(s.name) === d.name);
    if (!live) continue;
    const initial = started.scenario.live.find((l) => l.name === d.name && l.owner === 'vm');
    const ok = sameEnv(live.env, d.env) || (initial !== undefined && sameEnv(live.env, initial.env));
    if (!ok) envLosses.push(d.name);
  }
  const tokenLeaks = report.output.filter((line) => line.includes(TOKEN)).length;
  return { duplicates, unownedChanges, envLosses, tokenLeaks };
}

/** Declared stacks present once, owned, with the desired file and env, active; owned undeclared ones gone. */
export function mismatches(started: Started): string[] {
  const stacks = started.sim.stacks().filter((s) => s.endpointId === ENDPOINT);
  const out: string[] = [];
  for (const d of started.scenario.desired) {
    const live = stacks.filter((s) => stackKey(s.name) === d.name);
    if (live.length !== 1) {
      out.push(`${d.name}: ${live.length} stacks`);
      continue;
    }
    const [s] = live;
    if (markerVmid(s.composeText) !== VMID) out.push(`${d.name}: not owned`);
    if (normaliseCompose(stripMarker(s.composeText)) !== normaliseCompose(compose(d.image))) out.push(`${d.name}: file differs`);
    if (!sameEnv(s.env, d.env)) out.push(`${d.name}: env differs`);
    if (s.status !== 1) out.push(`${d.name}: status ${s.status}`);
  }
  const declared = new Set(started.scenario.desired.map((d) => d.name));
  for (const s of stacks) if (markerVmid(s.composeText) === VMID && !declared.has(stackKey(s.name))) out.push(`${s.name}: owned, undeclared, not pruned`);
  return out;
}

function sameEnv(live: { name: string; value: string }[], wanted: Record<string, string>): boolean {
  const map = new Map(live.map((p) => [p.name, p.value]));
  return map.size === Object.keys(wanted).length && Object.entries(wanted).every(([k, v]) => map.get(k) === v);
}

/** Where a suite writes its figures: outside the repository, so a run never dirties the tree. */
export function figuresPath(name: string): string {
  return process.env.PHOENIX_FAULT_FIGURES ?? join(tmpdir(), `phoenix-${name}.json`);
}

export function writeFigures(name: string, figures: Record<string, unknown>): string {
  const path = figuresPath(name);
  writeFileSync(path, `${JSON.stringify({ ...figures, writtenAt: new Date().toISOString() }, null, 2)}\n`);
  return path;
}
