import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { ZodType } from 'zod';

import { commandJsonSchema, errorJsonSchema, schemaFileName } from '../../src/cli/json-envelope';
import { ERROR_CODES } from '../../src/errors';
import { REPO } from '../helpers/cli';

const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
const ids = Object.keys(manifest.commands).sort();

/** The command classes, from the source (what the type-checker sees). */
function commandClass(id: string): { enableJsonFlag?: boolean; result?: ZodType } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(REPO, 'src/commands', ...id.split(':'))).default;
}

const jsonIds = ids.filter((id) => commandClass(id).enableJsonFlag !== false);

/** Commands that do not declare `static result`: none (every --json command has its schema). */
const PENDING_RESULT: string[] = [];

describe('the --json contract: one schema per command, shipped in schemas/', () => {
  it('every --json command declares `static result` (a zod schema of what run() returns)', () => {
    const found = jsonIds.map((id) => ({ id, result: commandClass(id).result !== undefined }));
    const missing = found.filter((c) => !c.result).map((c) => c.id);
    expect({ missing }).toEqual({ missing: PENDING_RESULT });
    expect(found.filter((c) => c.result).length).toBeGreaterThanOrEqual(10);
  });

  it('config schema is the one command without --json: its output is a JSON Schema, not an envelope', () => {
    expect(ids.filter((id) => !jsonIds.includes(id))).toEqual(['config:schema']);
  });

  it('schemas/*.json are what the code generates (run npm run schemas), and nothing else is there', () => {
    const expected: Record<string, unknown> = { 'error.json': errorJsonSchema() };
    for (const id of jsonIds) {
      const result = commandClass(id).result;
      if (result) expected[schemaFileName(id)] = commandJsonSchema(id, result);
    }
    const dir = join(REPO, 'schemas');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(files).toEqual(Object.keys(expected).sort());
    for (const file of files) expect({ file, schema: JSON.parse(readFileSync(join(dir, file), 'utf8')) }).toEqual({ file, schema: JSON.parse(JSON.stringify(expected[file])) });
  });

  it('schemas/error.json names every error code, each once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    const schema = JSON.parse(readFileSync(join(REPO, 'schemas/error.json'), 'utf8'));
    expect(schema.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
  });
});
