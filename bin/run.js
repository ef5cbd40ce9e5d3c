#!/usr/bin/env node
// V8 flags phoenix runs with (why: src/cli/code-cache.ts), before anything is compiled.
require('../dist/cli/code-cache').setRuntimeFlags();
// Load ./.env when present and safe (a regular file, owned by root or you, writable by no one
// else; variables already set win); refuse to start (77) otherwise. See src/secrets/dotenv.ts.
require('../dist/cli/startup').loadDotEnvOrExit(process.argv.slice(2));
// Start-up (docs/performance.md): @oclif/core's index checks oclif's own Node range with semver
// (47 modules) and loads every export; `@oclif/core/execute` and this switch skip both. Node's
// version is checked by package.json engines, and execute() itself never needed the index.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const { execute } = require('@oclif/core/execute');
const { normalizeArgv } = require('../dist/cli/argv');

execute({ dir: __dirname, args: normalizeArgv(process.argv.slice(2)) });
