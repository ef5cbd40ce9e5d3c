import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { seedSchema } from '../../simulator/src/seed-file';
import { REPO, runCli } from '../helpers/cli';

/** The built simulator's command line, spawned as an operator runs it. */
const MAIN = join(REPO, 'simulator/dist/main.js');
const work = mkdtempSync(join(tmpdir(), 'phoenix-sim-main-'));

interface Run {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

function sim(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: work, env: { PATH: process.env.PATH } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A seed it wrongly accepts starts a server that never exits: stop it so the test fails, not hangs.
  const guard = setTimeout(() => child.kill('SIGKILL'), 10_000);
  return new Promise((done) =>
    child.on('close', (exitCode) => {
      clearTimeout(guard);
      done({ stdout, stderr, exitCode });
    }),
  );
}

function seedFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe('the simulator as a tool (node simulator/dist/main.js)', () => {
  it('--help lists every latency and fault knob the seed accepts, and --seed demo', async () => {
    const run = await sim(['--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    const faults = seedSchema.shape.faults.unwrap().shape;
    for (const knob of Object.keys(faults)) expect(run.stdout).toMatch(new RegExp(`^  ${knob} +\\S`, 'm'));
    expect(run.stdout).toContain('--seed demo');
    expect(run.stdout).toContain('PORTAINER_API_KEY=ptr_simulatortoken phoenix portainer 1002 plan --url <printed URL>');
  });

  it("the --help example works against the sample config: --seed demo serves the demo's drphoenix state", async () => {
    const child = spawn(process.execPath, [MAIN, '--seed', 'demo'], { cwd: work, env: { PATH: process.env.PATH } });
    try {
      const url = await new Promise<string>((done, failed) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) done(out.trim());
        });
        child.on('close', (code) => failed(new Error(`simulator exited ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const result = await runCli(['portainer', '1002', 'plan', '--url', url], { env: { PORTAINER_API_KEY: 'ptr_simulatortoken' } });
      expect(result.stderr).toBe('');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('environment "drphoenix"');
      expect(result.stdout).toContain('Plan: 1 to create, 1 to update, 0 to delete, 1 to start, 1 unchanged.'); // the demo seed's uptime-kuma is stopped
      // The demo's runtime knob comes along: whoami's container exited.
      const res = await fetch(`${url}/api/endpoints/2/docker/containers/json?all=1&filters=${encodeURIComponent('{"label":["com.docker.compose.project=whoami"]}')}`, {
        headers: { 'X-API-Key': 'ptr_simulatortoken' },
      });
      expect(((await res.json()) as Array<{ Status: string }>).map((c) => c.Status)).toEqual(['Exited (1) 3 minutes ago']);
    } finally {
      child.kill('SIGTERM');
      await new Promise((done) => child.on('close', done));
    }
  });

  it('refuses an unknown seed key with exit 65, naming the key, where it is and the closest known key', async () => {
    const path = seedFile('typo.json', '{ "faults": { "latency": 20 }, "stackz": [] }');
    const run = await sim(['--seed', path]);
    expect(run.exitCode).toBe(65);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${path}: invalid seed file`);
    expect(run.stderr).toContain('unknown key "latency" at faults: did you mean "latencyMs"?');
    expect(run.stderr).toContain('unknown key "stackz" at the top level: did you mean "stacks"?');
    expect(run.stderr).toMatch(/^hint: /m);
  });

  it('refuses an unknown key inside an array element (stacks[0]) too', async () => {
    const path = seedFile('nested.json', '{ "stacks": [{ "name": "web", "endpointId": 1, "composeText": "services: {}", "envv": [] }] }');
    const run = await sim(['--seed', path]);
    expect(run.exitCode).toBe(65);
    expect(run.stderr).toContain('unknown key "envv" at stacks[0]: did you mean "env"?');
  });

  it('a seed file that is not JSON says the file, line and column (not only "Unexpected end of JSON input")', async () => {
    const path = seedFile('cut.json', '{\n  "endpoints": [\n    { "id": 1,\n');
    const run = await sim(['--seed', path]);
    expect(run.exitCode).toBe(65);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:1: the seed file is not valid JSON: `, 'm'));
    expect(run.stderr).not.toContain('Unexpected end of JSON input');
    expect(run.stderr).toMatch(/^hint: /m);
  });

  it('an empty seed file points at line 1, column 1', async () => {
    const run = await sim(['--seed', seedFile('empty.json', '')]);
    expect(run.exitCode).toBe(65);
    expect(run.stderr).toContain('empty.json:1:1: the seed file is not valid JSON: value expected');
  });

  it('a seed file name with a newline is quoted, so it cannot forge a line of the message', async () => {
    const run = await sim(['--seed', seedFile('bad\nname.json', '[')]);
    expect(run.exitCode).toBe(65);
    expect(run.stderr).toContain('bad\\nname.json"');
    expect(run.stderr.split('\n')[0]).toMatch(/^".*bad\\nname\.json":1:2: /);
  });

  it('a seed file that cannot be read: exit 65 with the file and a hint', async () => {
    const run = await sim(['--seed', join(work, 'missing.json')]);
    expect(run.exitCode).toBe(65);
    expect(run.stderr).toContain(`cannot read seed file ${join(work, 'missing.json')}: ENOENT`);
    expect(run.stderr).toMatch(/^hint: /m);
  });

  it('--help names every seed key, and every key of the runtime knobs serviceFaults and orphans', async () => {
    const run = await sim(['--help']);
    expect(run.exitCode).toBe(0);
    for (const key of Object.keys(seedSchema.shape)) expect(run.stdout).toContain(`"${key}"`);
    for (const knob of ['serviceFaults', 'orphans'] as const) {
      const element = seedSchema.shape[knob].unwrap().element.shape;
      expect(run.stdout).toMatch(new RegExp(`^  ${knob} +\\S`, 'm'));
      for (const key of Object.keys(element)) expect(run.stdout).toContain(`"${key}"`);
    }
  });

  it('a seed with a stopped stack, an exited service and an orphan serves them through the Docker proxy; a misspelt knob key is refused', async () => {
    const typo = await sim(['--seed', seedFile('knob-typo.json', '{ "serviceFaults": [{ "stack": "a", "service": "b", "exitcode": 1 }] }')]);
    expect(typo.exitCode).toBe(65);
    expect(typo.stderr).toContain('unknown key "exitcode" at serviceFaults[0]: did you mean "exitCode"?');
    const path = seedFile(
      'runtime.json',
      JSON.stringify({
        stacks: [
          { name: 'up', endpointId: 1, composeText: 'services:\n  web:\n    image: nginx:1\n  db:\n    image: pg:16\n' },
          { name: 'down', endpointId: 1, composeText: 'services:\n  web:\n    image: nginx:1\n', status: 2 },
        ],
        serviceFaults: [{ stack: 'up', service: 'db', state: 'exited', exitCode: 3 }],
        orphans: [{ endpointId: 1, stack: 'up', service: 'old' }],
      }),
    );
    const child = spawn(process.execPath, [MAIN, '--seed', path], { cwd: work, env: { PATH: process.env.PATH } });
    try {
      const url = await new Promise<string>((done, failed) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) done(out.trim());
        });
        child.on('close', (code) => failed(new Error(`simulator exited ${code}`)));
      });
      const res = await fetch(`${url}/api/endpoints/1/docker/containers/json?all=1`, { headers: { 'X-API-Key': 'ptr_simulatortoken' } });
      const list = (await res.json()) as Array<{ Names: string[]; State: string; Status: string }>;
      expect(Object.fromEntries(list.map((c) => [c.Names[0], c.Status]))).toEqual({
        '/up-web-1': 'Up 2 minutes',
        '/up-db-1': 'Exited (3) 3 minutes ago',
        '/up-old-1': 'Up 2 minutes',
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((done) => child.on('close', done));
    }
  });

  it('an unknown flag or a bad port: exit 64 with a hint, not a stack trace', async () => {
    const flag = await sim(['--latency', '20']);
    expect(flag.exitCode).toBe(64);
    expect(flag.stderr).toContain("Unknown option '--latency'");
    expect(flag.stderr).toContain('hint: run node simulator/dist/main.js --help');
    const port = await sim(['--port', '70000']);
    expect(port.exitCode).toBe(64);
    expect(port.stderr).toContain('invalid --port: "70000"');
  });
});
