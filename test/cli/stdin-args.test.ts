/**
 * No command reads arguments from stdin (oclif's default fills a missing positional argument from
 * a piped stdin), and flag values that oclif would misread are refused with a usage error.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { REPO, runCli, writeConfig } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
let sim: Simulator;
let config: string;

beforeEach(async () => {
  sim = await startSimulator({
    endpoints: [
      { id: 3, name: 'vma', type: 2 },
      { id: 4, name: 'vmb', type: 2 },
    ],
  });
  const compose = (image: string) => `services:\n  app:\n    image: ${image}\n`;
  config = writeConfig({ web: { compose: compose('nginx') }, monitoring: { compose: compose('prom') } }, [
    { vmid: 1002, name: 'vma', portainer_environment_name: 'vma', docker_stacks: ['web', 'monitoring'] },
    { vmid: 1003, name: 'vmb', portainer_environment_name: 'vmb', docker_stacks: ['web', 'monitoring'] },
  ]);
});

afterEach(async () => {
  await sim.stop();
});

const env = () => ({ PORTAINER_API_KEY: TOKEN, PORTAINER_URL: sim.url, PHOENIX_CONFIG: config });

describe('piped stdin is never an argument', () => {
  it('echo monitoring | phoenix portainer 1003 plan: plans every stack of the VM, not only "monitoring"', async () => {
    const result = await runCli(['portainer', '1003', 'plan'], { env: env(), input: 'monitoring\n' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('+ monitoring');
    expect(result.stdout).toContain('+ web');
    expect(result.stdout).toContain('Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged.');
  });

  it('while read vm; do phoenix portainer $vm plan; done < vms.txt: runs for every VM (stdin is not consumed)', async () => {
    const list = join(dirname(config), 'vms.txt');
    writeFileSync(list, '1002\n1003\n');
    const script = 'while read vm; do echo "== $vm"; "$NODE" "$PHOENIX_BIN" portainer "$vm" plan; echo "rc=$?"; done < vms.txt';
    const child = spawn('bash', ['-c', script], {
      cwd: dirname(config),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', NODE: process.execPath, PHOENIX_BIN: join(REPO, 'bin/run.js'), ...env() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    expect(code).toBe(0);
    expect(stderr).not.toContain('not declared');
    expect(stdout).toContain('== 1002');
    expect(stdout).toContain('VM 1002 (vma)');
    expect(stdout).toContain('== 1003');
    expect(stdout).toContain('VM 1003 (vmb)');
    expect(stdout.match(/^rc=0$/gm)).toHaveLength(2);
  });

  it('echo yes | phoenix portainer 1002 converge: "yes" is neither a stack nor a confirmation (64, nothing written)', async () => {
    const result = await runCli(['portainer', '1002', 'converge'], { env: env(), input: 'yes\n' });
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toContain('+ web');
    expect(result.stdout).toContain('+ monitoring');
    expect(result.stderr).toContain('Error: refusing to apply without confirmation');
    expect(result.stderr).not.toContain('not declared');
    expect(sim.writes()).toEqual([]);
  });
});

describe('flags oclif would misread', () => {
  it.each(['--yes=true', '--yes=false', '-y=1', '--json=false'])('%s: exit 64 with a clear message, nothing written', async (flag) => {
    const result = await runCli(['portainer', '1002', 'converge', flag], { env: env() });
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    if (flag.startsWith('--')) {
      expect(result.stderr).toContain(`Error: ${flag.split('=')[0]} takes no value (got "${flag}")`);
      expect(result.stderr).toContain(`Hint: Write ${flag.split('=')[0]} alone to turn it on, or leave it out to keep it off.`);
    }
    expect(result.stderr).not.toContain('not declared');
    expect(sim.writes()).toEqual([]);
  });

  it('--yes=true in --json mode: one JSON usage error', async () => {
    const result = await runCli(['portainer', '1002', 'converge', '--yes=true', '--json'], { env: env() });
    expect(result.exitCode).toBe(64);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 64, error: { code: 'USAGE', message: '--yes takes no value (got "--yes=true")' } });
  });

  it('status without a vmid: a usage line with an example, exit 64', async () => {
    const result = await runCli(['portainer', 'status'], { env: env() });
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "Error: missing <vmid>\nHint: Usage: phoenix portainer <vmid> status (for example phoenix portainer 1002 status), or every VM with --all, or one phoenix environment's with --env <name>; see --help.\n",
    );
  });

  it('secret set without a name: the usage names the argument', async () => {
    const result = await runCli(['secret', 'set'], { env: env() });
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toBe('Error: missing <name>\nHint: Usage: phoenix secret set <name>; see --help.\n');
  });
});
