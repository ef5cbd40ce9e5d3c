import { Args } from '@oclif/core';

import { setSecret } from '../../app/secrets';
import { SecretCommand, storeFlag } from '../../cli/secret-command';
import { readSecretInput } from '../../cli/prompts';
import { secretSetResult, secretSetToJson } from '../../render/secret-json';
import type { SecretSetResult } from '../../render/secret-json';

export default class SecretSet extends SecretCommand<typeof SecretSet> {
  static override summary = 'Store a secret env value that the config names as { "secret": "<name>" }.';
  static override description = `Reads the value from stdin when it is piped (one trailing newline dropped), else asks for it on the terminal without echo; never from the command line. It goes to the OS keyring (service phoenix-secrets, account = the name), or with --store file or where no keyring is usable to <secrets dir>/<name> (PHOENIX_SECRETS_DIR, portainer.secrets_dir, default /etc/phoenix/secrets; mode 0600, written atomically). Values are never printed: plans name the env key only.`;
  static override examples = [
    { description: 'Prompted for the value', command: 'phoenix secret set grafana_admin' },
    { description: 'From a file, into the secrets directory', command: 'phoenix secret set grafana_admin --store file < grafana-admin.txt' },
  ];
  static override args = {
    name: Args.string({ required: true, ignoreStdin: true, description: 'secret name, as in { "secret": "<name>" }' }),
    value: Args.string({ hidden: true, ignoreStdin: true, description: 'refused: the value never goes on the command line' }),
  };
  static override flags = { store: storeFlag };

  static override result = secretSetResult;

  public async run(): Promise<SecretSetResult> {
    this.refuseArgvSecret(this.args.value, 'a secret value', `phoenix secret set ${this.args.name}`);
    const value = await readSecretInput(`Value of secret ${this.args.name}`);
    this.secrets.push(value);
    const stored = await setSecret({ config: this.flags.config, env: process.env, warn: this.warnLine, name: this.args.name, value, store: this.flags.store });
    this.out(`Stored secret ${stored.name} in the ${stored.store === 'file' ? `file ${stored.where}` : stored.where}.`);
    return secretSetToJson(stored);
  }
}
