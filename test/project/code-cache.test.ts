import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { baseEnv, REPO } from '../helpers/cli';

/**
 * The one-file bundle of the CLI (dist/phoenix.js) and its V8 code cache (dist/phoenix.cache),
 * both written by `npm run build` (scripts/bundle.js), loaded by dist/cli/code-cache.js. Each
 * check runs in a child process of its own: the loader sets V8 flags for the process.
 */
const LOADER = join(REPO, 'dist/cli/code-cache.js');

interface Loaded {
  fromCache: boolean;
  exports: Record<string, unknown>;
}

/** Compile `bundle` with `cache` in a fresh Node (with phoenix's flags unless `flags` is false). */
function load(bundle: string, cache: string | undefined, flags = true): Loaded {
  const script = `
    const c = require(${JSON.stringify(LOADER)});
    if (${flags}) c.setRuntimeFlags();
    const b = c.compileBundle(${JSON.stringify(bundle)}, ${JSON.stringify(cache)});
    const exp = b.module.exports;
    const out = exp.COMMANDS && typeof exp.COMMANDS === 'object' && !('value' in exp) ? { commands: Object.keys(exp.COMMANDS) } : exp;
    process.stdout.write(JSON.stringify({ fromCache: b.fromCache, exports: out }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as Loaded;
}

/** Write a cache for `bundle` the way scripts/bundle.js does (same flags, header, data). */
function writeCache(bundle: string, cache: string): void {
  const script = `
    const c = require(${JSON.stringify(LOADER)});
    c.setRuntimeFlags();
    const b = c.compileBundle(${JSON.stringify(bundle)}, undefined);
    require('node:fs').writeFileSync(${JSON.stringify(cache)}, Buffer.concat([Buffer.from(c.codeCacheHeader(b.source)), b.script.createCachedData()]), { mode: 0o644 });
  `;
  execFileSync(process.execPath, ['-e', script]);
}

function fixture(): { dir: string; bundle: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-code-cache-'));
  const bundle = join(dir, 'bundle.js');
  const cache = join(dir, 'bundle.cache');
  writeFileSync(bundle, 'exports.value = (function answer() { return 41 + 1; })();\n');
  writeCache(bundle, cache);
  chmodSync(cache, 0o644);
  return { dir, bundle, cache };
}

describe('the bundled CLI and its code cache', () => {
  it('npm run build writes both, and the build’s cache is used for every command of the manifest', () => {
    const loaded = load(join(REPO, 'dist/phoenix.js'), join(REPO, 'dist/phoenix.cache'));
    expect(loaded.fromCache).toBe(true);
    const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
    expect((loaded.exports.commands as string[]).sort()).toEqual(Object.keys(manifest.commands).sort());
  });

  it('@oclif/core runs from its bundle and cache, as the one copy every require of the package gets', () => {
    const script = `
      const c = require(${JSON.stringify(LOADER)});
      c.setRuntimeFlags();
      const oclif = c.useBundledOclif(${JSON.stringify(join(REPO, 'dist'))});
      const fromPackage = require(require.resolve('@oclif/core', { paths: [${JSON.stringify(REPO)}] }));
      process.stdout.write(JSON.stringify({ fromCache: oclif.fromCache, same: fromPackage === oclif.module.exports, execute: typeof fromPackage.execute }));
    `;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))).toEqual({ fromCache: true, same: true, execute: 'function' });
  });

  it('no import() is left in a bundle: code from a code cache has none that works on Node 20', () => {
    for (const file of ['dist/phoenix.js', 'dist/oclif.js']) expect(readFileSync(join(REPO, file), 'latin1')).not.toMatch(/\bimport\(/);
  });

  it('a fresh cache of the same text, flags and Node is used', () => {
    const { bundle, cache } = fixture();
    expect(load(bundle, cache)).toEqual({ fromCache: true, exports: { value: 42 } });
  });

  it('a cache made for another text of the same length is not used, and the text on disk is what runs', () => {
    const { bundle, cache } = fixture();
    writeFileSync(bundle, 'exports.value = (function answer() { return 41 + 2; })();\n');
    expect(load(bundle, cache)).toEqual({ fromCache: false, exports: { value: 43 } });
  });

  it('a cache that group or others may write is not read (a cache is code)', () => {
    const { bundle, cache } = fixture();
    chmodSync(cache, 0o664);
    expect(load(bundle, cache).fromCache).toBe(false);
    chmodSync(cache, 0o646);
    expect(load(bundle, cache).fromCache).toBe(false);
  });

  it('a symlink to a cache that others may write is not read either (the file read is the file checked)', () => {
    const { dir, bundle, cache } = fixture();
    chmodSync(cache, 0o666);
    const link = join(dir, 'link.cache');
    symlinkSync(cache, link);
    expect(load(bundle, link).fromCache).toBe(false);
  });

  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('a cache owned by another user than root or the one running is not read', () => {
    const { bundle, cache } = fixture();
    chownSync(cache, 65534, 65534);
    expect(load(bundle, cache).fromCache).toBe(false);
  });

  it('without a cache, with a truncated or foreign one, or under other V8 flags, the bundle runs from source', () => {
    const { dir, bundle, cache } = fixture();
    expect(load(bundle, join(dir, 'missing.cache'))).toEqual({ fromCache: false, exports: { value: 42 } });
    expect(load(bundle, cache, false)).toEqual({ fromCache: false, exports: { value: 42 } });
    const truncated = join(dir, 'truncated.cache');
    writeFileSync(truncated, readFileSync(cache).subarray(0, 120), { mode: 0o644 });
    expect(load(bundle, truncated)).toEqual({ fromCache: false, exports: { value: 42 } });
    const foreign = join(dir, 'foreign.cache');
    writeFileSync(foreign, 'not a cache\n', { mode: 0o644 });
    expect(load(bundle, foreign)).toEqual({ fromCache: false, exports: { value: 42 } });
    expect(load(bundle, dir)).toEqual({ fromCache: false, exports: { value: 42 } });
  });

  it('a build without the bundles (tsc alone) runs the same commands from dist/ file by file', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'phoenix-no-bundle-'));
    for (const entry of ['bin', 'dist', 'package.json', 'oclif.manifest.json']) cpSync(join(REPO, entry), join(tree, entry), { recursive: true });
    for (const file of ['phoenix.js', 'phoenix.cache', 'oclif.js', 'oclif.cache']) rmSync(join(tree, 'dist', file));
    symlinkSync(join(REPO, 'node_modules'), join(tree, 'node_modules'), 'dir');
    const args = ['config', 'validate', '--config', join(REPO, 'phoenix_vm_configs.json')];
    const run = (root: string) => {
      const child = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { cwd: REPO, env: baseEnv(), encoding: 'utf8' });
      return { stdout: child.stdout, stderr: child.stderr, exitCode: child.status };
    };
    const bundled = run(REPO);
    expect(bundled.exitCode).toBe(0);
    expect(bundled.stdout).toContain('is valid');
    expect(run(tree)).toEqual(bundled);
  });
});
