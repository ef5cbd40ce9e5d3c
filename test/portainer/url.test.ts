import { ExitCode, PhoenixError } from '../../src/errors';
import { parsePortainerUrl, PortainerClient } from '../../src/portainer';

/** The code and exit code of what `run` throws (it must throw a PhoenixError). */
function refusal(run: () => unknown): { code: string; exitCode: number; message: string; hint?: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof PhoenixError)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
  throw new Error('expected a refusal');
}

describe('parsePortainerUrl: the one check of a Portainer URL', () => {
  it.each([
    ['https://portainer.internal:9443', 'portainer.internal'],
    ['https://portainer.internal:9443/', 'portainer.internal'],
    ['http://127.0.0.1:9000', '127.0.0.1'],
    ['http://localhost:9000', 'localhost'],
    ['http://[::1]:9000', '[::1]'],
  ])('accepts %s', (raw, hostname) => {
    expect(parsePortainerUrl(raw, { insecure: false }).hostname).toBe(hostname);
  });

  it.each([['https://admin:s3cret@portainer:9443'], ['admin:s3cret@portainer:9443'], ['https://admin@portainer:9443/api'], ['  https://admin:pw@portainer:9443  ']])(
    'refuses credentials in %p with URL_CREDENTIALS (64), never echoing them',
    (raw) => {
      const r = refusal(() => parsePortainerUrl(raw, { insecure: true }));
      expect(r).toMatchObject({ code: 'URL_CREDENTIALS', exitCode: ExitCode.USAGE });
      expect(r.message).toContain('…@portainer');
      expect(r.message).not.toMatch(/s3cret|admin/);
      expect(r.hint).toContain('phoenix portainer token set');
    },
  );

  it.each([['portainer.internal:9443'], ['not a url'], ['ftp://portainer:21'], ['file:///etc/passwd'], ['https://portainer\n.internal:9443'], ['https://portainer.internal:9443/\tx'], ['']])(
    'refuses %p with URL_INVALID (64) and an example of a good one',
    (raw) => {
      const r = refusal(() => parsePortainerUrl(raw, { insecure: false }));
      expect(r).toMatchObject({ code: 'URL_INVALID', exitCode: ExitCode.USAGE });
      expect(r.hint).toContain('https://');
      // The text is quoted as JSON: a newline in it cannot forge a second output line.
      expect(r.message).not.toContain('\n');
    },
  );

  it('refuses plain http to a non-loopback host unless insecure (URL_PLAINTEXT, 64)', () => {
    expect(refusal(() => parsePortainerUrl('http://portainer.internal:9000', { insecure: false }))).toMatchObject({ code: 'URL_PLAINTEXT', exitCode: ExitCode.USAGE });
    expect(parsePortainerUrl('http://portainer.internal:9000', { insecure: true }).host).toBe('portainer.internal:9000');
  });
});

describe('the client checks its URL with the same function', () => {
  const client = (url: string) => () => new PortainerClient({ url, apiKey: 'ptr_x' });

  it('refuses credentials in the URL (it used to strip them silently)', () => {
    expect(refusal(client('https://admin:pw@portainer.test:9443'))).toMatchObject({ code: 'URL_CREDENTIALS', exitCode: ExitCode.USAGE });
  });

  it('uses the same code as the connection for a URL that is not http(s)', () => {
    expect(refusal(client('ftp://portainer.test'))).toMatchObject({ code: 'URL_INVALID', exitCode: ExitCode.USAGE });
    expect(refusal(client('portainer.test:9443'))).toMatchObject({ code: 'URL_INVALID', exitCode: ExitCode.USAGE });
  });
});
