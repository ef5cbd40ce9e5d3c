#!/usr/bin/env node
// Development entry: like run.js, with oclif's development mode (full stack traces, no manifest).
const { execute } = require('@oclif/core');
const { normalizeArgv } = require('../dist/argv');

execute({ development: true, dir: __dirname, args: normalizeArgv(process.argv.slice(2)) });
