import { deleteToken } from '../../../app/token';
import { EXIT_CODES_HELP } from '../../../base-command';
import { deleteStoreFlag, SecretCommand, tokenFlags } from '../../../secret-command';

export default class TokenDelete extends SecretCommand<typeof TokenDelete> {
  static override summary = 'Remove the stored API token from the OS keyring and/or the token file.';
  static override description = `Removes the keyring entry of the Portainer URL's origin and the token file (both unless --store names one), and says what it removed. The token stays valid in Portainer: revoke it there (My account > Access tokens) if it leaked.

EXIT CODES
${EXIT_CODES_HELP}`;
  static override examples = ['phoenix portainer token delete', 'phoenix portainer token delete --store file'];
  static override flags = { ...tokenFlags, store: deleteStoreFlag };

  public async run(): Promise<unknown> {
    const result = await deleteToken({ ...this.tokenRequest(), store: this.flags.store });
    if (result.removed.length === 0) this.out('No stored token found; nothing removed.');
    for (const removed of result.removed) this.out(`Removed the token from the ${removed.store === 'file' ? `token file ${removed.where}` : removed.where}.`);
    return result;
  }
}
