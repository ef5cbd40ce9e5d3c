import { Flags } from '@oclif/core';

import { createToken } from '../../../app/token';
import { SecretCommand, storeFlag, tokenFlags, verifyFlag } from '../../../cli/secret-command';
import { readSecretInput } from '../../../cli/prompts';
import { UsageError } from '../../../errors';
import { tokenCreateResult, tokenCreateToJson } from '../../../render/token-json';
import type { TokenCreateResult } from '../../../render/token-json';

export default class TokenCreate extends SecretCommand<typeof TokenCreate> {
  static override summary = 'Log in once, mint an API token for that user, and store it like token set.';
  static override description = `Logs in with POST /api/auth exactly once (Portainer bans an IP for an hour after a burst of failed logins, so a failure is never retried), mints an access token for the user (described "phoenix on <hostname>"), and stores it in the OS keyring or the token file. The login session and the password are kept nowhere. The password comes from a hidden prompt, or from stdin with --password-stdin.`;
  static override examples = [
    { description: 'Prompted for the password', command: 'phoenix portainer token create --username admin' },
    { description: 'Headless, password from a file', command: 'phoenix portainer token create --username admin --password-stdin --store file < /root/portainer-admin-password' },
  ];
  static override flags = {
    ...tokenFlags,
    username: Flags.string({ required: true, summary: 'Portainer user to log in as; the token belongs to this user.' }),
    'password-stdin': Flags.boolean({ summary: 'Read the password from stdin instead of a hidden prompt.' }),
    description: Flags.string({ summary: 'Description of the token in Portainer (default "phoenix on <hostname>").' }),
    store: storeFlag,
    verify: verifyFlag,
  };

  static override result = tokenCreateResult;

  public async run(): Promise<TokenCreateResult> {
    if (!this.flags['password-stdin'] && !process.stdin.isTTY) {
      throw new UsageError('no terminal to ask for the password', { code: 'PASSWORD_INPUT', hint: 'Pipe it on stdin with --password-stdin.' });
    }
    const password = await readSecretInput(`Password of ${this.flags.username}`);
    this.secrets.push(password);
    const created = await createToken({
      ...this.tokenRequest(),
      username: this.flags.username,
      password,
      description: this.flags.description,
      store: this.flags.store,
      verify: this.flags.verify,
    });
    const place = created.store === 'file' ? `token file ${created.where}` : created.where;
    this.out(`Created the token ${created.prefix} ("${created.description}") for ${created.username} on ${created.url}; stored in the ${place}.`);
    return tokenCreateToJson(created);
  }
}
