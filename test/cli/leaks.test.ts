/**
 * Secrets that Portainer's own error text echoes (compose errors print the env) never reach any
 * output, whatever the encoding: text, --json (where JSON.stringify escapes `"` and `\`), --debug.
 * The suite-wide guard of runCli decodes JSON output and looks for escaped forms too.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Simulator } from '../../simulator/src';
import { findLeak, registerSecret, runCli, writeConfig } from '../helpers/cli';
import { SIM_TOKEN as TOKEN, useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

/** A quote, a backslash, a dollar and a space: every character JSON or Go quoting escapes differently. */
const VALUE = 'pa"ss\\w0rd $HOME x';
registerSecret(VALUE);

const fixture = useSimulatorCli();
let sim: Simulator;
let dir: string;
let config: string;
let cli: SimCli;

beforeEach(async () => {
  cli = await fixture.start(
    { endpoints: [{ id: 3, name: 'leakvm', type: 2 }], faults: { failDeployFor: ['web'], echoEnvOnFailure: true, deployMs: 0 } },
    {
      stacks: { web: { compose: 'services:\n  web:\n    image: nginx\n', env: { PORT: '8080', DB_PASSWORD: { secret: 'db_pw' } } } },
      vms: [{ vmid: 1201, name: 'leakvm', portainer_environment_name: 'leakvm', docker_stacks: ['web'] }],
    },
  );
  ({ sim, config } = cli);
  dir = mkdtempSync(join(tmpdir(), 'phoenix-leaks-'));
  writeFileSync(join(dir, 'db_pw'), `${VALUE}\n`, { mode: 0o600 });
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const converge = (...extra: string[]) => cli.run(['1201', 'converge', '--yes', ...extra], { env: { PHOENIX_SECRETS_DIR: dir } });

describe('a secret echoed by Portainer’s error text', () => {
  it('text: the failure is reported with Portainer’s message, the secret redacted (raw and quoted)', async () => {
    const run = await converge();
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/FAILED create web: .*simulated deploy failure for stack 'web' \(environment: DB_PASSWORD=\[REDACTED\] PORT=8080; quoted: "DB_PASSWORD=\[REDACTED\]" "PORT=8080"\)/);
    expect(sim.stacks()).toEqual([]);
  });

  it('--json: the decoded document holds no secret, in no string', async () => {
    const run = await converge('--json');
    expect(run.exitCode).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.exitCode).toBe(1);
    expect(JSON.stringify(doc)).toContain('DB_PASSWORD=[REDACTED]');
    expect(run.stderr).not.toContain('DB_PASSWORD=pa');
  });

  it('--debug: no debug line carries it either', async () => {
    const run = await converge('--debug');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('[http] POST /api/stacks/create/standalone/string?endpointId=3 -> 500');
    expect(run.stdout).toContain('DB_PASSWORD=[REDACTED]');
  });
});

describe('the suite-wide leak guard', () => {
  it('finds a secret raw, JSON-escaped, escaped twice, percent-encoded and inside decoded JSON', () => {
    expect(findLeak(`x ${VALUE} y`, '')).toEqual({ secret: VALUE, how: 'raw' });
    expect(findLeak(JSON.stringify({ m: VALUE }), '')).toEqual({ secret: VALUE, how: 'JSON-escaped' });
    expect(findLeak(JSON.stringify({ m: JSON.stringify({ m: VALUE }) }), '')).toEqual({ secret: VALUE, how: 'JSON-escaped twice' });
    expect(findLeak('', `GET /x?v=${encodeURIComponent(VALUE)}`)).toEqual({ secret: VALUE, how: 'percent-encoded' });
    // Unicode escapes are a form the text search cannot list: decoding the JSON finds them.
    expect(findLeak(`{"m": "${[...VALUE].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"}`, '')).toEqual({ secret: VALUE, how: 'in a decoded JSON string' });
    expect(findLeak('nothing here', '{"ok": true}')).toBeUndefined();
  });
});

describe('a Portainer URL with a user name or password', () => {
  const PASSWORD = 'url-pa55word';
  registerSecret(PASSWORD);
  const withCredentials = () => sim.url.replace('http://', `http://admin:${PASSWORD}@`);
  const plan = (args: string[], env: NodeJS.ProcessEnv = {}, configPath = config) =>
    runCli(['portainer', '1201', 'plan', '--config', configPath, ...args], { env: { PORTAINER_API_KEY: TOKEN, PHOENIX_SECRETS_DIR: dir, ...env } });
  const expectRefused = (run: { stdout: string; stderr: string; exitCode: number }) => {
    expect(run.exitCode).toBe(64);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Error: the Portainer URL carries a user name or password (…@${new URL(sim.url).host})`);
    expect(run.stderr).toContain('Hint: Remove "user:password@" from --url / PORTAINER_URL / portainer.url');
    expect(run.stderr).toContain('phoenix portainer token set');
    expect(sim.requests).toHaveLength(0);
  };

  it('from --url: 64 with a hint, before any request, the password never shown', async () => {
    expectRefused(await plan(['--url', withCredentials()]));
  });

  it('from PORTAINER_URL, and in --json', async () => {
    const run = await plan(['--json'], { PORTAINER_URL: withCredentials() });
    expect(run.exitCode).toBe(64);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'URL_CREDENTIALS', exitCode: 64 });
    expectRefused(await plan([], { PORTAINER_URL: withCredentials() }));
  });

  it('from portainer.url of the config, and a user name alone, and no scheme', async () => {
    const configured = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx\n' } }, [{ vmid: 1201, name: 'leakvm', portainer_environment_name: 'leakvm', docker_stacks: ['web'] }], {
      portainer: { url: withCredentials() },
    });
    expectRefused(await plan([], {}, configured));
    expectRefused(await plan(['--url', sim.url.replace('http://', 'http://admin@')]));
    const bare = await plan(['--url', `admin:${PASSWORD}@${new URL(sim.url).host}`]);
    expect(bare.exitCode).toBe(64);
    expect(bare.stderr).toContain('URL carries a user name or password');
  });
});
