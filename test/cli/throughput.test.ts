/**
 * What the throughput work keeps true at run time (the figures themselves are `npm run bench`'s,
 * never a timed test): the undici package, which cost about 100-170 ms of start-up and a second
 * HTTP stack in memory, is loaded only when TLS needs an Agent (a private CA or --insecure); a
 * plain converge goes through the global fetch's own pool, and a CA file still reaches the
 * handshake; that pool opens one connection per request in flight, no more (each one more is a
 * TLS handshake against a real Portainer).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
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

describe('connections to Portainer', () => {
  /** Counts the TCP connections every server of this process accepts (the simulator runs in it). */
  let accepted = 0;
  type Emit = (this: net.Server, event: string | symbol, ...args: unknown[]) => boolean;
  const prototype = net.Server.prototype as unknown as { emit: Emit };
  const emit = prototype.emit;
  beforeAll(() => {
    prototype.emit = function counting(event, ...args) {
      if (event === 'connection') accepted++;
      return emit.call(this, event, ...args);
    };
  });
  afterAll(() => {
    prototype.emit = emit;
  });

  const many = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`app-${String(i).padStart(2, '0')}`, { compose: `services:\n  app:\n    image: nginx:1.${i}\n` }]));
  const vm = [{ vmid: 1002, name: 'app', portainer_environment_name: 'local', docker_stacks: Object.keys(many) }];

  it.each([2, 4])('a converge with --concurrency %i opens no more connections than requests it has in flight', async (concurrency) => {
    const { run, sim } = await fixture.start({}, { stacks: many, vms: vm });
    const created = await run(['1002', 'converge', '--yes', '--concurrency', String(concurrency)]);
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toContain('Plan: 24 to create');
    accepted = 0;
    const before = sim.requests.length;
    const noop = await run(['1002', 'converge', '--yes', '--concurrency', String(concurrency), '--json']);
    expect(noop.exitCode).toBe(0);
    expect(JSON.parse(noop.stdout)).toMatchObject({ ok: true });
    expect(sim.requests.length - before).toBe(3 + 1 + 24); // status, environments, stacks, what runs (one read), then one file read per stack
    expect(sim.writes().filter((w) => w.at >= sim.requests[before].at)).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThanOrEqual(concurrency);
  });
});
