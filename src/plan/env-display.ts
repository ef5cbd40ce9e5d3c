/**
 * Which env values a plan may show. Only the desired value of a literal from the config is ever
 * shown: never a value read from Portainer (it may be a secret someone set by hand), never a
 * `{ "secret": ... }` value, and never the value of a name or a value that looks like a
 * credential, whatever the config says.
 */

/** Name fragments that mark a credential, matched case-insensitively anywhere in the name. */
const SENSITIVE_NAME = /PASS|PWD|TOKEN|SECRET|KEY|CREDENTIAL|PRIVATE|AUTH|SALT|DSN/i;

/** A URL that carries a password (`scheme://user:password@host`). */
const PASSWORD_IN_URL = /:\/\/[^/@\s]*:[^/@\s]*@/;

export type HiddenReason = 'secret' | 'sensitive';

export function hiddenReason(name: string, value: string, secret: boolean): HiddenReason | undefined {
  if (secret) return 'secret';
  if (SENSITIVE_NAME.test(name) || PASSWORD_IN_URL.test(value)) return 'sensitive';
  return undefined;
}
