import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { didYouMean } from '../../src/hooks/command-not-found';
import { REPO, runCli } from '../helpers/cli';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const IDS = [
  'config:schema',
  'config:validate',
  'portainer:converge',
  'portainer:plan',
  'portainer:status',
  'portainer:environments',
  'portainer:promote',
  'portainer:token:set',
  'portainer:token:status',
  'secret:set',
  'secret:list',
  'help',
  'autocomplete',
];

describe('didYouMean: the nearest command, in the seed form phoenix portainer <vmid> <verb>', () => {
  it.each([
    [['portainer', '1002', 'convrge'], 'phoenix portainer 1002 converge'],
    [['portainer', 'convrge', '1002'], 'phoenix portainer 1002 converge'],
    [['portainr', '1002', 'plan'], 'phoenix portainer 1002 plan'],
    [['portainer', '1002', 'stauts', 'web'], 'phoenix portainer 1002 status'],
    [['portainer', '1002'], 'phoenix portainer 1002 <converge|plan|status>'],
    [['portainer', 'token', 'st'], 'phoenix portainer token set'],
    [['confg', 'validate'], 'phoenix config validate'],
    [['portainer', 'promte'], 'phoenix portainer promote'],
  ])('%j → %s', (words, expected) => {
    expect(didYouMean(words, IDS)).toBe(expected);
  });

  it('suggests nothing for a word that is no near miss', () => {
    expect(didYouMean(['frobnicate'], IDS)).toBeUndefined();
    expect(didYouMean([], IDS)).toBeUndefined();
  });
});

describe('a mistyped command (built CLI): did-you-mean, exit 64, no prompt, in every mode', () => {
  it('text: the suggestion on stderr in the seed form, nothing on stdout, exit 64, even with "y" on stdin', async () => {
    const result = await runCli(['portainer', '1002', 'convrge'], { input: 'y\n' });
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Error: phoenix has no command "portainer 1002 convrge".');
    expect(result.stderr).toContain('Did you mean: phoenix portainer 1002 converge');
    expect(result.stderr).not.toMatch(/not found|›/);
  });

  it('--json: one error envelope on stdout with the suggestion, nothing on stderr, exit 64', async () => {
    const result = await runCli(['portainer', '1002', 'convrge', 'web', '--json', '--yes']);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe('');
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ schemaVersion: 2, ok: false, exitCode: 64, error: { code: 'UNKNOWN_COMMAND', exitCode: 64, suggestion: 'phoenix portainer 1002 converge' } });
    expect(doc.error.hint).toContain('Did you mean: phoenix portainer 1002 converge');
  });

  it('--debug and other flags do not change it; the verb after the vmid also gets the seed form', async () => {
    const result = await runCli(['portainer', 'convrge', '1002', '--debug']);
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Did you mean: phoenix portainer 1002 converge');
  });

  it('a word that is no near miss: no guess, a pointer to --help, exit 64', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain('Did you mean');
    expect(result.stderr).toContain('See phoenix --help');
  });

  it('quotes, backslashes, newlines and a huge word are shown escaped and bounded, on one line', async () => {
    const word = `co"nv\\er\nge${'x'.repeat(5000)}`;
    const result = await runCli(['portainer', '1002', word]);
    expect(result.exitCode).toBe(64);
    const [first] = result.stderr.split('\n');
    expect(first).toBe(`Error: phoenix has no command ${JSON.stringify(`portainer 1002 ${word}`.slice(0, 120) + '…')}.`);
    expect(first.length).toBeLessThan(200);
  });
});

describe('oclif conventions: -v, -h, shell completion', () => {
  it('-v and --version print the version', async () => {
    for (const flag of ['-v', '--version']) {
      const result = await runCli([flag]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain(`${pkg.name}/${pkg.version}`); // oclif prints the package name
    }
  });

  it('-h works at the top and on a command in the seed syntax', async () => {
    const top = await runCli(['-h']);
    expect(top.exitCode).toBe(0);
    expect(top.stdout).toContain('USAGE');
    expect(top.stdout).toContain('portainer');
    const command = await runCli(['portainer', '1002', 'converge', '-h']);
    expect(command.exitCode).toBe(0);
    expect(command.stdout).toContain('phoenix portainer 1002');
  });

  it('autocomplete writes bash and zsh completion that name the commands', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const cache = mkdtempSync(join(tmpdir(), 'phoenix-ac-'));
    const result = await runCli(['autocomplete', 'create'], { env: { PHOENIX_CACHE_DIR: cache } });
    expect(result.exitCode).toBe(0);
    const bash = readFileSync(join(cache, 'autocomplete/functions/bash/phoenix.bash'), 'utf8');
    const zsh = readFileSync(join(cache, 'autocomplete/functions/zsh/_phoenix'), 'utf8');
    expect(bash).toContain('complete -F _phoenix_autocomplete phoenix');
    expect(bash).toContain('portainer:converge');
    expect(zsh.startsWith('#compdef phoenix')).toBe(true);
    expect(zsh).toContain('converge');
  });

  it('package.json registers the hook and no update-check or not-found plugin', () => {
    expect(pkg.oclif.hooks.command_not_found).toBe('./dist/hooks/command-not-found');
    expect(pkg.oclif.additionalHelpFlags).toEqual(['-h']);
    expect(pkg.oclif.additionalVersionFlags).toEqual(['-v']);
    expect(pkg.oclif.plugins).not.toContain('@oclif/plugin-warn-if-update-available');
    expect(pkg.oclif.plugins).not.toContain('@oclif/plugin-not-found');
  });
});
