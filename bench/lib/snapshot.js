// The working tree is shared: another engineer's `npm run build` runs `rm -rf dist` at any time.
// The bench therefore runs a private copy of the build (bin, dist, simulator/dist, package.json, manifest) with
// node_modules symlinked, taken once right after `npm run build`.
'use strict';
const { cpSync, existsSync, mkdtempSync, symlinkSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

function snapshotBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-bench-build-'));
  for (const entry of ['bin', 'dist', 'simulator/dist', 'package.json', 'oclif.manifest.json']) {
    const from = join(ROOT, entry);
    if (!existsSync(from)) {
      if (entry === 'oclif.manifest.json') continue; // measured as it is: start-up without manifest
      throw new Error(`bench: ${from} is missing; run \`npm run build\` (or another build removed it meanwhile: run again)`);
    }
    cpSync(from, join(dir, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

module.exports = { snapshotBuild, ROOT };
