/**
 * Review of issue 14: a registration whose answer is lost and that a re-read does not find ends
 * with "Registering Portainer environment "<name>" got no answer..." (src/portainer/
 * environments-create.ts). Unlike every other message of the feature, the name goes in raw, not
 * through printableText(): a config name with an escape sequence reaches the terminal (stderr).
 * The Portainer double: the simulator behind a loopback proxy that cuts the connection of
 * POST /api/endpoints before forwarding it (the answer is lost, nothing was registered).
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli, writeConfig } from '../helpers/cli';
import { SIM_TOKEN, useSimulatorCli } from '../helpers/sim-cli';

const cli = useSimulatorCli();
const STACKS = { web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } };

/** Cuts POST /api/endpoints before forwarding it; with `cutRereads`, every environment list after it too. */
async function cuttingProxy(target: string, cutRereads = false): Promise<{ url: string; close(): Promise<void> }> {
  const base = new URL(target);
  let posted = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/endpoints') {
        posted = true;
        req.socket.destroy();
        return;
      }
      if (cutRereads && posted && req.method === 'GET' && req.url?.startsWith('/api/endpoints') === true) {
        req.socket.destroy();
        return;
      }
      const upstream = request({ host: base.hostname, port: base.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('review: a lost registration answer with a hostile environment name', () => {
  it('exits 69 saying nothing was registered, with no control character on stderr', async () => {
    const { sim } = await cli.start({ agents: ['tcp://10.0.0.13:9001'] });
    const front = await cuttingProxy(sim.url);
    try {
      const vm = { vmid: 1003, name: 'newvm', portainer_role: 'agent', portainer_environment_name: 'new\u001b]0;owned\u0007vm', network_config: { ip: '10.0.0.13/24' }, docker_stacks: ['web'] };
      const config = writeConfig(STACKS, [vm as never]);
      const result = await runCli(['portainer', '1003', 'converge', '--yes', '--config', config, '--url', front.url], { env: { PORTAINER_API_KEY: SIM_TOKEN } });
      expect(result.exitCode).toBe(69);
      expect(result.stderr).toContain('got no answer');
      // eslint-disable-next-line no-control-regex
      expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      expect(sim.stacks()).toEqual([]);
    } finally {
      await front.close();
    }
  });

  it('when the re-read fails too: 69 saying the request was sent and its outcome is unknown, nothing resent', async () => {
    const { sim } = await cli.start({ agents: ['tcp://10.0.0.13:9001'] });
    const front = await cuttingProxy(sim.url, true);
    try {
      const vm = { vmid: 1003, name: 'newvm', portainer_role: 'agent', network_config: { ip: '10.0.0.13/24' }, docker_stacks: ['web'] };
      const config = writeConfig(STACKS, [vm as never]);
      const result = await runCli(['portainer', '1003', 'converge', '--yes', '--config', config, '--url', front.url], { env: { PORTAINER_API_KEY: SIM_TOKEN } });
      expect(result.exitCode).toBe(69);
      expect(result.stderr).toContain('Registering Portainer environment "newvm" got no answer, and Portainer could not be read again: the registration request was sent and its outcome is unknown');
      expect(result.stderr).toContain('Nothing was resent. Look in Portainer for an environment "newvm" at tcp://10.0.0.13:9001');
      expect(sim.stacks()).toEqual([]);
    } finally {
      await front.close();
    }
  });
});
