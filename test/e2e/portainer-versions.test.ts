import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ownershipMarker } from '../../src/plan';
import { startSimulator } from '../../simulator/src';
import type { Simulator, SimulatorOptions } from '../../simulator/src';
import { runCli, writeConfig } from '../helpers/cli';

/**
 * End-to-end: the built CLI as a subprocess against the simulator over real sockets, across the
 * Portainer behaviours that change by version or environment (docs/portainer-api.md#version-gates; issue 3).
 */
const TOKEN = 'ptr_simulatortoken';
const app = 'services:\n  app:\n    image: ghcr.io/example/app:${APP_TAG}\n';
const broken = 'services:\n  broken:\n    image: example/broken:1\n';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function config(stacks: string[] = ['app']) {
  return writeConfig({ app: { compose: app, env: { APP_TAG: '2.0' } }, broken: { compose: broken } }, [
    { vmid: 2001, name: 'edge', portainer_environment_name: 'edge', environment: 'prod', docker_stacks: stacks },
  ]);
}

async function start(options: SimulatorOptions, swarm = false) {
  sim = await startSimulator({
    endpoints: [{ id: 4, name: 'edge', type: 2, swarm, swarmClusterId: swarm ? 'swarm-cluster-7' : undefined }],
    ...options,
  });
  return sim;
}

const converge = (s: Simulator, cfg: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runCli(['portainer', '2001', 'converge', '--yes', '--config', cfg, '--url', s.url, ...extra], { env: { PORTAINER_API_KEY: TOKEN, ...env } });

describe('end to end across Portainer versions and environments', () => {
  it('uses the pre-2.19 create route on Portainer 2.18 and is idempotent there', async () => {
    const s = await start({ version: '2.18.4' });
    const cfg = config();
    expect((await converge(s, cfg)).exitCode).toBe(0);
    const create = s.writes().find((r) => r.method === 'POST')!;
    expect(create.path).toBe('/api/stacks');
    expect(create.query).toMatchObject({ type: '2', method: 'string', endpointId: '4' });
    const writes = s.writes().length;
    expect((await converge(s, cfg)).exitCode).toBe(0);
    expect(s.writes().length).toBe(writes);
  });

  it('uses /stacks/create/standalone/string on 2.19.0, where the old route is gone', async () => {
    const s = await start({ version: '2.19.0' });
    expect((await converge(s, config())).exitCode).toBe(0);
    expect(s.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/stacks/create/standalone/string']);
  });

  it('creates a Swarm stack with the cluster id from /docker/swarm, and updates it in place', async () => {
    const s = await start({ version: '2.21.4' }, true);
    const cfg = config();
    expect((await converge(s, cfg)).exitCode).toBe(0);
    const create = s.writes()[0];
    expect(create.path).toBe('/api/stacks/create/swarm/string');
    expect((create.body as { SwarmID: string }).SwarmID).toBe('swarm-cluster-7');
    expect(s.stacks()[0]).toMatchObject({ name: 'app', type: 1, swarmId: 'swarm-cluster-7' });

    writeFileSync(join(cfg, '..', 'stacks/app/docker-compose.yml'), app.replace('app:${APP_TAG}', 'app:${APP_TAG}-slim'));
    expect((await converge(s, cfg)).exitCode).toBe(0);
    const put = s.writes().find((r) => r.method === 'PUT')!;
    expect(put.query.endpointId).toBe('4');
    expect(s.stacks()).toHaveLength(1);
  });

  it('verifies TLS with --ca-file, and refuses an unknown CA with exit 69 and what to do', async () => {
    const s = await start({ version: '2.21.4', tls: true });
    expect(s.url.startsWith('https://')).toBe(true);
    const cfg = config();
    const refused = await converge(s, cfg);
    expect(refused.exitCode).toBe(69);
    expect(refused.stderr).toMatch(/certificate/i);
    expect(refused.stderr).toContain('--ca-file');
    expect(s.requests).toEqual([]);

    const ca = join(mkdtempSync(join(tmpdir(), 'phoenix-ca-')), 'ca.pem');
    writeFileSync(ca, s.caCertPem!);
    const trusted = await converge(s, cfg, ['--ca-file', ca]);
    expect(trusted.exitCode).toBe(0);
    expect(trusted.stderr).not.toMatch(/insecure|TLS verification is OFF/);

    const insecure = await converge(s, cfg, ['--insecure']);
    expect(insecure.exitCode).toBe(0);
    expect(insecure.stderr).toContain('TLS verification is OFF');
  });

  it('waits for asynchronous deploys (Status 3 then 1) on the newest versions', async () => {
    const s = await start({ version: '2.39.0', asyncDeploy: true, faults: { deployMs: 400 } });
    const result = await converge(s, config());
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Apply: 1 done, 0 failed, 0 not attempted.');
    expect(s.stacks()[0].status).toBe(1);
    expect(s.requests.filter((r) => r.method === 'GET' && /^\/api\/stacks\/\d+$/.test(r.path)).length).toBeGreaterThan(0);
  });

  it('reports an asynchronous deploy that fails (Status 4) with Portainer’s message and exit 1', async () => {
    const s = await start({ version: '2.39.0', asyncDeploy: true, faults: { deployMs: 100, failDeployFor: ['broken'] } });
    const result = await converge(s, config(['app', 'broken']));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/FAILED create broken: Portainer failed to deploy broken: .+/);
    expect(result.stdout).toContain('done   create app');
    expect(result.stdout).toContain('Apply: 1 done, 1 failed, 0 not attempted.');

    // Once the cause is gone, a rerun redeploys the failed stack even though its text matches.
    s.setFaults({ deployMs: 100 });
    const rerun = await converge(s, config(['app', 'broken']));
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout).toMatch(/~ broken +in sync, but its last deploy failed in Portainer: redeploy/);
    expect(s.stacks().find((st) => st.name === 'broken')!.status).toBe(1);
  });

  it('reports a synchronous deploy failure (500 with compose output) with exit 1, the other stack still done', async () => {
    const s = await start({ version: '2.21.4', faults: { failDeployFor: ['broken'] } });
    const result = await converge(s, config(['app', 'broken']), ['--json']);
    expect(result.exitCode).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.ok).toBe(false);
    const byStack = Object.fromEntries(doc.result.vms[0].results.map((r: { stack: string }) => [r.stack, r]));
    expect(byStack.app.outcome).toBe('done');
    expect(byStack.broken).toMatchObject({ outcome: 'failed', error: { code: 'PORTAINER_SERVER_ERROR' } });
    expect(byStack.broken.error.message).toContain('Portainer answered 500');
  });

  it('limits a run to one stack: the other drifted stack is neither planned nor written', async () => {
    const oldText = `${ownershipMarker(2001)}\nservices:\n  old:\n    image: x\n`;
    const s = await start({ version: '2.21.4', stacks: [{ name: 'broken', endpointId: 4, composeText: oldText }] });
    const cfg = config(['app', 'broken']);
    const result = await runCli(['portainer', '2001', 'converge', 'app', '--yes', '--config', cfg, '--url', s.url], { env: { PORTAINER_API_KEY: TOKEN } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('+ app');
    expect(result.stdout).not.toContain('broken');
    expect(s.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/stacks/create/standalone/string']);
    expect(s.stacks().find((st) => st.name === 'broken')!.composeText).toBe(oldText);
  });
});
