import { X509Certificate } from 'node:crypto';
import { Agent } from 'undici';
import { simulators } from './helpers';

const start = simulators();

function causeCode(err: unknown): unknown {
  if (typeof err !== 'object' || err === null || !('cause' in err)) return undefined;
  const cause = err.cause;
  return typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
}

describe('TLS', () => {
  it('serves HTTPS with a certificate signed by the returned CA, for 127.0.0.1 and localhost', async () => {
    const t0 = Date.now();
    const sim = await start({ tls: true });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = sim.caCertPem ?? '';
    expect(new X509Certificate(ca).ca).toBe(true);
    const dispatcher = new Agent({ connect: { ca } });
    // @types/node types the global fetch with its bundled undici-types, whose
    // Dispatcher differs nominally from undici 7's; at run time they agree (docs/portainer-api.md#tls).
    const init = { dispatcher } as unknown as RequestInit;
    try {
      const byIp = await fetch(`${sim.url}/api/status`, init);
      expect(byIp.status).toBe(200);
      const byName = await fetch(`${sim.url.replace('127.0.0.1', 'localhost')}/api/status`, init);
      expect(byName.status).toBe(200);
    } finally {
      await dispatcher.close();
    }
  });

  it('is refused by a client that does not trust the CA', async () => {
    const sim = await start({ tls: true });
    const err: unknown = await fetch(`${sim.url}/api/status`).then(
      () => undefined,
      (e: unknown) => e,
    );
    // fetch's TypeError comes from Node's realm, not jest's: check its shape, not instanceof.
    expect(err).toMatchObject({ message: 'fetch failed' });
    expect(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']).toContain(causeCode(err));
  });
});
