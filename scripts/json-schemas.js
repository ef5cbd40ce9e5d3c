// Writes schemas/<command-id>.json (the JSON Schema of each command's `--json` envelope, its
// `result` from the command's `static result` zod schema) and schemas/error.json, from the built
// code. Run by `npm run schemas`; test/project/json-schemas.test.ts fails while a shipped file is stale.
const { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const { commandJsonSchema, errorJsonSchema, schemaFileName } = require(join(root, 'dist/cli/json-envelope.js'));

const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'));
const dir = join(root, 'schemas');
mkdirSync(dir, { recursive: true });
for (const file of readdirSync(dir)) if (file.endsWith('.json')) rmSync(join(dir, file));
const write = (file, schema) => writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);

const missing = [];
let written = 0;
for (const id of Object.keys(manifest.commands).sort()) {
  const command = require(join(root, 'dist/commands', ...id.split(':'))).default;
  if (command.enableJsonFlag === false) continue;
  if (!command.result) {
    missing.push(id);
    continue;
  }
  write(schemaFileName(id), commandJsonSchema(id, command.result));
  written += 1;
}
write('error.json', errorJsonSchema());
console.error(`schemas/: ${written} command schemas and error.json${missing.length > 0 ? `; no static result (not written): ${missing.join(', ')}` : ''}`);
