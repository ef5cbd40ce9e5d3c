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
const { readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { Buffer } = require('node:buffer');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
const BUNDLE = join(dist, 'phoenix.js');
const CACHE = join(dist, 'phoenix.cache');
const OCLIF = join(dist, 'oclif.js');
const OCLIF_CACHE = join(dist, 'oclif.cache');

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

const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Whitespace and syntax only: names stay readable in the stack of an internal error (exit 70).
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  charset: 'ascii',
  logLevel: 'warning',
};

async function bundle() {
  const esbuild = require('esbuild');
  await esbuild.build({
    ...COMMON,
    stdin: { contents: entry(), resolveDir: dist, sourcefile: 'phoenix-entry.js', loader: 'js' },
    outfile: BUNDLE,
    // undici only serves a private CA or --insecure (src/portainer/transport.ts loads it then):
    // left as the package, so a plain run never evaluates it and a test can see when it is loaded.
    external: ['@oclif/core', '@github/keytar', 'undici'],
    plugins: [sharedWithBin],
    // jsonc-parser's `main` is a UMD build whose inner require()s esbuild cannot follow; its
    // `module` build is plain ESM. Packages with an `exports` map are resolved by it, not by this.
    mainFields: ['module', 'main'],
  });
  // @oclif/core as one file, used by bin/run.js in place of the package (src/cli/code-cache.ts).
  // TypeScript and ts-node are what oclif loads in development mode only: left out (6 MB).
  await esbuild.build({
    ...COMMON,
    entryPoints: [require.resolve('@oclif/core')],
    outfile: OCLIF,
    external: ['typescript', 'ts-node'],
    plugins: [importThroughLoader],
    banner: { js: 'var __phoenixImportModule = (specifier) => require("./cli/code-cache.js").importModule(specifier);' },
  });
  for (const file of [BUNDLE, OCLIF]) {
    if (/\bimport\(/.test(readFileSync(file, 'latin1'))) throw new Error(`${relative(root, file)} still has an import(): route it through importModule (see importThroughLoader)`);
  }
}

/**
 * Modules of dist/ that bin/run.js loads itself before any command and that keep state the
 * commands read: the bundle requires these very files (one instance) instead of a copy of its
 * own. dist/secrets/dotenv.js remembers which variables ./.env set ("set by .env" in token
 * status).
 */
const SHARED_WITH_BIN = ['secrets/dotenv.js'];
const sharedWithBin = {
  name: 'shared-with-bin',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) => {
      const resolved = relative(dist, join(args.resolveDir, args.path.endsWith('.js') ? args.path : `${args.path}.js`))
        .split('\\')
        .join('/');
      return SHARED_WITH_BIN.includes(resolved) ? { path: `./${resolved}`, external: true } : undefined;
    });
  },
};

/**
 * oclif imports its ESM plugins' commands and hooks with import() (and lilconfig and its
 * development-mode TypeScript loader have one each). Code compiled with vm.Script from a code
 * cache has no working import() on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING, measured),
 * so each calls importModule of dist/cli/code-cache.js instead, a module Node loads itself. The
 * build fails when an import() is left in a bundle.
 */
const importThroughLoader = {
  name: 'import-through-loader',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      // import('a-package') of a literal esbuild bundles by itself; only computed ones remain.
      const computed = /\bimport\((?!\s*['"])/g;
      if (!computed.test(text)) return undefined;
      return { contents: text.replace(computed, '__phoenixImportModule('), loader: 'js' };
    });
  },
};

/**
 * Runs in a fresh process: compile, evaluate every command module once, then run
 * `config validate` of the repository's example config and `--help` in-process (output discarded), so
 * that the functions every run needs (config and compose parsing, the schema checks) are in the
 * cache too: V8 caches only what was compiled, and compiles a function on its first call.
 */
async function produceCache() {
  const { codeCacheHeader, compileBundle, setRuntimeFlags, useBundledOclif } = require(join(dist, 'cli', 'code-cache.js'));
  setRuntimeFlags();
  const oclif = useBundledOclif(dist, false);
  const phoenix = compileBundle(BUNDLE, undefined);
  const { COMMANDS } = phoenix.module.exports;
  for (const id of Object.keys(COMMANDS)) void COMMANDS[id];
  const write = process.stdout.write;
  process.stdout.write = () => true;
  try {
    await COMMANDS['config:validate'].run(['--config', join(root, 'phoenix_vm_configs.json')], root);
    await oclif.module.exports.execute({ dir: join(root, 'bin'), args: ['--help'] });
  } finally {
    process.stdout.write = write;
  }
  if (process.exitCode) throw new Error(`config validate of phoenix_vm_configs.json exited ${process.exitCode} while warming the code cache`);
  for (const [file, compiled] of [
    [CACHE, phoenix],
    [OCLIF_CACHE, oclif],
  ]) {
    writeFileSync(file, Buffer.concat([Buffer.from(codeCacheHeader(compiled.source)), compiled.script.createCachedData()]), { mode: 0o644 });
  }
}

if (process.argv.includes('--cache')) {
  produceCache().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  bundle()
    .then(() => {
      execFileSync(process.execPath, [join(__dirname, 'bundle.js'), '--cache'], { stdio: 'inherit' });
      console.error(`${[BUNDLE, CACHE, OCLIF, OCLIF_CACHE].map((f) => relative(root, f)).join(', ')}: bundles and code caches written`);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
