import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/**
 * Start-up (docs/performance.md, "Start-up"): the bundled CLI, dist/phoenix.js, is compiled
 * from V8's cache of compiled code, dist/phoenix.cache, written at build time by
 * scripts/bundle.js and shipped read-only with the package (Node 20 has no
 * `module.enableCompileCache`, and a cache written at run time would need a directory no other
 * user can plant files in; phoenix runs as root on the hypervisor). Nothing here ever writes.
 *
 * The cache is used only when all of these hold, else the bundle compiles from source (slower,
 * same behaviour):
 * - its header names the SHA-256 of exactly this bundle's text and this Node version (V8 itself
 *   checks little more than the text's length);
 * - it is a regular file owned by root or by the running user that neither group nor others may
 *   write (the rule of ./.env): a cache is code, and one someone else could write is not read;
 * - V8 accepts it (same V8 version and flags; `script.cachedDataRejected` otherwise).
 */
const MAGIC = 'phoenix-code-cache 1';

/**
 * V8 flags phoenix sets for itself, first thing in bin/run.js and in the process that writes the
 * cache (V8 rejects a cache made under other flags). `--liftoff-only`: the HTTP parser of
 * undici (Node's fetch, and the undici package) is WebAssembly, and V8's optimising compiler
 * re-compiling it in the background was measured at about 35 MiB of peak memory on every run
 * that sends a request (a 3-stack plan peaked at 120 MiB with it, 85 MiB without); the baseline
 * compiler's code parses a few hundred response headers no slower that anyone could measure.
 * The flag is read when WebAssembly is compiled, so setting it at run time takes effect.
 * `--semi-space-growth-factor=1`: the young generation stays at its first size instead of
 * doubling while the config checks and the reads allocate; measured here, a 4-stack plan peaked
 * at 78.5 MiB with it against 83.5 MiB without (`node -e 0`: 40 MiB), the no-op converge of
 * 1,000 stacks at about 122 against 145 MiB, for some 10 % more CPU at 1,000 stacks
 * (docs/performance.md). `--optimize-for-size`: V8 favours memory over speed in its heuristics;
 * in one bench run each way (docs/performance.md) the no-op converge of 1,000 stacks peaked at
 * 100 MiB against 126 and the plan at 71.6 against 74.6, with start-up ratios to `node -e 0`
 * unchanged (plan 3.34x against 3.44x) and the 1,000-stack converge about 10 % slower.
 */
export const RUNTIME_V8_FLAGS = ['--liftoff-only', '--semi-space-growth-factor=1', '--optimize-for-size'] as const;

export function setRuntimeFlags(): void {
  for (const flag of RUNTIME_V8_FLAGS) setFlagsFromString(flag);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'latin1').digest('hex');
}

/** The first line of a cache file: what it was made from. */
export function codeCacheHeader(source: string): string {
  return `${MAGIC} ${sha256(source)} ${process.version}\n`;
}

/** The cache's data when it may be used for `source` (see above), else undefined. */
export function readCodeCache(cacheFile: string, source: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(cacheFile, 'r');
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    const uid = process.getuid?.();
    if (!info.isFile() || (info.uid !== 0 && info.uid !== uid) || (info.mode & 0o022) !== 0) return undefined;
    const data = readFileSync(fd);
    const newline = data.indexOf(0x0a);
    if (newline === -1 || data.toString('latin1', 0, newline + 1) !== codeCacheHeader(source)) return undefined;
    return data.subarray(newline + 1);
  } finally {
    closeSync(fd);
  }
}

export interface CompiledBundle {
  module: Module;
  script: Script;
  source: string;
  /** Whether compiled code came from the cache (false: none usable, or V8 rejected it). */
  fromCache: boolean;
}

/**
 * Compile and evaluate the bundle `file` as a CommonJS module, from `cacheFile` when that may be
 * used (see above). The module is registered in require's cache, so oclif's own `require(file)`
 * of the command list gets this module, not a second copy.
 */
export function compileBundle(file: string, cacheFile: string | undefined): CompiledBundle {
  // The bundle is ASCII (esbuild `charset: 'ascii'`): latin1 reads it byte for byte, fastest.
  const source = readFileSync(file, 'latin1');
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile, source);
  const script = new Script(Module.wrap(source), {
    filename: file,
    cachedData,
  });
  const module = new Module(file);
  module.filename = file;
  require.cache[file] = module;
  try {
    const wrapper = script.runInThisContext() as (exports: unknown, req: NodeJS.Require, mod: Module, filename: string, dir: string) => void;
    wrapper.call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  module.loaded = true;
  return { module, script, source, fromCache: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * bin/run.js: dist/oclif.js, the one-file bundle of @oclif/core, compiled from dist/oclif.cache,
 * becomes *the* @oclif/core of the process: it is registered in require's cache under the
 * package's own entry file, so phoenix's bundle, the help class, the hook and oclif's plugins
 * (which `import '@oclif/core'`) all get this one copy. Undefined when the build has no such
 * bundle (bin/run.js then requires the package). `withCache` false: compile from source (the
 * process that writes the cache).
 */
export function useBundledOclif(dist: string, withCache = true): CompiledBundle | undefined {
  const file = join(dist, 'oclif.js');
  if (!existsSync(file)) return undefined;
  const compiled = compileBundle(file, withCache ? join(dist, 'oclif.cache') : undefined);
  require.cache[require.resolve('@oclif/core')] = compiled.module;
  return compiled;
}

/**
 * import() for the bundles: code compiled by vm.Script (above) has none that works from a code
 * cache on Node 20, so scripts/bundle.js makes oclif's module loader call this one, compiled by
 * Node itself (TypeScript keeps `import()` as it is in a CommonJS module under node16).
 */
export function importModule(specifier: string): Promise<unknown> {
  return import(specifier);
}
