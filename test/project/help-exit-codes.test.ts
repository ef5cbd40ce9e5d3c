import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EXIT_CODE_TABLE } from '../../src/errors';
import { REPO, runCli } from '../helpers/cli';

const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, unknown> };
const ids = Object.keys(manifest.commands).sort();

describe('every command’s --help ends with the exit-code table, from one place (EXIT_CODE_TABLE)', () => {
  it('finds the commands', () => {
    expect(ids.length).toBeGreaterThanOrEqual(14);
  });

  it.each(ids)('%s --help lists every exit code exactly once', async (id) => {
    const result = await runCli([...id.split(':'), '--help']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.match(/^\s*EXIT CODES$/gm)).toHaveLength(1);
    const table = result.stdout.slice(result.stdout.search(/^\s*EXIT CODES$/m));
    for (const [code, meaning] of EXIT_CODE_TABLE) {
      expect(table).toMatch(new RegExp(`^\\s*${code}  +${meaning.split(' ').slice(0, 3).join('\\s+').replace(/[()]/g, '\\$&')}`, 'm'));
    }
  });
});
