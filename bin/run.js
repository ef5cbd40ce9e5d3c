#!/usr/bin/env node
// Start-up (docs/performance.md): V8 flags phoenix runs with, before anything is compiled, and
// @oclif/core from its one-file bundle and code cache (both: src/cli/code-cache.ts).
const codeCache = require('../dist/cli/code-cache');
codeCache.setRuntimeFlags();
// @oclif/core's index checks oclif's own Node range with semver; Node's version is checked by
// package.json engines.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const oclif = codeCache.useBundledOclif(require('node:path').join(__dirname, '..', 'dist'));
// Load ./.env when present and safe (a regular file, owned by root or you, writable by no one
// else; variables already set win); refuse to start (77) otherwise. See src/secrets/dotenv.ts.
require('../dist/cli/startup').loadDotEnvOrExit(process.argv.slice(2));
// Without the bundle: `@oclif/core/execute` loads 60 fewer modules than the package's index.
const { execute } = oclif ? oclif.module.exports : require('@oclif/core/execute');
const { normalizeArgv } = require('../dist/cli/argv');

execute({ dir: __dirname, args: normalizeArgv(process.argv.slice(2)) });
