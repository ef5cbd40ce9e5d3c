import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { REPO, writeConfig } from '../helpers/cli';

/**
 * The artefacts of `npm run package` (dist-pkg/), checked as an operator would use them: the
 * .deb extracted into a temporary root and run with an empty environment whose PATH has no
 * node, the standalone tarball likewise, and the npm tarball installed with npm install -g.
 * CI builds them first and sets PHOENIX_TEST_PACKAGES=required; elsewhere the suite runs only
 * when dist-pkg/ holds them (run npm run package).
 */
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const OUT = join(REPO, 'dist-pkg');
const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
const DEB = join(OUT, `phoenix_${pkg.version.replace(/-/g, '~')}_${arch}.deb`);
const TARBALL = join(OUT, `phoenix-${pkg.version}-linux-${process.arch}.tar.gz`);
const NPM_TGZ = join(OUT, `phoenix-portainer-${pkg.version}.tgz`);
const REQUIRED = process.env.PHOENIX_TEST_PACKAGES === 'required';
const present = [DEB, TARBALL, NPM_TGZ].every((file) => existsSync(file));
if (!present && !REQUIRED) console.warn('package tests skipped: no artefacts in dist-pkg/ (run npm run package; CI sets PHOENIX_TEST_PACKAGES=required).');
const suite = present || REQUIRED ? describe : describe.skip;
const TOKEN = 'ptr_simulatortoken';

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Run a program with exactly `env` (env -i): no inherited PATH, HOME or NODE_OPTIONS. */
function run(program: string, args: string[], env: Record<string, string>, cwd?: string): Promise<Run> {
  const child = spawn(program, args, { env, cwd: cwd ?? tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ stdout, stderr, exitCode: code ?? -1 })));
}

suite('the packages that npm run package builds', () => {
  const work = mkdtempSync(join(tmpdir(), 'phoenix-pkg-'));
  const root = join(work, 'root');
  // A PATH with readlink only (the launcher resolves symlinks with it) and no node anywhere.
  const tools = join(work, 'tools');
  const bare = (extra: Record<string, string> = {}) => ({ PATH: tools, HOME: work, NO_COLOR: '1', PHOENIX_LOCK_DIR: join(work, 'locks'), ...extra });
  let sim: Simulator;
  let phoenix: string;

  beforeAll(async () => {
    expect({ missing: [DEB, TARBALL, NPM_TGZ].filter((file) => !existsSync(file)) }).toEqual({ missing: [] });
    mkdirSync(tools);
    symlinkSync(execFileSync('sh', ['-c', 'command -v readlink'], { encoding: 'utf8' }).trim(), join(tools, 'readlink'));
    execFileSync('dpkg-deb', ['-x', DEB, root]);
    phoenix = join(root, 'usr/lib/phoenix/bin/phoenix');
    sim = await startSimulator({ endpoints: [{ id: 3, name: 'drphoenix', type: 2 }] });
  }, 120_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it('the control file names package, version, architecture, maintainer, dependencies and a description', () => {
    const field = (name: string) => execFileSync('dpkg-deb', ['-f', DEB, name], { encoding: 'utf8' }).trim();
    expect(field('Package')).toBe('phoenix');
    expect(field('Version')).toBe(pkg.version.replace(/-/g, '~'));
    expect(field('Architecture')).toBe(arch);
    expect(field('Maintainer')).toBe(pkg.author);
    expect(field('Depends')).toContain('libc6');
    expect(field('Recommends')).toContain('libsecret-1-0');
    expect(field('Description')).toContain('Portainer');
    expect(Number(field('Installed-Size'))).toBeGreaterThan(1000);
  });

  it('installs phoenix on the PATH, bash and zsh completion, and the drift units; nothing under /etc', () => {
    const list = execFileSync('dpkg-deb', ['-c', DEB], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    for (const path of [
      './usr/bin/phoenix',
      './usr/lib/phoenix/node/bin/node',
      './usr/lib/phoenix/bin/run.js',
      './usr/share/bash-completion/completions/phoenix',
      './usr/share/zsh/vendor-completions/_phoenix',
      './lib/systemd/system/phoenix-drift.service',
      './lib/systemd/system/phoenix-drift.timer',
    ]) {
      expect(list).toContain(` ${path}\n`);
    }
    expect(list).not.toMatch(/ \.\/etc\//);
    expect(list).not.toMatch(/\.\/usr\/lib\/phoenix\/dist\/((simulator|demo)\/|.*\.map\n)/);
    expect(readFileSync(join(root, 'usr/bin/phoenix'), 'utf8')).toContain('exec /usr/lib/phoenix/bin/phoenix "$@"');
    expect(readFileSync(join(root, 'usr/share/bash-completion/completions/phoenix'), 'utf8')).toContain('complete -F _phoenix_autocomplete phoenix');
    expect(readFileSync(join(root, 'usr/share/zsh/vendor-completions/_phoenix'), 'utf8').startsWith('#compdef phoenix')).toBe(true);
  });

  it('the drift timer is hourly and disabled until enabled; removal keeps config, token and secrets', () => {
    const timer = readFileSync(join(root, 'lib/systemd/system/phoenix-drift.timer'), 'utf8');
    const service = readFileSync(join(root, 'lib/systemd/system/phoenix-drift.service'), 'utf8');
    expect(timer).toMatch(/^OnCalendar=hourly$/m);
    expect(timer).toMatch(/^WantedBy=timers\.target$/m);
    expect(service).toMatch(/^Environment=PHOENIX_CONFIG=\/usr\/local\/phoenix_hypervisor\/etc\/phoenix_vm_configs\.json$/m);
    expect(service).toMatch(/^ExecStart=\/usr\/bin\/phoenix portainer status --all --detailed-exitcode$/m);
    const control = join(work, 'control');
    execFileSync('dpkg-deb', ['-e', DEB, control]);
    expect(existsSync(join(control, 'conffiles'))).toBe(false);
    const scripts = readdirSync(control).filter((f) => ['preinst', 'postinst', 'prerm', 'postrm'].includes(f));
    for (const script of scripts) {
      const code = readFileSync(join(control, script), 'utf8').replace(/^#.*$/gm, '');
      expect({ script, enables: /systemctl\s+(enable|start)|deb-systemd-helper enable/.test(code) }).toEqual({ script, enables: false });
      expect({ script, removes: /\brm\s|\/etc\/phoenix|phoenix_hypervisor/.test(code) }).toEqual({ script, removes: false });
      expect(statSync(join(control, script)).mode & 0o111).toBeTruthy();
    }
  });

  it('runs with an empty environment and no node on the PATH: --version, -v, config validate', async () => {
    expect(existsSync(join(tools, 'node'))).toBe(false);
    const version = await run(phoenix, ['--version'], bare());
    expect(version).toMatchObject({ exitCode: 0, stderr: '' });
    expect(version.stdout).toContain(`/${pkg.version} linux-${process.arch} node-${process.version}`);
    const validate = await run(phoenix, ['config', 'validate', '-c', join(REPO, 'phoenix_vm_configs.json')], bare());
    expect(validate.stderr).toBe('');
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toContain('is valid');
  });

  it('plans against the simulator, and the drift unit’s own command line works (exit 2: drift)', async () => {
    const config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx:1\n' } }, [
      { vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', environment: 'test', docker_stacks: ['web'] },
    ]);
    const plan = await run(phoenix, ['portainer', '1002', 'plan', '-c', config, '--url', sim.url], bare({ PORTAINER_API_KEY: TOKEN }));
    expect(plan.stderr).not.toContain(TOKEN);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('Plan: 1 to create');
    const service = readFileSync(join(root, 'lib/systemd/system/phoenix-drift.service'), 'utf8');
    const [, ...args] = (/^ExecStart=(.*)$/m.exec(service)?.[1] ?? '').split(' ');
    const drift = await run(phoenix, [...args, '--url', sim.url], bare({ PORTAINER_API_KEY: TOKEN, PHOENIX_CONFIG: config }));
    expect(drift.stdout).toContain('Status: 1 missing. 1 out of sync.');
    expect(drift.exitCode).toBe(2);
  });

  it('a mistyped command in the packaged CLI: did-you-mean, exit 64', async () => {
    const result = await run(phoenix, ['portainer', '1002', 'convrge'], bare());
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain('Did you mean: phoenix portainer 1002 converge');
  });

  it('the standalone tarball runs from anywhere, also through a symlink, with an empty environment', async () => {
    const dir = join(work, 'opt');
    mkdirSync(dir);
    execFileSync('tar', ['-xzf', TARBALL, '-C', dir]);
    const link = join(work, 'phoenix-link');
    symlinkSync(join(dir, `phoenix-${pkg.version}`, 'bin/phoenix'), link);
    const result = await run(link, ['-v'], bare());
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain(`/${pkg.version} `);
  });

  it('the npm tarball ships the CLI only and installs and runs with npm install -g --prefix', async () => {
    const listing = execFileSync('tar', ['-tzf', NPM_TGZ], { encoding: 'utf8' }).split('\n');
    expect(listing).toContain('package/npm-shrinkwrap.json');
    expect(listing.filter((f) => /\/dist\/(simulator|demo)\/|\.map$|^package\/(test|src|simulator)\//.test(f))).toEqual([]);
    const shipped = join(work, 'npm-content');
    mkdirSync(shipped);
    execFileSync('tar', ['-xzf', NPM_TGZ, '-C', shipped]);
    expect(execFileSync('sh', ['-c', 'grep -rl sourceMappingURL package/dist || true'], { cwd: shipped, encoding: 'utf8' })).toBe('');
    const prefix = join(work, 'prefix');
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', NPM_TGZ], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 240_000 });
    const result = await run(join(prefix, 'bin/phoenix'), ['config', 'validate', '-c', join(REPO, 'phoenix_vm_configs.json')], {
      PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
      HOME: work,
      NO_COLOR: '1',
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  }, 300_000);
});
