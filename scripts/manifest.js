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
  writeFileSync(join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
  console.error(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
