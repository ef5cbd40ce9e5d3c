import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TlsMaterial {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

interface KeyPairs {
  ca: forge.pki.rsa.KeyPair;
  server: forge.pki.rsa.KeyPair;
}

// RSA key generation in forge's pure JS is slow; node:crypto does it natively
// and we cache the pairs per process so that many simulators start fast.
let cachedKeys: KeyPairs | undefined;

function keyPair(): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

function keys(): KeyPairs {
  cachedKeys ??= { ca: keyPair(), server: keyPair() };
  return cachedKeys;
}

function serial(): string {
  // A positive serial: clear the top bit of the first byte.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + 365 * 24 * 3600 * 1000);
}

/**
 * A private CA and a server certificate it signed, for 127.0.0.1 and
 * localhost. Portainer itself serves a self-signed certificate on 9443
 * (docs/portainer-api.md#tls); a CA lets the tests exercise the `ca` option of the
 * client's dispatcher, the way operators trust a real instance.
 */
export function generateTlsMaterial(): TlsMaterial {
  const { ca, server } = keys();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  validity(caCert);
  const caSubject = [{ name: 'commonName', value: 'phoenix Portainer simulator CA' }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const cert = forge.pki.createCertificate();
  cert.publicKey = server.publicKey;
  cert.serialNumber = serial();
  validity(cert);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // type 2 = DNS name, type 7 = IP address: Node checks an IP host against IP SANs only.
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    caCertPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(server.privateKey),
  };
}
