/**
 * A forced update under faults, end to end over sockets (built CLI, simulator): a redeploy is an
 * update, so it has the same roll-back, lock and signal rules; a redeploy whose answer never came
 * is neither counted as done nor sent again (the re-read cannot tell whether it ran).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ownershipMarker } from '../../src/plan';
import type { RequestLogEntry, Simulator, SimulatorOptions } from '../../simulator/src';
import { baseEnv, REPO } from '../helpers/cli';
import { SIM_TOKEN, useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const app = (image: string) => `services:\n  app:\n    image: ${image}:latest\n`;
const marked = (text: string) => `${ownershipMarker(1002)}\n${text}`;

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

/** VM 1002 declares alpha, bravo and charlie, all live, owned and in sync. */
async function setup(seed: SimulatorOptions = {}) {
  cli = await fixture.start(
    {
      endpoints: [{ id: 3, name: 'drphoenix', type: 2 }],
      stacks: ['alpha', 'bravo', 'charlie'].map((name) => ({ name, endpointId: 3, composeText: marked(app(name)) })),
      ...seed,
    },
    {
      stacks: { alpha: { compose: app('alpha') }, bravo: { compose: app('bravo') }, charlie: { compose: app('charlie') } },
      vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['alpha', 'bravo', 'charlie'] }],
    },
  );
  sim = cli.sim;
}

const puts = () => sim.writes().filter((w) => w.method === 'PUT');
const bodyOf = (w: RequestLogEntry) => w.body as Record<string, unknown>;

function spawnConverge(args: string[]) {
  const child = spawn(process.execPath, [join(REPO, 'bin/run.js'), 'portainer', '1002', 'converge', ...args, '--config', cli.config, '--url', sim.url], {
    cwd: REPO,
    env: { ...baseEnv(), PORTAINER_API_KEY: SIM_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ exitCode: number; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr })));
  return { child, exited };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('forced updates under faults', () => {
  it('a redeploy whose answer does not come in time: exit 1, DEPLOY_UNCONFIRMED, sent once, never counted as done', async () => {
    await setup({ faults: { deployMs: 2_500 } });
    const result = await cli.run(['1002', 'converge', 'alpha', '--pull', '--yes', '--timeout', '1s', '--json']);
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout) as { ok: boolean; result: { vms: { results: { stack: string; outcome: string; error?: { code: string; message: string } }[] }[] } };
    expect(doc.ok).toBe(false);
    const [only] = doc.result.vms[0].results;
    expect(only).toMatchObject({ stack: 'alpha', outcome: 'failed', error: { code: 'DEPLOY_UNCONFIRMED' } });
    expect(only.error?.message).toContain('cannot tell whether the redeploy and its image pull ran; it was not sent again');
    expect(puts()).toHaveLength(1);
    expect(result.stderr).toContain('alpha: answer lost');
  });

  it('--pull on a stack updated anyway whose deploy fails: rolled back once, without the pull: exit 1', async () => {
    // The simulator cannot fail only a pull, so the new file fails and the previous one deploys.
    await setup({ faults: { failDeployWhen: 'image: bad:1' } });
    const config = readFileSync(cli.config, 'utf8');
    writeFileSync(join(dirname(cli.config), 'stacks', 'bravo', 'docker-compose.yml'), 'services:\n  app:\n    image: bad:1\n');
    expect(readFileSync(cli.config, 'utf8')).toBe(config);
    const result = await cli.run(['1002', 'converge', '--pull', '--yes']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/~ bravo\s+compose differs; images pulled first \(--pull\)/);
    expect(result.stdout).toMatch(/FAILED update bravo: update failed: .*; rolled back to the previous version/);
    expect(result.stdout).toContain('Apply: 2 done, 1 failed, 0 not attempted.');
    const bravoId = sim.stacks().find((s) => s.name === 'bravo')?.id;
    const bravo = puts().filter((w) => w.path === `/api/stacks/${bravoId}`);
    expect(bravo.map((w) => bodyOf(w).PullImage)).toEqual([true, false]);
    expect(
      sim
        .deployments()
        .filter((d) => d.stackId === bravoId)
        .map((d) => [d.kind, d.pull, d.outcome]),
    ).toEqual([
      ['update', true, 'failed'],
      ['update', false, 'ok'],
    ]);
    expect(puts()).toHaveLength(4);
  });

  it('two converges at once: the second exits 75 (lock) and sends nothing; the first redeploys each stack once', async () => {
    await setup({ faults: { deployMs: 800 } });
    const first = spawnConverge(['--pull', '--yes', '--concurrency', '1']);
    await until(() => puts().length > 0, 'the first PUT');
    const second = await cli.run(['1002', 'converge', '--pull', '--yes']);
    expect(second.exitCode).toBe(75);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(/VM 1002 is locked by pid \d+/);
    const done = await first.exited;
    expect(done.exitCode).toBe(0);
    expect(puts()).toHaveLength(3);
    expect(new Set(puts().map((w) => w.path)).size).toBe(3);
  });

  it('SIGTERM during the redeploys: the one in flight finishes, no new PUT, exit 143', async () => {
    await setup({ faults: { deployMs: 1_500 } });
    const run = spawnConverge(['--redeploy', '--yes', '--concurrency', '1']);
    await until(() => puts().length > 0, 'the first PUT');
    const inFlight = puts()[0];
    run.child.kill('SIGTERM');
    const done = await run.exited;
    expect(done.exitCode).toBe(143);
    expect(puts()).toEqual([inFlight]);
    expect(inFlight.status).toBe(200);
    expect(done.stdout).toContain('Apply: 1 done, 0 failed, 2 not attempted.');
  });
});
