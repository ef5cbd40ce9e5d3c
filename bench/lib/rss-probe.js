// Preloaded into the CLI child with `node --require` by the bench: on exit, writes the peak
// resident set size (process.resourceUsage().maxRSS, in KiB) to the file named by
// PHOENIX_BENCH_RSS_OUT, and its CPU time. Needs no /usr/bin/time and measures the child alone.
'use strict';
const out = process.env.PHOENIX_BENCH_RSS_OUT;
if (out) {
  process.on('exit', () => {
    // "<maxRSS KiB> <CPU ms, user + system>": CPU time is what a loaded machine disturbs least.
    const usage = process.resourceUsage();
    require('node:fs').writeFileSync(out, `${usage.maxRSS} ${(usage.userCPUTime + usage.systemCPUTime) / 1000}`);
  });
}
