/**
 * Prompts on a real pseudo-terminal: "Apply this plan?", promote's protected-environment question
 * and the hidden secret prompt. Ctrl-C, Ctrl-D and "no" cancel cleanly (one line, no stack trace,
 * nothing written); cursor keys never end up in a stored secret.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { runCli, writeConfig } from '../helpers/cli';
import { runPty } from '../helpers/pty';

const TOKEN = 'ptr_simulatortoken';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const LEFT = '\x1b[D';
const APPLY = "Only 'yes' is accepted: ";

let sim: Simulator | undefined;
let dirs: string[] = [];

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** The terminal's text without cursor and colour escapes (the prompt library shows and hides the cursor). */
const plain = (text: string) => text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), '');

function expectCleanCancel(result: { stdout: string; terminal: string }) {
  expect(plain(result.terminal)).toMatch(/^cancelled, nothing was written\r?$/m);
  expect(result.terminal).not.toContain('AbortError');
  expect(result.terminal).not.toContain('internal error');
  expect(result.terminal).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.stdout + result.terminal).not.toContain(TOKEN);
}

describe('converge: "Apply this plan?" on a terminal', () => {
  async function converge(keys: string) {
    sim = await startSimulator({ endpoints: [{ id: 3, name: 'pty-vm', type: 2 }] });
    const config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx\n' } }, [{ vmid: 1002, name: 'pty-vm', portainer_environment_name: 'pty-vm', docker_stacks: ['web'] }]);
    return runPty(['portainer', '1002', 'converge', '--config', config, '--url', sim.url], { env: { PORTAINER_API_KEY: TOKEN }, steps: [{ wait: APPLY, send: keys }] });
  }

  it('Ctrl-C cancels: one line, no trace, nothing written, exit 130', async () => {
    const result = await converge(CTRL_C);
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(130);
    expect(result.stdout).toContain('+ web');
    expect(result.stdout).not.toContain('done');
    expectCleanCancel(result);
    expect(sim?.writes()).toEqual([]);
  });

  it('Ctrl-D (end of input) cancels the same way, exit 1 (a declined answer)', async () => {
    const result = await converge(CTRL_D);
    expect(result.exitCode).toBe(1);
    expectCleanCancel(result);
    expect(sim?.writes()).toEqual([]);
  });

  it('"no" cancels the same way, exit 1', async () => {
    const result = await converge('no\r');
    expect(result.exitCode).toBe(1);
    expectCleanCancel(result);
    expect(sim?.writes()).toEqual([]);
  });

  it('"yes" applies', async () => {
    const result = await converge('yes\r');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('done   create web');
    expect(sim?.stacks().map((s) => s.name)).toEqual(['web']);
  });
});

describe('promote: the protected-environment question on a terminal', () => {
  async function promote(keys: string) {
    sim = await startSimulator({
      endpoints: [
        { id: 2, name: 'prod-box', type: 2 },
        { id: 3, name: 'test-box', type: 2 },
      ],
    });
    const config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx:${TAG}\n', env: { TAG: '1.27' }, environments: { test: { env: { TAG: '1.28' } } } } }, [
      { vmid: 2001, name: 'prod-box', portainer_environment_name: 'prod-box', environment: 'prod', docker_stacks: ['web'] },
      { vmid: 3001, name: 'test-box', portainer_environment_name: 'test-box', environment: 'test', docker_stacks: ['web'] },
    ]);
    writeFileSync(config, readFileSync(config, 'utf8').replace('"compose_file": "stacks/web/docker-compose.yml",', '"compose_file": "stacks/web/docker-compose.yml",\n      "promote": ["TAG"],'));
    const env = { PORTAINER_API_KEY: TOKEN, PORTAINER_URL: sim.url, PHOENIX_CONFIG: config };
    expect((await runCli(['portainer', 'converge', '--all', '--yes'], { env })).exitCode).toBe(0);
    const before = readFileSync(config, 'utf8');
    const writesBefore = sim.writes().length;
    const result = await runPty(['portainer', 'promote', '--from', 'test', '--to', 'prod', '--write'], { env, steps: [{ wait: APPLY, send: keys }] });
    expect(result.stdout).toContain('"TAG": "1.28"');
    expect(readFileSync(config, 'utf8')).toBe(before); // nothing written to the config
    expect(sim.writes().length).toBe(writesBefore);
    return result;
  }

  it.each([
    ['Ctrl-C', CTRL_C, 130],
    ['Ctrl-D', CTRL_D, 1],
    ['"no"', 'no\r', 1],
  ])('%s cancels cleanly: one line, the config and Portainer untouched (Ctrl-C 130, else 1)', async (_name, keys, exitCode) => {
    const result = await promote(keys);
    expect(result.exitCode).toBe(exitCode);
    expectCleanCancel(result);
  });
});

describe('secret set: the hidden prompt', () => {
  function secretsDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-pty-secrets-'));
    dirs.push(dir);
    return join(dir, 'secrets');
  }

  it('hunter2, two left-arrows, Enter: stores hunter2 (no escape sequence), never echoed', async () => {
    const dir = secretsDir();
    const result = await runPty(['secret', 'set', 'grafana_admin'], { env: { PHOENIX_SECRETS_DIR: dir }, steps: [{ wait: 'grafana_admin', send: `hunter2${LEFT}${LEFT}\r` }] });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, files[0]), 'utf8')).toBe('hunter2\n'); // the file format ends with one newline
    expect(result.terminal).not.toContain('hunter2');
    expect(result.stdout).not.toContain('hunter2');
  });

  it('Ctrl-C stores nothing: one line, exit 130', async () => {
    const dir = secretsDir();
    const result = await runPty(['secret', 'set', 'grafana_admin'], { env: { PHOENIX_SECRETS_DIR: dir }, steps: [{ wait: 'grafana_admin', send: `hunt${CTRL_C}` }] });
    expect(result.exitCode).toBe(130);
    expectCleanCancel(result);
    let stored: string[] = [];
    try {
      stored = readdirSync(dir);
    } catch {
      // the directory was never created: nothing stored either
    }
    expect(stored).toEqual([]);
  });
});
