// Preloaded into the CLI child with `node --require` by the bench: on exit, writes the peak
// resident set size (process.resourceUsage().maxRSS, in KiB) to the file named by
// PHOENIX_BENCH_RSS_OUT. Needs no /usr/bin/time and measures the child alone.
'use strict';
const out = process.env.PHOENIX_BENCH_RSS_OUT;
if (out) {
  process.on('exit', () => {
    require('node:fs').writeFileSync(out, String(process.resourceUsage().maxRSS));
  });
}
