import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { REPO, registerSecret, runCli } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
const FIXTURE = join(REPO, 'test/fixtures/phoenix-layout');
// The fixture's Git-tracked credentials: phoenix must never print (or send) them.
registerSecret('ptr_fixture_key_must_not_leak');
registerSecret('fixture-admin-password-must-not-leak');

let sim: Simulator;

afterEach(async () => {
  await sim?.stop();
});

/** Every file under dir with its bytes, for a before/after comparison. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path).toString('base64');
    }
  };
  walk(dir);
  return out;
}

const endpoints = [
  { id: 1, name: 'primary', type: 1 as const },
  { id: 2, name: 'drphoenix', type: 2 as const },
];

describe('the existing Phoenix Hypervisor layout, untouched', () => {
  it('converges the fixture as it is, and its bytes are identical after the run', async () => {
    sim = await startSimulator({ endpoints });
    const before = snapshot(FIXTURE);
    const run = (args: string[]) => runCli(['portainer', ...args, '--config', join(FIXTURE, 'phoenix_vm_configs.json'), '--url', sim.url], { env: { PORTAINER_API_KEY: TOKEN } });

    const first = await run(['converge', '--all', '--yes']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(/^8001\s+portainer-primary\s+-.*skipped \(no docker_stacks\)$/m);
    expect(first.stdout).toMatch(/^8002\s+drphoenix\s+-\s+3\s+0\s+0\s+0\s+0\s+applied$/m);
    const stacks = Object.fromEntries(sim.stacks().map((s) => [s.name, s]));
    expect(Object.keys(stacks).sort()).toEqual(['monitoring', 'qdrant_service', 'whoami']);
    // no environment on the VM or the entry: the layout's production variables (numbers as strings)
    expect(stacks.qdrant_service.env).toEqual([
      { name: 'QDRANT_PORT', value: '6333' },
      { name: 'QDRANT_TAG', value: 'v1.12.0' },
    ]);
    // the entry names its environment
    expect(stacks.monitoring.env).toEqual([{ name: 'GRAFANA_TAG', value: '11.3.0' }]);
    // only stacks/<name>/docker-compose.yml: no env
    expect(stacks.whoami.env).toEqual([]);
    expect(stacks.qdrant_service.composeText).toContain('image: qdrant/qdrant:${QDRANT_TAG}');

    const writes = sim.writes().length;
    const second = await run(['8002', 'converge', '--yes']);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 3 unchanged.');
    expect(sim.writes().length).toBe(writes);
    expect(snapshot(FIXTURE)).toEqual(before);
  });

  it('without portainer.url, reaches Portainer at phoenix_hypervisor_config.json’s HTTPS address and never uses its credentials', async () => {
    sim = await startSimulator({ endpoints, tls: true });
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-layout-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const port = new URL(sim.url).port;
    const hypervisor = join(dir, 'phoenix_hypervisor_config.json');
    writeFileSync(hypervisor, readFileSync(hypervisor, 'utf8').replace('"portainer_server_port": 9443', `"portainer_server_port": ${port}`));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, sim.caCertPem ?? '');

    const result = await runCli(['portainer', '8002', 'plan', '--config', join(dir, 'phoenix_vm_configs.json'), '--ca-file', ca], { env: { PORTAINER_API_KEY: TOKEN } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`at https://127.0.0.1:${port}`);
    expect(result.stdout).toContain('Plan: 3 to create');
    expect(result.stderr).toContain('holds portainer_api.api_key: phoenix never uses credentials from a Git-tracked file');
    expect(result.stderr).toContain('holds portainer_api.admin_password');
    expect(result.stderr).toContain('phoenix portainer token set');
    expect(sim.requests.every((r) => r.headers['x-api-key'] === undefined || r.headers['x-api-key'] === '<redacted>')).toBe(true);
    expect(JSON.stringify(sim.requests)).not.toContain('ptr_fixture_key_must_not_leak');
  });
});
