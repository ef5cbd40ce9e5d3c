#!/usr/bin/env node
// Load ./.env when present, with Node's own loader (variables already set win).
try {
  process.loadEnvFile('.env');
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
// Start-up (docs/performance.md): @oclif/core's index checks oclif's own Node range with semver
// (47 modules) and loads every export; `@oclif/core/execute` and this switch skip both. Node's
// version is checked by package.json engines, and execute() itself never needed the index.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const { execute } = require('@oclif/core/execute');
const { normalizeArgv } = require('../dist/argv');

execute({ dir: __dirname, args: normalizeArgv(process.argv.slice(2)) });
