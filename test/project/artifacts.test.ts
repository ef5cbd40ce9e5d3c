import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

import { configJsonSchema } from '../../src/config';
import { EXIT_CODE_TABLE } from '../../src/errors';
import { REPO, runCli } from '../helpers/cli';

/** Every file under dir, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('generated and documented artifacts stay true', () => {
  it('phoenix_vm_configs.schema.json is what the validation code generates (run npm run schema)', () => {
    const shipped = JSON.parse(readFileSync(join(REPO, 'phoenix_vm_configs.schema.json'), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it('oclif.manifest.json lists exactly the built commands, at this version', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8'));
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    const built = files(join(REPO, 'dist/commands'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => relative(join(REPO, 'dist/commands'), f).replace(/\.js$/, '').split('/').join(':'))
      .sort();
    expect(Object.keys(manifest.commands).sort()).toEqual(built);
    expect(manifest.version).toBe(pkg.version);
  });

  it('oclif.manifest.json carries no zod result schemas (every run parses it: start-up, docs/performance.md)', () => {
    const text = readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8');
    const manifest = JSON.parse(text) as { commands: Record<string, Record<string, unknown>> };
    expect(
      Object.entries(manifest.commands)
        .filter(([, command]) => 'result' in command)
        .map(([id]) => id),
    ).toEqual([]);
    expect(text.length).toBeLessThan(100_000);
  });

  it('every command’s manifest entry has the global flags (--json, --config, --verbose, --debug)', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8'));
    for (const [id, command] of Object.entries<{ flags: Record<string, unknown> }>(manifest.commands)) {
      const wanted = id === 'config:schema' ? ['config', 'verbose', 'debug'] : ['json', 'config', 'verbose', 'debug'];
      expect({ id, missing: wanted.filter((flag) => !(flag in command.flags)) }).toEqual({ id, missing: [] });
    }
  });

  it('.env.example documents every environment variable of README.md#configuration', () => {
    const example = readFileSync(join(REPO, '.env.example'), 'utf8');
    for (const name of ['PHOENIX_CONFIG', 'PORTAINER_URL', 'PORTAINER_API_KEY', 'PHOENIX_TOKEN_FILE', 'PHOENIX_CA_FILE', 'PHOENIX_SECRETS_DIR']) {
      expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    }
  });

  it('nothing the build or the tests read lies outside the repository (a clone has nothing beside it)', () => {
    const roots = ['src', 'test', 'bench', 'scripts', 'bin', '.ci'].map((dir) => join(REPO, dir));
    const readers = roots
      .flatMap(files)
      .filter((f) => /\.(ts|js|mjs|cjs|sh)$/.test(f) || f.endsWith('/run'))
      .filter((f) => /\.\.\/shared\b|['"`]shared\/portainer-api/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(REPO, f));
    expect(readers).toEqual([]);
  });

  it('no code comment cites a file a clone does not have (SPEC, REFERENCE, STYLE, STACK-NOTES): they cite docs/ or upstream', () => {
    const roots = ['src', 'test', 'bench', 'scripts', 'simulator/src'].map((dir) => join(REPO, dir));
    const citing = roots
      .flatMap(files)
      .filter((f) => /\.(ts|js|jsonc)$/.test(f) && !f.endsWith('validate.js') && !f.endsWith('artifacts.test.ts') && !f.endsWith('swagger-drift.test.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ at: `${relative(REPO, f)}:${i + 1}`, line }))
          .filter(({ line }) => /\bSPEC( section|\.md)|REFERENCE(\.md| §)|STYLE\.md|STACK-NOTES/.test(line)),
      )
      .map(({ at }) => at);
    expect(citing).toEqual([]);
  });

  it('the README exit-code table is the one the code uses', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    for (const [code, meaning] of EXIT_CODE_TABLE) expect(readme).toContain(`| ${code} | ${meaning} |`);
    expect(readme.startsWith('# phoenix')).toBe(true);
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
  });

  it.each([
    ['portainer', '1002', 'converge'],
    ['portainer', 'plan'],
    ['portainer', '1002', 'status'],
    ['portainer', 'promote'],
    ['portainer', 'token', 'set'],
    ['secret', 'set'],
    ['config', 'validate'],
  ])('%s %s --help shows examples and the exit codes', async (...words) => {
    const result = await runCli([...words, '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('EXAMPLES');
    for (const [code] of EXIT_CODE_TABLE) expect(result.stdout).toMatch(new RegExp(`^\\s*${code}  `, 'm'));
    if (words[1] === '1002') expect(result.stdout).toContain('phoenix portainer 1002');
  });
});
