/**
 * The error mapping against real sockets, not nock: a real TLS failure arrives as
 * TypeError('fetch failed') with the code on its cause, and the Agent's `ca` / `insecure`
 * options must really reach the TLS handshake.
 */
import { generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';
import { PortainerClient } from '../../src/portainer';
import { rejection, TOKEN } from './nock-helpers';

function selfSigned(): { key: string; cert: string } {
  // Node's keygen is native and fast; forge only writes the certificate.
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privatePem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const keys = { privateKey: forge.pki.privateKeyFromPem(privatePem), publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  const attrs = [{ name: 'commonName', value: 'portainer-test' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: privatePem, cert: forge.pki.certificateToPem(cert) };
}

const pem = selfSigned();
let server: https.Server;
let url: string;
const seenKeys: (string | undefined)[] = [];

beforeAll(async () => {
  server = https.createServer({ key: pem.key, cert: pem.cert }, (req, res) => {
    seenKeys.push(req.headers['x-api-key'] as string | undefined);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify([]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const noSleep = async () => undefined;

it('an untrusted self-signed certificate → PORTAINER_TLS with the --ca-file hint', async () => {
  const client = new PortainerClient({ url, apiKey: TOKEN, sleep: noSleep });
  const error = await rejection(client.listStacks());
  await client.close();
  expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_TLS', hint: expect.stringContaining('--ca-file') });
});

it('the same server is trusted with its certificate as `ca`', async () => {
  const client = new PortainerClient({ url, apiKey: TOKEN, ca: pem.cert, sleep: noSleep });
  await expect(client.listStacks()).resolves.toEqual([]);
  await client.close();
  expect(seenKeys.at(-1)).toBe(TOKEN);
});

it('and with `insecure`', async () => {
  const client = new PortainerClient({ url, apiKey: TOKEN, insecure: true, sleep: noSleep });
  await expect(client.listStacks()).resolves.toEqual([]);
  await client.close();
});

it('a closed port → PORTAINER_UNREACHABLE (exit 69) after 3 visible retries', async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const logs: string[] = [];
  const client = new PortainerClient({ url: `http://127.0.0.1:${port}`, apiKey: TOKEN, sleep: noSleep, log: (l) => logs.push(l) });
  const error = await rejection(client.listStacks());
  await client.close();
  expect(error).toMatchObject({ exitCode: 69, code: 'PORTAINER_UNREACHABLE' });
  expect(logs.filter((l) => l.includes('ECONNREFUSED') && l.includes('retry'))).toHaveLength(3);
});
