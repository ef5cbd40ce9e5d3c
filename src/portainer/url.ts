import { UsageError } from '../errors';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The one check of a Portainer base URL, used by the connection (before the token is looked up)
 * and by the client itself. Refuses, with exit 64 and what to do:
 * - a user name or password in it (`https://admin:pw@host`, URL_CREDENTIALS): it would be printed
 *   in every plan header, debug line and `--json` document. Checked on the text first, before any
 *   message could echo it, and so that `admin:pw@host:9443` without a scheme (which parses as a
 *   URL of scheme "admin:") is caught too;
 * - anything that is not an http(s) URL (URL_INVALID), and a control character inside it (the
 *   URL parser drops tabs and newlines silently, but the text given is what plans and logs show:
 *   a newline in it could forge an output line);
 * - plain http to anything but loopback unless `insecure` (URL_PLAINTEXT): the API key would
 *   travel in clear text.
 * Returns the parsed URL; callers keep the text they were given for display.
 */
export function parsePortainerUrl(raw: string, options: { insecure: boolean }): URL {
  refuseCredentials(raw);
  // eslint-disable-next-line no-control-regex -- control characters are what is refused here
  if (/[\u0000-\u001f\u007f]/.test(raw.trim())) {
    throw new UsageError(`${JSON.stringify(raw)} is not a URL: it holds a control character (a newline or tab?)`, {
      code: 'URL_INVALID',
      hint: 'Remove the control character from --url / PORTAINER_URL / portainer.url, for example https://portainer.internal:9443.',
    });
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`${JSON.stringify(raw)} is not a URL`, {
      code: 'URL_INVALID',
      hint: 'Give the scheme too in --url / PORTAINER_URL / portainer.url, for example https://portainer.internal:9443.',
    });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UsageError(`${JSON.stringify(raw)} is not an http(s) URL`, { code: 'URL_INVALID', hint: 'Use https://host:9443 (or http://host:9000) in --url / PORTAINER_URL / portainer.url.' });
  }
  if (parsed.protocol === 'http:' && !LOOPBACK.has(parsed.hostname) && !options.insecure) {
    throw new UsageError(`refusing to send the API token in clear text to ${parsed.host}`, {
      code: 'URL_PLAINTEXT',
      hint: 'Use Portainer’s HTTPS port (https://host:9443, with --ca-file for its CA), or accept the risk with --insecure.',
    });
  }
  return parsed;
}

function refuseCredentials(raw: string): void {
  const authority =
    raw
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
      .split(/[/?#]/)[0] ?? '';
  if (!authority.includes('@')) return;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  throw new UsageError(`the Portainer URL carries a user name or password (…@${host}); it would be printed in every plan and log`, {
    code: 'URL_CREDENTIALS',
    hint: 'Remove "user:password@" from --url / PORTAINER_URL / portainer.url (or the Phoenix layout file). Credentials go in the OS keyring or the token file: phoenix portainer token set (or token create --username <user>).',
  });
}
