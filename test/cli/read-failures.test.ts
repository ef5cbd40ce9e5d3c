/**
 * A Portainer that fails or hangs on a read while phoenix plans: nothing was written, so the
 * run is "Portainer failing" (69) with Portainer's own message, never "apply failed" (1). A
 * hung read gives up after --read-timeout (PHOENIX_READ_TIMEOUT), and the hint names it.
 * A small proxy in front of the simulator injects the failure on one route only.
 */
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { ownershipMarker } from '../../src/plan';
import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { runCli, writeConfig } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
const VM = 4811;
let sim: Simulator;
let proxy: Server;
let proxyUrl: string;
let config: string;
const hung: ServerResponse[] = [];

type Fault = (req: IncomingMessage, res: ServerResponse) => boolean;

async function setup(fault: Fault) {
  sim = await startSimulator({
    endpoints: [{ id: 3, name: 'readvm', type: 2 }],
    stacks: [{ name: 'web', endpointId: 3, composeText: `${ownershipMarker(VM)}\nservices:\n  web:\n    image: nginx:1.26\n` }],
  });
  config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } }, [{ vmid: VM, name: 'readvm', portainer_environment_name: 'readvm', docker_stacks: ['web'] }]);
  const target = new URL(sim.url);
  proxy = createServer((req, res) => {
    if (fault(req, res)) return;
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

afterEach(async () => {
  for (const res of hung.splice(0)) res.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await sim.stop();
});

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['portainer', String(VM), ...args, '--config', config, '--url', proxyUrl], { env: { PORTAINER_API_KEY: TOKEN, ...env } });

const stackFile500: Fault = (req, res) => {
  if (req.method !== 'GET' || !/^\/api\/stacks\/\d+\/file/.test(req.url ?? '')) return false;
  res.writeHead(500, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message: 'Unable to retrieve stack file from disk', details: 'open /data/compose/7/docker-compose.yml: no such file or directory' }));
  return true;
};

const stackFileHangs: Fault = (req, res) => {
  if (req.method !== 'GET' || !/^\/api\/stacks\/\d+\/file/.test(req.url ?? '')) return false;
  hung.push(res); // never answered
  return true;
};

describe('a Portainer read that fails while planning', () => {
  it('a 500 on the stack-file read exits 69 with Portainer’s message, and converge writes nothing', async () => {
    await setup(stackFile500);
    const result = await run(['converge', '--yes']);
    expect(result.exitCode).toBe(69);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Unable to retrieve stack file from disk');
    expect(result.stderr).not.toMatch(/apply failed/i);
    expect(sim.writes()).toEqual([]);
  });

  it('converge --all: the VM fails alone with 69 (not "apply failed"), nothing written', async () => {
    await setup(stackFile500);
    const result = await runCli(['portainer', 'converge', '--all', '--yes', '--config', config, '--url', proxyUrl], { env: { PORTAINER_API_KEY: TOKEN } });
    expect(result.exitCode).toBe(69);
    expect(result.stdout).toMatch(new RegExp(`^${VM} +readvm .*error \\(exit 69\\)$`, 'm'));
    expect(result.stdout).toContain('Unable to retrieve stack file from disk');
    expect(sim.writes()).toEqual([]);
  });

  it('the same in --json: one error document with exit code 69', async () => {
    await setup(stackFile500);
    const result = await run(['plan', '--json']);
    expect(result.exitCode).toBe(69);
    const doc = JSON.parse(result.stdout) as { ok: boolean; exitCode: number; error: { code: string; exitCode: number; http: { status: number; message: string } } };
    expect(doc).toMatchObject({ ok: false, exitCode: 69, error: { code: 'PORTAINER_SERVER_ERROR', exitCode: 69, http: { status: 500, message: 'Unable to retrieve stack file from disk' } } });
  });
});

describe('--read-timeout / PHOENIX_READ_TIMEOUT', () => {
  it('a hung read gives up after --read-timeout, exits 69, and the hint names the flag', async () => {
    await setup(stackFileHangs);
    const started = Date.now();
    const result = await run(['plan', '--read-timeout', '700ms']);
    expect(Date.now() - started).toBeLessThan(15_000); // not the 30 s default
    expect(result.exitCode).toBe(69);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/did not answer GET \/api\/stacks\/\d+\/file within 700 ms/);
    expect(result.stderr).toContain('--read-timeout');
    expect(result.stderr).toContain('PHOENIX_READ_TIMEOUT');
  });

  it('PHOENIX_READ_TIMEOUT sets it too', async () => {
    await setup(stackFileHangs);
    const result = await run(['plan'], { PHOENIX_READ_TIMEOUT: '1s' });
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toMatch(/within 1 s/);
  });

  it.each([
    ['0s', 'is zero'],
    ['30', 'has no unit'],
    ['soon', 'is not a duration'],
    ['25h', 'is longer than 24h'],
  ])('--read-timeout %s is a usage error (64) that shows the format', async (value, words) => {
    await setup(() => false);
    const result = await run(['plan', '--read-timeout', value]);
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`Error: --read-timeout: "${value}" ${words}`);
    expect(result.stderr).toContain('90s');
    expect(result.stderr).toContain('15m');
    expect(sim.requests).toEqual([]);
  });
});

describe('every duration flag refuses zero and a bare number (one parser)', () => {
  it.each([
    [['converge', '--yes', '--timeout', '0'], '--timeout: "0" has no unit', '--timeout 0s'],
    [['converge', '--yes', '--timeout', '10'], '--timeout: "10" has no unit', '--timeout 10s'],
    [['converge', '--yes', '--timeout', '0m'], '--timeout: "0m" is zero', ''],
    [['converge', '--yes', '--wait-lock', '0s'], '--wait-lock: "0s" is zero', ''],
    [['converge', '--yes', '--wait-lock', '5'], '--wait-lock: "5" has no unit', '--wait-lock 5s'],
  ])('%j exits 64 before any request, with the format in the hint', async (args, message, example) => {
    await setup(() => false);
    const result = await run(args);
    expect(result.exitCode).toBe(64);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`Error: ${message}`);
    expect(result.stderr).toMatch(/Hint: .*90s, 15m/);
    if (example) expect(result.stderr).toContain(`For example: ${example}.`);
    expect(sim.requests).toEqual([]);
  });

  it('--json: the usage error is one JSON document with exit code 64', async () => {
    await setup(() => false);
    const result = await run(['converge', '--yes', '--json', '--timeout', '10']);
    expect(result.exitCode).toBe(64);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exitCode: 64, error: { code: 'DURATION_INVALID', message: '--timeout: "10" has no unit' } });
  });
});
