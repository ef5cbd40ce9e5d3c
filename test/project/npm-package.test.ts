import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO } from '../helpers/cli';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

/**
 * What `npm pack` puts in the tarball, from the dist/ already built (--ignore-scripts: prepack
 * would rebuild dist/ under the feet of the CLI tests running beside this one). The real pack,
 * with prepack, is installed and run by test/project/packages.test.ts.
 */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [report] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return report.files.map((file) => file.path).sort();
}

describe('the npm package ships the CLI only', () => {
  const files = packedFiles();

  it('has the CLI: bin/run.js, the commands, the hook, the manifest and the schema', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/run.js',
        'dist/cli/argv.js',
        'dist/hooks/command-not-found.js',
        'dist/commands/portainer/converge.js',
        'oclif.manifest.json',
        'package.json',
        'phoenix_vm_configs.schema.json',
      ]),
    );
  });

  it('has no simulator, demo, tests, sources, bench, dev launcher or source maps', () => {
    const unwanted = files.filter((file) => /^(dist\/(simulator|demo)\/|simulator\/|test\/|src\/|bench\/|scripts\/|packaging\/|\.ci\/)|\.map$|^bin\/dev\.js$|\.ts$/.test(file));
    expect(unwanted).toEqual([]);
  });

  it('no shipped file loads the simulator, the demo or node-forge (a devDependency the simulator alone needs)', () => {
    const shipped = files.filter((file) => file.endsWith('.js'));
    expect(shipped.length).toBeGreaterThan(50);
    const loaders = shipped.filter((file) => /require\("[^"]*(simulator|demo|node-forge)[^"]*"\)/.test(readFileSync(join(REPO, file), 'utf8')));
    expect(loaders).toEqual([]);
  });

  it('is publishable under a name of its own, with a pinned install tree for npm install -g', () => {
    expect(pkg.name).toBe('phoenix-portainer');
    expect(pkg.private).toBeUndefined();
    expect(pkg.main).toBeUndefined();
    expect(pkg.bin).toEqual({ phoenix: './bin/run.js' });
    for (const field of ['license', 'author', 'repository', 'keywords', 'description']) expect(pkg[field]).toBeTruthy();
    // npm install -g ignores package-lock.json: prepack copies it to npm-shrinkwrap.json, which files ships.
    expect(pkg.files).toContain('npm-shrinkwrap.json');
    expect(pkg.scripts.prepack).toContain('cp package-lock.json npm-shrinkwrap.json');
    expect(pkg.scripts.prepack).toContain('--sourceMap false');
  });

  it('the README says how to install it on a Proxmox host and how to run it in CI', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    for (const text of [
      '## Install on a Proxmox host',
      'apt install ./phoenix_',
      'phoenix portainer token set --store file',
      'systemctl enable --now phoenix-drift.timer',
      '/usr/local/phoenix_hypervisor/etc/phoenix_vm_configs.json',
      '## Run phoenix in CI',
      `npm install -g ${pkg.name}`,
      'PORTAINER_API_KEY',
    ]) {
      expect(readme).toContain(text);
    }
  });
});
