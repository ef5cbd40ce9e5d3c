import { Args } from '@oclif/core';

import { deleteSecret } from '../../app/secrets';
import { deleteStoreFlag, SecretCommand } from '../../cli/secret-command';
import { secretDeleteResult, secretDeleteToJson } from '../../render/secret-json';
import type { SecretDeleteResult } from '../../render/secret-json';

export default class SecretDelete extends SecretCommand<typeof SecretDelete> {
  static override summary = 'Remove a secret from the OS keyring and/or the secrets directory.';
  static override description = `Removes both copies unless --store names one, and says what it removed. A config that still names the secret then fails before any request (exit 77).`;
  static override examples = ['phoenix secret delete grafana_admin', 'phoenix secret delete grafana_admin --store file'];
  static override args = { name: Args.string({ required: true, ignoreStdin: true, description: 'secret name' }) };
  static override flags = { store: deleteStoreFlag };

  static override result = secretDeleteResult;

  public async run(): Promise<SecretDeleteResult> {
    const result = await deleteSecret({ config: this.flags.config, env: process.env, warn: this.warnLine, name: this.args.name, store: this.flags.store });
    if (result.removed.length === 0) this.out(`Secret ${result.name} is not stored; nothing removed.`);
    for (const removed of result.removed) this.out(`Removed secret ${result.name} from the ${removed.store === 'file' ? `file ${removed.where}` : removed.where}.`);
    return secretDeleteToJson(result);
  }
}
