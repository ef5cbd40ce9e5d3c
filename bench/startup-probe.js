// Preloaded with `node --require` into each start-up run of the bench (`node -e 0` and phoenix
// alike): on exit, writes {"maxRssKiB", "cpuMs"} (process.resourceUsage(): peak resident set,
// user + system CPU time of the whole process, all threads) to the file named by
// PHOENIX_BENCH_STARTUP_OUT.
'use strict';
const out = process.env.PHOENIX_BENCH_STARTUP_OUT;
if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    require('node:fs').writeFileSync(out, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
