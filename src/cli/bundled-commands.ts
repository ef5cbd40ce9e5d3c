import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

import type { Command } from '@oclif/core';

import { compileBundle } from './code-cache';

/**
 * The command list oclif reads (package.json `oclif.commands`, strategy `explicit`): the
 * commands of dist/phoenix.js, the one-file bundle of the built CLI, compiled from its code
 * cache (src/cli/code-cache.ts; scripts/bundle.js writes both at build time). oclif requires
 * this file only to run a command, never for `--help` (that reads oclif.manifest.json), and reads
 * only the command it runs: each getter evaluates that command's modules alone.
 */
type Commands = Record<string, Command.Class>;

const dist = join(__dirname, '..');
const bundleFile = join(dist, 'phoenix.js');

/** Without a bundle (a tree built by tsc alone): the same list from dist/commands, file by file. */
function fromCommandFiles(dir = join(dist, 'commands')): Commands {
  const commands: Commands = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.defineProperties(commands, Object.getOwnPropertyDescriptors(fromCommandFiles(path)));
    else if (entry.name.endsWith('.js')) {
      const id = relative(join(dist, 'commands'), path).replace(/\.js$/, '').split(sep).join(':');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      Object.defineProperty(commands, id, { enumerable: true, get: () => (require(path) as { default: Command.Class }).default });
    }
  }
  return commands;
}

export const COMMANDS: Commands = existsSync(bundleFile) ? (compileBundle(bundleFile, join(dist, 'phoenix.cache')).module.exports as { COMMANDS: Commands }).COMMANDS : fromCommandFiles();
