#!/usr/bin/env node
// Load ./.env when present, with Node's own loader (variables already set win).
try {
  process.loadEnvFile('.env');
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
const { execute } = require('@oclif/core');
const { normalizeArgv } = require('../dist/argv');

execute({ dir: __dirname, args: normalizeArgv(process.argv.slice(2)) });
