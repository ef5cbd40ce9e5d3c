/**
 * The VM lock is per Portainer and vmid: two configs for two Portainers whose VMs share a vmid
 * converge at the same time; two converges of one vmid on one Portainer still exclude each
 * other (75). VM 4712 is used by this file only.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { runCli, writeConfig } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
const VM = 4712;
let simA: Simulator;
let simB: Simulator;
let config: string;

beforeEach(async () => {
  const seed = { endpoints: [{ id: 3, name: 'twin', type: 2 as const }], faults: { deployMs: 2_000 } };
  [simA, simB] = await Promise.all([startSimulator(seed), startSimulator(seed)]);
  config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx\n' } }, [{ vmid: VM, name: 'twin', portainer_environment_name: 'twin', docker_stacks: ['web'] }]);
});
afterEach(async () => {
  await Promise.all([simA.stop(), simB.stop()]);
});

const converge = (url: string) => runCli(['portainer', String(VM), 'converge', '--yes', '--config', config, '--url', url], { env: { PORTAINER_API_KEY: TOKEN } });

it('the same vmid on two Portainers: two converges at once both apply (no lock between them)', async () => {
  const [a, b] = await Promise.all([converge(simA.url), converge(simB.url)]);
  expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
  expect(a.stdout).toContain('Apply: 1 done, 0 failed, 0 not attempted.');
  expect(b.stdout).toContain('Apply: 1 done, 0 failed, 0 not attempted.');
  expect(a.stderr).not.toContain('locked');
  expect(b.stderr).not.toContain('locked');
  expect(simA.stacks().map((s) => s.name)).toEqual(['web']);
  expect(simB.stacks().map((s) => s.name)).toEqual(['web']);
});

it('the same vmid on the same Portainer (spelled differently): the second exits 75 naming the holder', async () => {
  const upper = `${simA.url.replace(/^http:/, 'HTTP:')}/`;
  const [a, b] = await Promise.all([converge(simA.url), new Promise((r) => setTimeout(r, 300)).then(() => converge(upper))]);
  const codes = [a.exitCode, b.exitCode].sort();
  expect(codes).toEqual([0, 75]);
  const loser = a.exitCode === 75 ? a : b;
  expect(loser.stdout).toBe('');
  expect(loser.stderr.split('\n')[0]).toMatch(new RegExp(`^Error: VM ${VM} is locked by pid \\d+ \\(phoenix portainer ${VM} converge, started `));
  expect(simA.writes().filter((w) => w.method === 'POST').length).toBe(1);
});

describe('an explicit PHOENIX_LOCK_DIR that cannot be used is an error, not a fallback', () => {
  const withLockDir = (lockDir: string) =>
    runCli(['portainer', String(VM), 'converge', '--yes', '--config', config, '--url', simA.url], { env: { PORTAINER_API_KEY: TOKEN, PHOENIX_LOCK_DIR: lockDir } });

  it('a file: exit 64, nothing written', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'phoenix-lockfile-')), 'not-a-dir');
    writeFileSync(file, '');
    const result = await withLockDir(file);
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`Error: PHOENIX_LOCK_DIR=${file} cannot hold the per-VM locks: it (or a parent of it) is not a directory`);
    expect(result.stderr).toContain('Hint: Point PHOENIX_LOCK_DIR at a directory');
    expect(simA.writes()).toEqual([]);
  });

  it('a directory anyone can write to: exit 77, nothing written; --json has the same code', async () => {
    const open = mkdtempSync(join(tmpdir(), 'phoenix-lockopen-'));
    chmodSync(open, 0o777);
    const result = await withLockDir(open);
    expect(result.exitCode).toBe(77);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('other users can write to it (mode 777)');
    expect(result.stderr).toContain(`chmod 700 ${open}`);
    const json = await runCli(['portainer', String(VM), 'converge', '--yes', '--json', '--config', config, '--url', simA.url], { env: { PORTAINER_API_KEY: TOKEN, PHOENIX_LOCK_DIR: open } });
    expect(json.exitCode).toBe(77);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 77, error: { code: 'LOCK_DIR_UNSAFE' } });
    expect(simA.writes()).toEqual([]);
  });
});
