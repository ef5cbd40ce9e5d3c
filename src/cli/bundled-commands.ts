import { join } from 'node:path';

import type { Command } from '@oclif/core';

import { compileBundle } from './code-cache';

/**
 * The command list oclif reads (package.json `oclif.commands`, strategy `explicit`): the
 * commands of dist/phoenix.js, the one-file bundle of the built CLI, compiled from its code
 * cache (src/cli/code-cache.ts; scripts/bundle.js writes both at build time). oclif requires
 * this file only to run a command, never for `--help` (that reads oclif.manifest.json), and reads
 * only the command it runs: each getter evaluates that command's modules alone.
 */
const dist = join(__dirname, '..');
const bundle = compileBundle(join(dist, 'phoenix.js'), join(dist, 'phoenix.cache'));

export const COMMANDS = (bundle.module.exports as { COMMANDS: Record<string, Command.Class> }).COMMANDS;
