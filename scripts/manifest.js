// Writes oclif.manifest.json from the built commands, so `phoenix --help` and command lookup
// read one JSON file instead of requiring every command. Uses @oclif/core's own Plugin loader
// (what `oclif manifest` does) because the oclif CLI package needs Node 22.
const { Plugin } = require('@oclif/core');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

(async () => {
  const root = join(__dirname, '..');
  const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, isRoot: true });
  await plugin.load();
  // oclif copies every static property of a command into its entry, among them `result`, the
  // zod schema of the --json result (src/cli/base-command.ts): serialised, 90 % of the file,
  // and nothing reads it there (npm run schemas reads the classes). Every run of phoenix parses
  // this file: without `result`, and compact, it is 40 KB instead of 420 KB (docs/performance.md).
  for (const command of Object.values(plugin.manifest.commands)) delete command.result;
  writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest)}\n`);
  console.error(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
