/**
 * What the throughput work keeps true at run time (the figures themselves are `npm run bench`'s,
 * never a timed test): the undici package, which cost about 100-170 ms of start-up and a second
 * HTTP stack in memory, is loaded only when TLS needs an Agent (a private CA or --insecure); a
 * plain converge goes through the global fetch's own pool, and a CA file still reaches the
 * handshake.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useSimulatorCli } from '../helpers/sim-cli';

const fixture = useSimulatorCli();

const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';
const stacks = { web: { compose: COMPOSE }, api: { compose: 'services:\n  api:\n    image: "it\'s \\"quoted\\":1"\n' } };
const vms = [{ vmid: 1002, name: 'app', portainer_environment_name: 'local', docker_stacks: ['web', 'api'] }];

/** A preload that writes, at exit, every loaded module file of the undici package (one per line). */
function undiciProbe(): { env: NodeJS.ProcessEnv; loaded: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-undici-probe-'));
  const out = join(dir, 'loaded.txt');
  const probe = join(dir, 'probe.js');
  writeFileSync(
    probe,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/]undici[\\\\/]/.test(f)).join('\\n')));\n`,
  );
  return {
    env: { NODE_OPTIONS: `--require ${probe}` },
    loaded: () => readFileSync(out, 'utf8').split('\n').filter(Boolean),
  };
}

describe('the HTTP stack a run loads', () => {
  it('a converge over plain HTTP never loads the undici package, and a second run writes nothing', async () => {
    const { run, sim } = await fixture.start({}, { stacks, vms });
    const first = await run(['1002', 'converge', '--yes']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('Plan: 2 to create');
    const probe = undiciProbe();
    const writes = sim.writes().length;
    const second = await run(['1002', 'converge', '--yes', '--detailed-exitcode', '--concurrency', '1'], { env: probe.env });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged.');
    expect(second.stderr).toContain('Nothing to do: the VM matches the config.');
    expect(sim.writes().length).toBe(writes);
    expect(probe.loaded()).toEqual([]);
  });

  it('--ca-file over HTTPS loads the Agent that carries the CA, and the handshake trusts it', async () => {
    const { run, sim } = await fixture.start({ tls: true }, { stacks, vms });
    const dir = mkdtempSync(join(tmpdir(), 'phoenix-ca-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, sim.caCertPem ?? '');
    const probe = undiciProbe();
    const result = await run(['1002', 'plan', '--ca-file', ca], { env: probe.env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Plan: 2 to create');
    expect(result.stderr).toBe('');
    expect(probe.loaded().length).toBeGreaterThan(0);

    // Without the CA the same server is refused with the hint that names --ca-file.
    const refused = await run(['1002', 'plan']);
    expect(refused.exitCode).toBe(69);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('--ca-file');
  });
});
