// Bundles the built CLI (dist/, the output of tsc) into one file, dist/phoenix.js, and writes the
// V8 code cache of that file, dist/phoenix.cache, so that a run of phoenix reads and compiles
// one file from a ready cache instead of resolving, reading and compiling some 400 modules
// (docs/performance.md, "Start-up"). npm run build and prepack run it after tsc.
//
// - dist/phoenix.js exports COMMANDS (the explicit command list of package.json `oclif.commands`)
//   with one lazy getter per command: oclif reads the one it runs, so only that command's
//   modules are evaluated (esbuild keeps each CommonJS module behind its own lazy wrapper).
//   @oclif/core stays outside (its plugins load it from node_modules and must see the same
//   copy), and so does the optional native @github/keytar.
// - dist/phoenix.cache: a header line `phoenix-code-cache 1 <sha256 of phoenix.js> <node version>`
//   then V8's cached data, produced in a fresh Node process after every command module was
//   evaluated once. bin/run.js uses it only when the hash and version match (src/cli/code-cache.ts);
//   V8 rejects it by itself under other flags. It ships read-only with the package: nothing is
//   written at run time.
'use strict';
const { execFileSync } = require('node:child_process');
const { readdirSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { Buffer } = require('node:buffer');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const BUNDLE = join(dist, 'phoenix.js');
const CACHE = join(dist, 'phoenix.cache');

function commandFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return commandFiles(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

/** The entry: every command of dist/commands behind a getter (oclif's ids: folders joined by `:`). */
function entry() {
  const commands = commandFiles(join(dist, 'commands')).sort();
  const lines = commands.map((file) => {
    const rel = relative(dist, file).split('\\').join('/');
    const id = rel
      .replace(/^commands\//, '')
      .replace(/\.js$/, '')
      .split('/')
      .join(':');
    return `  get ${JSON.stringify(id)}() { return require(${JSON.stringify(`./${rel}`)}).default; },`;
  });
  return `exports.COMMANDS = {\n${lines.join('\n')}\n};\n`;
}

function bundle() {
  const esbuild = require('esbuild');
  esbuild.buildSync({
    stdin: { contents: entry(), resolveDir: dist, sourcefile: 'phoenix-entry.js', loader: 'js' },
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@oclif/core', '@github/keytar'],
    // jsonc-parser's `main` is a UMD build whose inner require()s esbuild cannot follow; its
    // `module` build is plain ESM. Packages with an `exports` map are resolved by it, not by this.
    mainFields: ['module', 'main'],
    // Whitespace and syntax only: names stay readable in the stack of an internal error (exit 70).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    charset: 'ascii',
    logLevel: 'warning',
  });
}

/**
 * Runs in a fresh process: compile, evaluate every command module once, then run
 * `config validate` of the repository's example config in-process (its output discarded), so
 * that the functions every run needs (config and compose parsing, the schema checks) are in the
 * cache too: V8 caches only what was compiled, and compiles a function on its first call.
 */
async function produceCache() {
  const { codeCacheHeader, compileBundle, setRuntimeFlags } = require(join(dist, 'cli', 'code-cache.js'));
  setRuntimeFlags();
  const { module, script, source } = compileBundle(BUNDLE, undefined);
  const { COMMANDS } = module.exports;
  for (const id of Object.keys(COMMANDS)) void COMMANDS[id];
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    await COMMANDS['config:validate'].run(['--config', join(root, 'phoenix_vm_configs.json')], root);
  } finally {
    process.stdout.write = write;
  }
  if (process.exitCode) throw new Error(`config validate of phoenix_vm_configs.json exited ${process.exitCode} while warming the code cache`);
  writeFileSync(CACHE, Buffer.concat([Buffer.from(codeCacheHeader(source)), script.createCachedData()]), { mode: 0o644 });
}

if (process.argv.includes('--cache')) {
  produceCache().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  bundle();
  execFileSync(process.execPath, [join(__dirname, 'bundle.js'), '--cache'], { stdio: 'inherit' });
  console.error(`${relative(root, BUNDLE)}, ${relative(root, CACHE)}: bundle and code cache written`);
}
