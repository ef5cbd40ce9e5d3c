#!/usr/bin/env node
// `npm run bench`: where phoenix stands against the round-trip limit of a converge, against the
// per-stack client of the common peers, at start-up and in memory. Everything runs against the
// Portainer simulator on 127.0.0.1 with a fixed latency per request, and every figure is a ratio
// measured within this one run (the machines are shared and noisy). See docs/performance.md.
'use strict';
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');

const { perStackRedeploy } = require('./baseline');
const { idealRead, idealReadMany } = require('./ideal');
const { phoenix, run, hookAnswerClock, lastAnswer } = require('./lib/child');
const { makeFixture, makeValidateFixture, simulatorOptions, TOKEN } = require('./lib/fixture');
const { median, medianRun, table, ms, ratio, mib } = require('./lib/report');
const { snapshotBuild } = require('./lib/snapshot');

const USAGE = `Usage: npm run bench -- [--latency MS] [--deploy-ms MS] [--runs K] [--quick] [--full]

  --latency MS     simulator latency added to every request (default 20)
  --deploy-ms MS   simulated deploy time of a create/update (default 50)
  --runs K         phoenix runs per converge scenario, median reported (default 3; --quick 1)
  --startup-runs K runs per start-up command, median reported (default 11; --quick 5)
  --quick          fewer runs, baseline at N=100 only, no drift row at N=1000 (about 1 minute)
  --full           also the per-stack baseline at N=1000 (adds about 90 s at 20 ms)`;

/** Issue 16's targets; each is printed with its figure and MET or MISSED. */
const TARGETS = { planRatio: 5, planRssMiB: 70, helpRatio: 2.5, noopRatioAt100: 1.5, noopRatioAt300: 1.3, rssMiB: 120, manyRatio: 3, validateMs: 1000 };
const STARTUP_PROBE = join(__dirname, 'startup-probe.js');
/** `phoenix config validate` of this many VMs (3 stacks each from a pool of 20): linear, about a second. */
const VALIDATE_VMS = 2000;
const SIZES = [100, 300, 1000];
const VMID = 9101;
const MANY = { vms: 10, stacks: 50, firstVmid: 9201 };

function fail(message) {
  console.error(`\nBENCH FAILED: ${message}`);
  process.exit(1);
}

async function main() {
  const { values: opt } = parseArgs({
    options: {
      latency: { type: 'string', default: '20' },
      'deploy-ms': { type: 'string', default: '50' },
      runs: { type: 'string' },
      'startup-runs': { type: 'string' },
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (opt.help) {
    console.log(USAGE);
    return;
  }
  const latency = Number(opt.latency);
  const deployMs = Number(opt['deploy-ms']);
  const runs = Number(opt.runs ?? (opt.quick ? 1 : 3));
  const startupRuns = Number(opt['startup-runs'] ?? (opt.quick ? 5 : 11));
  const concurrency = 8; // phoenix's default --concurrency: the bench measures the default
  if (![latency, deployMs, runs, startupRuns].every((n) => Number.isInteger(n) && n >= 0) || runs < 1 || startupRuns < 1) fail(`bad option\n${USAGE}`);

  const benchStarted = Date.now();
  const snapshot = snapshotBuild();
  const work = mkdtempSync(join(tmpdir(), 'phoenix-bench-'));
  const plan = require(join(snapshot, 'dist', 'plan'));
  const { startSimulator } = require(join(snapshot, 'simulator', 'dist'));
  hookAnswerClock();
  const say = (line) => process.stderr.write(`${line}\n`);
  say(`bench: latency ${latency} ms per request, deploy ${deployMs} ms, concurrency ${concurrency}, ${runs} run(s) per scenario; build snapshot ${snapshot}`);

  const results = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString(),
    node: process.version,
    cpus: require('node:os').cpus().length,
    latencyMs: latency,
    deployMs,
    concurrency,
    runs,
    converge: [],
    baseline: [],
    startup: undefined,
    validate: undefined,
    manyVms: undefined,
    targets: {},
  };

  /** One phoenix converge on a fresh simulator; asserts what it must. */
  async function convergeOnce(fixture, args, expectWrites, expectCode) {
    const sim = await startSimulator(simulatorOptions(fixture, { latencyMs: latency, deployMs, seed: 1 }));
    const simCpu = process.cpuUsage(); // this process serves the simulator: is it the bottleneck?
    try {
      const result = await phoenix(snapshot, [...args, '--yes', '--detailed-exitcode', '--config', fixture.configPath, '--url', sim.url], {
        cwd: work,
        env: { PORTAINER_API_KEY: TOKEN },
        rss: true,
      });
      const writes = sim.writes();
      const requests = sim.requests.length;
      const first = sim.requests[0]?.at;
      const net = first === undefined ? undefined : lastAnswer() - first;
      if (result.code !== expectCode || writes.length !== expectWrites) {
        fail(
          `phoenix ${args.join(' ')}: exit ${result.code} (want ${expectCode}), ${writes.length} writes (want ${expectWrites})\n` +
            `writes: ${writes
              .slice(0, 5)
              .map((w) => `${w.method} ${w.path}`)
              .join(', ')}\n--- stderr\n${result.stderr.slice(-3000)}\n--- stdout (tail)\n${result.stdout.slice(-2000)}`,
        );
      }
      if (writes.some((w) => w.method !== 'PUT')) fail(`expected only PUT updates, saw ${[...new Set(writes.map((w) => w.method))].join(', ')}`);
      // Where the time outside the network phase goes: start-up and config before the first
      // request, plan/render/exit after the last answer.
      const beforeFirst = first === undefined ? undefined : first - result.startedAt;
      const afterLast = first === undefined ? undefined : result.startedAt + result.ms - lastAnswer();
      const { user, system } = process.cpuUsage(simCpu);
      return { ms: result.ms, net, beforeFirst, afterLast, requests, writes: writes.length, maxRssKiB: result.maxRssKiB, cpuMs: result.cpuMs, simulatorCpuMs: (user + system) / 1000 };
    } finally {
      await sim.stop();
    }
  }

  // 1 and 2: no-op and 10 % drifted converges of one VM.
  const baselineSizes = opt.quick ? [100] : opt.full ? SIZES : [100, 300];
  const fixtures = {};
  for (const n of SIZES) {
    for (const scenario of ['no-op', 'drift 10%']) {
      if (scenario === 'drift 10%' && opt.quick && n === 1000) continue;
      const dir = join(work, `${scenario === 'no-op' ? 'noop' : 'drift'}-${n}`);
      const fixture = makeFixture(plan, { dir, vms: [{ vmid: VMID, stacks: n }], driftEvery: scenario === 'no-op' ? 0 : 10 });
      if (scenario === 'no-op') fixtures[n] = fixture;
      const drifted = fixture.drifted.length;
      const samples = [];
      for (let r = 0; r < runs; r++) {
        say(`  ${scenario} N=${n} run ${r + 1}/${runs}...`);
        samples.push(await convergeOnce(fixture, ['portainer', String(VMID), 'converge'], drifted, drifted > 0 ? 2 : 0));
      }
      const chosen = medianRun(samples);
      // +1 in the pool: the one runtime read of the environment (containers), beside the file reads.
      const reads = 3 + Math.ceil((n + 1) / concurrency);
      const limit = reads * latency + Math.ceil(drifted / concurrency) * (latency + deployMs);
      let ideal;
      if (scenario === 'no-op') {
        // The measured floor: the ideal read path in this process, on the same seeded state.
        const sim = await startSimulator(simulatorOptions(fixture, { latencyMs: latency, deployMs, seed: 1 }));
        try {
          ideal = await idealRead(sim.url, { apiKey: TOKEN, environmentName: `bench-${VMID}`, concurrency });
        } finally {
          await sim.stop();
        }
      }
      results.converge.push({
        scenario,
        n,
        drifted,
        wallMs: chosen.ms,
        wallRunsMs: samples.map((s) => Math.round(s.ms)),
        networkMs: chosen.net,
        beforeFirstRequestMs: chosen.beforeFirst,
        afterLastAnswerMs: chosen.afterLast,
        requests: chosen.requests,
        idealRequests: 3 + n + 1 + drifted,
        writes: chosen.writes,
        limitMs: limit,
        ratioWall: chosen.ms / limit,
        ratioNetwork: chosen.net / limit,
        idealClientMs: ideal?.ms,
        networkOverIdealClient: ideal ? chosen.net / ideal.ms : undefined,
        maxRssKiB: Math.max(...samples.map((s) => s.maxRssKiB ?? 0)) || undefined,
        cpuMs: chosen.cpuMs,
        simulatorCpuMs: chosen.simulatorCpuMs,
      });
    }
  }

  // 3: the per-stack client of the peers, on the undrifted state (it redeploys every stack either way).
  for (const n of baselineSizes) {
    const fixture = fixtures[n];
    say(`  baseline N=${n} (one stack at a time, about ${Math.round((n * (2 * latency + deployMs)) / 1000)} s)...`);
    const sim = await startSimulator(simulatorOptions(fixture, { latencyMs: latency, deployMs, seed: 1 }));
    try {
      const stacks = fixture.seeds.map((s) => ({ name: s.name, composeText: s.composeText, env: s.env }));
      const b = await perStackRedeploy(sim.url, { username: 'admin', password: 'adminpassword', endpointId: fixture.seeds[0].endpointId, stacks });
      if (b.writes !== n) fail(`baseline sent ${b.writes} writes for ${n} stacks`);
      const noop = results.converge.find((c) => c.scenario === 'no-op' && c.n === n);
      const drift = results.converge.find((c) => c.scenario === 'drift 10%' && c.n === n);
      results.baseline.push({
        n,
        wallMs: b.ms,
        requests: b.requests,
        writes: b.writes,
        overNoop: b.ms / noop.wallMs,
        overDrift: drift ? b.ms / drift.wallMs : undefined,
      });
    } finally {
      await sim.stop();
    }
  }

  // 4: start-up, interleaved so that a noisy neighbour hits every command alike. Each run is
  // preloaded with bench/startup-probe.js (node -e 0 too), which reports its peak RSS and CPU time.
  {
    const fixture = makeFixture(plan, { dir: join(work, 'startup'), vms: [{ vmid: VMID, stacks: 3 }], driftEvery: 0 });
    const sim = await startSimulator(simulatorOptions(fixture, { latencyMs: 0, seed: 1 }));
    const probed = async (args, env) => {
      const file = join(work, `startup-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
      const result = await run(process.execPath, ['--require', STARTUP_PROBE, ...args], { cwd: work, env: { ...env, PHOENIX_BENCH_STARTUP_OUT: file } });
      try {
        Object.assign(result, JSON.parse(readFileSync(file, 'utf8')));
        rmSync(file, { force: true });
      } catch {
        // no figures: the run failed before exit; reported below by its exit code
      }
      return result;
    };
    const bin = join(snapshot, 'bin', 'run.js');
    try {
      const commands = [
        { key: 'node', label: 'node -e 0', go: () => probed(['-e', '0']) },
        { key: 'help', label: 'phoenix --help', go: () => probed([bin, '--help']) },
        {
          key: 'plan',
          label: `phoenix portainer ${VMID} plan (3 stacks)`,
          go: () => probed([bin, 'portainer', String(VMID), 'plan', '--config', fixture.configPath, '--url', sim.url], { PORTAINER_API_KEY: TOKEN }),
        },
      ];
      const samples = commands.map(() => []);
      say(`  start-up: ${startupRuns} runs of each command, interleaved...`);
      for (const c of commands) await c.go(); // warm the file cache once
      for (let r = 0; r < startupRuns; r++) {
        for (const [i, c] of commands.entries()) {
          const result = await c.go();
          if (result.code !== 0) fail(`${c.label} exited ${result.code}\n${result.stderr.slice(-2000)}`);
          samples[i].push(result);
        }
      }
      const bare = { wall: median(samples[0].map((s) => s.ms)), cpu: median(samples[0].map((s) => s.cpuMs)) };
      results.startup = commands.map((c, i) => {
        const wall = median(samples[i].map((s) => s.ms));
        const cpu = median(samples[i].map((s) => s.cpuMs));
        return {
          key: c.key,
          command: c.label,
          medianMs: wall,
          runsMs: samples[i].map((s) => Math.round(s.ms)),
          overNode: wall / bare.wall,
          cpuMs: cpu,
          cpuOverNode: cpu / bare.cpu,
          maxRssKiB: Math.max(...samples[i].map((s) => s.maxRssKiB ?? 0)) || undefined,
        };
      });
    } finally {
      await sim.stop();
    }
  }

  // 5: config validation of a big file: no network, so only phoenix's own work is timed.
  {
    const fixture = makeValidateFixture({ dir: join(work, 'validate'), vms: VALIDATE_VMS });
    const args = ['config', 'validate', '--config', fixture.configPath];
    say(`  config validate ${VALIDATE_VMS} VMs: ${runs} run(s)...`);
    await phoenix(snapshot, args, { cwd: work }); // warm the file cache once
    const times = [];
    for (let r = 0; r < runs; r++) {
      const result = await phoenix(snapshot, args, { cwd: work });
      if (result.code !== 0) fail(`phoenix config validate (${VALIDATE_VMS} VMs) exited ${result.code}\n${result.stderr.slice(-2000)}`);
      times.push(result.ms);
    }
    results.validate = { vms: fixture.vms, deployments: fixture.deployments, medianMs: median(times), runsMs: times.map(Math.round) };
  }

  // 6: many VMs, when `converge --all` exists.
  {
    const help = await phoenix(snapshot, ['portainer', 'converge', '--help'], { cwd: work });
    const hasAll = /--all\b/.test(help.stdout);
    if (!hasAll) {
      results.manyVms = { available: false, note: '`phoenix portainer converge --help` has no --all yet' };
    } else {
      const vms = Array.from({ length: MANY.vms }, (_, i) => ({ vmid: MANY.firstVmid + i, stacks: MANY.stacks }));
      const fixture = makeFixture(plan, { dir: join(work, 'many'), vms, driftEvery: 0 });
      const samples = [];
      for (let r = 0; r < runs; r++) {
        say(`  many VMs ${MANY.vms}x${MANY.stacks} run ${r + 1}/${runs}...`);
        samples.push(await convergeOnce(fixture, ['portainer', 'converge', '--all'], 0, 0));
      }
      const chosen = medianRun(samples);
      // The measured floors on this simulator (docs/performance.md#throughput-round-3): every VM at once, and phoenix's default of 4.
      const idealMany = {};
      for (const parallelVms of [MANY.vms, 4]) {
        const sim = await startSimulator(simulatorOptions(fixture, { latencyMs: latency, deployMs, seed: 1 }));
        const environmentNames = vms.map((vm) => `bench-${vm.vmid}`);
        idealMany[parallelVms] = (await idealReadMany(sim.url, { apiKey: TOKEN, environmentNames, concurrency, parallelVms }).finally(() => sim.stop())).ms;
      }
      const limit = (3 + Math.ceil((MANY.stacks + 1) / concurrency)) * latency;
      // For context: the same reads through one pool of `concurrency` connections shared by all VMs.
      const sharedLimit = (3 + Math.ceil((MANY.vms * (MANY.stacks + 1)) / concurrency)) * latency;
      results.manyVms = {
        available: true,
        vms: MANY.vms,
        stacksPerVm: MANY.stacks,
        wallMs: chosen.ms,
        networkMs: chosen.net,
        requests: chosen.requests,
        idealRequests: 3 + MANY.vms * (MANY.stacks + 1),
        writes: chosen.writes,
        beforeFirstRequestMs: chosen.beforeFirst,
        afterLastAnswerMs: chosen.afterLast,
        limitMs: limit,
        ratioWall: chosen.ms / limit,
        ratioNetwork: chosen.net / limit,
        sharedPoolLimitMs: sharedLimit,
        networkOverSharedPoolLimit: chosen.net / sharedLimit,
        maxRssKiB: chosen.maxRssKiB,
        idealClientMs: { allVmsAtOnce: idealMany[MANY.vms], parallelVms4: idealMany[4] },
        cpuMs: chosen.cpuMs,
        simulatorCpuMs: chosen.simulatorCpuMs,
      };
    }
  }

  // Targets.
  results.targets = targets(results);
  results.totalSeconds = (Date.now() - benchStarted) / 1000;
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(render(results));
  rmSync(work, { recursive: true, force: true });
  rmSync(snapshot, { recursive: true, force: true });
}

function render(r) {
  const out = [];
  out.push(`phoenix bench: ${r.command}  (Node ${r.node}, ${r.cpus} CPUs, latency ${r.latencyMs} ms/request, deploy ${r.deployMs} ms, concurrency ${r.concurrency}, median of ${r.runs})`);
  out.push('');
  out.push('Converge of one VM (limit = (3 + ceil((N+1)/8)) x latency [+ ceil(drifted/8) x (latency + deploy)]):');
  out.push(
    table(
      [
        'scenario',
        'N',
        'wall ms',
        'to 1st req',
        'network ms',
        'after last',
        'limit ms',
        'wall/limit',
        'network/limit',
        'ideal client ms',
        'network/ideal',
        'requests (ideal)',
        'writes',
        'peak RSS MiB',
      ],
      r.converge.map((c) => [
        c.scenario,
        c.n,
        ms(c.wallMs),
        ms(c.beforeFirstRequestMs),
        ms(c.networkMs),
        ms(c.afterLastAnswerMs),
        ms(c.limitMs),
        ratio(c.ratioWall),
        ratio(c.ratioNetwork),
        ms(c.idealClientMs),
        ratio(c.networkOverIdealClient),
        `${c.requests} (${c.idealRequests})`,
        c.writes,
        mib(c.maxRssKiB),
      ]),
    ),
  );
  out.push('');
  out.push('Per-stack baseline (log in; per stack: list all, PUT unconditionally; one at a time; in-process, no start-up):');
  out.push(
    table(
      ['N', 'baseline ms', 'requests', 'writes', 'baseline/phoenix no-op', 'baseline/phoenix drift 10%'],
      r.baseline.map((b) => [b.n, ms(b.wallMs), b.requests, b.writes, ratio(b.overNoop), ratio(b.overDrift)]),
    ),
  );
  out.push('');
  out.push('Start-up (zero-latency simulator, median of runs, interleaved; CPU = user + system of the whole process):');
  out.push(
    table(
      ['command', 'median ms', 'x node -e 0', 'CPU ms', 'CPU x node -e 0', 'peak RSS MiB'],
      r.startup.map((s) => [s.command, ms(s.medianMs), ratio(s.overNode), ms(s.cpuMs), ratio(s.cpuOverNode), mib(s.maxRssKiB)]),
    ),
  );
  out.push('');
  out.push(`Config validation (phoenix config validate, ${r.validate.vms} VMs, ${r.validate.deployments} stack deployments, median of ${r.runs}):`);
  out.push(table(['VMs', 'median ms', 'runs ms'], [[r.validate.vms, ms(r.validate.medianMs), r.validate.runsMs.join(', ')]]));
  out.push('');
  if (r.manyVms.available) {
    const m = r.manyVms;
    out.push(`Many VMs: converge --all, ${m.vms} VMs x ${m.stacksPerVm} stacks (no-op):`);
    out.push(
      table(
        [
          'wall ms',
          'to 1st req',
          'network ms',
          'after last',
          'limit ms (VMs in parallel)',
          'wall/limit',
          'network/limit',
          'limit ms (one pool of 8)',
          'network/that',
          'requests (ideal per VM)',
          'writes',
          'peak RSS MiB',
        ],
        [
          [
            ms(m.wallMs),
            ms(m.beforeFirstRequestMs),
            ms(m.networkMs),
            ms(m.afterLastAnswerMs),
            ms(m.limitMs),
            ratio(m.ratioWall),
            ratio(m.ratioNetwork),
            ms(m.sharedPoolLimitMs),
            ratio(m.networkOverSharedPoolLimit),
            `${m.requests} (${m.idealRequests})`,
            m.writes,
            mib(m.maxRssKiB),
          ],
        ],
      ),
    );
  } else {
    out.push(`Many VMs (converge --all, ${MANY.vms} VMs x ${MANY.stacks} stacks): not available yet (${r.manyVms.note})`);
  }
  out.push('');
  out.push('Targets (issue 16):');
  for (const t of r.targets) out.push(`  ${t.line}: ${t.met === undefined ? 'NOT MEASURED' : t.met ? 'MET' : 'MISSED'}`);
  out.push(`Bench took ${r.totalSeconds.toFixed(0)} s; figures in bench/results.json.`);
  return out.join('\n');
}

/** Every target of issue 16: its figure with the absolute reference beside each ratio, and the verdict. */
function targets(r) {
  const noop = (n) => r.converge.find((c) => c.scenario === 'no-op' && c.n === n);
  const start = (key) => r.startup.find((s) => s.key === key);
  const [bare, help, planRun] = ['node', 'help', 'plan'].map(start);
  const out = [];
  const add = (name, line, met, figures) => out.push({ name, line, met, ...figures });
  const rss = planRun.maxRssKiB / 1024;
  add(
    'plan',
    `plan 3 stacks ${ms(planRun.medianMs)} ms = ${ratio(planRun.overNode)} node -e 0 (${ms(bare.medianMs)} ms) <= ${TARGETS.planRatio}x; ` +
      `CPU ${ms(planRun.cpuMs)} ms = ${ratio(planRun.cpuOverNode)} (${ms(bare.cpuMs)} ms)`,
    planRun.overNode <= TARGETS.planRatio,
    { wallRatio: planRun.overNode, cpuRatio: planRun.cpuOverNode },
  );
  add('planRss', `plan 3 stacks peak RSS ${rss.toFixed(1)} MiB <= ${TARGETS.planRssMiB} (node -e 0: ${mib(bare.maxRssKiB)} MiB)`, rss <= TARGETS.planRssMiB, { rssMiB: rss });
  add(
    'help',
    `--help ${ms(help.medianMs)} ms = ${ratio(help.overNode)} node -e 0 (${ms(bare.medianMs)} ms), ` +
      `CPU ${ms(help.cpuMs)} ms = ${ratio(help.cpuOverNode)} (${ms(bare.cpuMs)} ms), both <= ${TARGETS.helpRatio}x`,
    help.overNode <= TARGETS.helpRatio && help.cpuOverNode <= TARGETS.helpRatio,
    { wallRatio: help.overNode, cpuRatio: help.cpuOverNode },
  );
  for (const [n, limit] of [
    [100, TARGETS.noopRatioAt100],
    [300, TARGETS.noopRatioAt300],
  ]) {
    const c = noop(n);
    add(
      `noop${n}`,
      `no-op converge N=${n} ${ms(c.wallMs)} ms = ${ratio(c.ratioWall)} the limit (${ms(c.limitMs)} ms; network ${ms(c.networkMs)} ms = ${ratio(c.ratioNetwork)}) <= ${limit}x`,
      c.ratioWall <= limit,
      { wallRatio: c.ratioWall, networkRatio: c.ratioNetwork },
    );
  }
  const big = noop(1000);
  add('rss1000', `peak RSS no-op converge N=1000 ${mib(big.maxRssKiB)} MiB <= ${TARGETS.rssMiB}`, big.maxRssKiB / 1024 <= TARGETS.rssMiB, { rssMiB: big.maxRssKiB / 1024 });
  const m = r.manyVms;
  if (m.available) {
    add(
      'many',
      `converge --all ${m.vms}x${m.stacksPerVm} ${ms(m.wallMs)} ms = ${ratio(m.ratioWall)} the VMs-in-parallel limit (${ms(m.limitMs)} ms; network ${ratio(m.ratioNetwork)}) <= ${TARGETS.manyRatio}x`,
      m.ratioWall <= TARGETS.manyRatio,
      { wallRatio: m.ratioWall },
    );
  } else {
    add('many', `converge --all ${MANY.vms}x${MANY.stacks} <= ${TARGETS.manyRatio}x the VMs-in-parallel limit (${m.note})`, undefined, {});
  }
  add('validate', `config validate ${r.validate.vms} VMs ${ms(r.validate.medianMs)} ms <= ${TARGETS.validateMs} ms`, r.validate.medianMs <= TARGETS.validateMs, { ms: r.validate.medianMs });
  return out;
}

main().catch((error) => fail(error && error.stack ? error.stack : String(error)));
