/**
 * The bad-input catalogue (cases.ts): every case runs the built CLI as an operator would and
 * holds its exit code and the first line of its message. A poor message or a wrong exit code
 * found here is fixed in the code, not in the table.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { dirname } from 'node:path';

import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { runCli, writeConfig } from '../helpers/cli';
import { CASES, TOKEN } from './cases';
import type { Case, CaseContext } from './cases';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/** A tiny stand-in for a reverse proxy or a broken server: fixed answers by path. */
async function fakeServer(routes: NonNullable<Case['fake']>): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const [status, type, body, headers] = routes[path] ?? [404, 'text/plain', 'not found'];
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  });
  const url = await listen(server);
  return { url, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function closedUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

it('holds at least 40 cases, each with a distinct name', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
  expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
});

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
  let sim: Simulator | undefined;
  let fake: Awaited<ReturnType<typeof fakeServer>> | undefined;
  afterEach(async () => {
    await sim?.stop();
    await fake?.stop();
  });

  it(`exits ${testCase.exit} with its first line`, async () => {
    const config = writeConfig({ web: { compose: 'services:\n  web:\n    image: nginx\n' } }, [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'local', docker_stacks: ['web'] }]);
    let url: string;
    if (testCase.fake) {
      fake = await fakeServer(testCase.fake);
      url = fake.url;
    } else {
      sim = await startSimulator(testCase.sim ?? {});
      url = sim.url;
    }
    const ctx: CaseContext = { dir: dirname(config), config, url, closedUrl: await closedUrl() };
    testCase.files?.(ctx);
    const env = testCase.env?.(ctx) ?? { PORTAINER_API_KEY: TOKEN };
    const result = await runCli(testCase.args(ctx), { env: { PHOENIX_TOKEN_FILE: `${ctx.dir}/no-token-file`, ...env } });
    const line =
      testCase.from === 'stdout-failed'
        ? (result.stdout.split('\n').find((l) => l.startsWith('  FAILED')) ?? `(no FAILED line in stdout: ${result.stdout})`)
        : testCase.from === 'json'
          ? String(JSON.parse(result.stdout).error.message).trim()
          : (result.stderr.split('\n').find((l) => !l.startsWith('Warning: ')) ?? '');
    expect({ exit: result.exitCode, line }).toEqual({ exit: testCase.exit, line: typeof testCase.first === 'string' ? testCase.first : expect.stringMatching(testCase.first) });
    if (testCase.also) expect(result.stderr).toMatch(testCase.also);
  });
});
