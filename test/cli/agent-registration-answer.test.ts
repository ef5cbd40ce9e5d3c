/**
 * Review of issue 14: what Portainer answers to the registration is trusted without a look.
 * docs/portainer-api.md#environment-registration: for EndpointCreationType 2 Portainer pings the agent and creates Type 2 for an
 * agent on Docker, but Type 6 (Kubernetes agent, its URL without tcp://) for an agent on
 * Kubernetes; docs/portainer-api.md#environment-types: types 5/6/7 are not relevant to compose stacks. registerFirst()
 * (src/app/converge.ts) takes the answer's id and creates the VM's compose stacks on it whatever
 * its Type. A registration whose answer is not a Docker agent environment must not be followed
 * by stack writes (the run stops with an error that says what Portainer registered).
 *
 * The Portainer double: the simulator behind a loopback proxy that answers POST /api/endpoints
 * the way Portainer does for an agent on Kubernetes (Type 6, URL without tcp://).
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli, writeConfig } from '../helpers/cli';
import { SIM_TOKEN, useSimulatorCli } from '../helpers/sim-cli';

const cli = useSimulatorCli();
const STACKS = { web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } };
const NEW_VM = { vmid: 1003, name: 'newvm', portainer_role: 'agent', network_config: { ip: '10.0.0.13/24' }, docker_stacks: ['web'] };

/** Forwards everything to `target`; the answer of POST /api/endpoints is rewritten by `rewrite`. */
async function proxy(target: string, rewrite: (body: Record<string, unknown>) => Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const base = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upstream = request({ host: base.hostname, port: base.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          let body = Buffer.concat(parts);
          if (req.method === 'POST' && req.url === '/api/endpoints' && answer.statusCode === 200) body = Buffer.from(JSON.stringify(rewrite(JSON.parse(body.toString()))));
          const headers = { ...answer.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('review: the registration answer is a Kubernetes agent environment (Type 6)', () => {
  it('converge creates no compose stack on it and does not exit 0', async () => {
    const { sim } = await cli.start({ agents: ['tcp://10.0.0.13:9001'] });
    const front = await proxy(sim.url, (body) => ({ ...body, Type: 6, URL: '10.0.0.13:9001' }));
    try {
      const config = writeConfig(STACKS, [NEW_VM as never]);
      const result = await runCli(['portainer', '1003', 'converge', '--yes', '--config', config, '--url', front.url], { env: { PORTAINER_API_KEY: SIM_TOKEN } });
      expect(sim.writes().filter((w) => w.path.startsWith('/api/stacks'))).toEqual([]);
      expect(sim.stacks()).toEqual([]);
      expect(result.exitCode).not.toBe(0);
      expect(result.exitCode).toBe(73);
      expect(result.stderr).toContain('Portainer registered environment "newvm" (id 2) for the Docker agent at tcp://10.0.0.13:9001, but it is a Kubernetes agent environment: no stack was written');
      expect(result.stderr).toContain('phoenix never deletes it');
      // Never deleted: the environment Portainer made stays.
      expect(sim.writes().filter((w) => w.method === 'DELETE')).toEqual([]);
    } finally {
      await front.close();
    }
  });
});

describe('a name with a line break (the multipart form carries it as CRLF, Portainer stores that)', () => {
  it('is taken as the name sent, and a second converge registers nothing and writes nothing', async () => {
    const vm = { ...NEW_VM, portainer_environment_name: 'new\nvm' };
    const { sim, run } = await cli.start({ agents: ['tcp://10.0.0.13:9001'] }, { stacks: STACKS, vms: [vm] as never });
    const first = await run(['1003', 'converge', '--yes']);
    expect(first.exitCode).toBe(0);
    expect(sim.writes().filter((w) => w.method === 'POST' && w.path === '/api/endpoints')).toHaveLength(1);
    const before = sim.writes().length;
    const second = await run(['1003', 'converge', '--yes']);
    expect(second.stderr).toBe('Nothing to do: the VM matches the config.\n');
    expect(second.exitCode).toBe(0);
    expect(sim.writes()).toHaveLength(before);
    const listed = JSON.parse((await run(['environments', '--json'])).stdout) as { result: { toRegister: unknown[]; environments: Array<{ id: number; vms: Array<{ vmid: number }> }> } };
    expect(listed.result.toRegister).toEqual([]);
    expect(listed.result.environments.find((e) => e.id === 2)?.vms).toEqual([{ vmid: 1003, name: 'newvm' }]);
  });
});
