import { deleteToken } from '../../../app/token';
import { deleteStoreFlag, SecretCommand, tokenFlags } from '../../../cli/secret-command';
import { tokenDeleteResult, tokenDeleteToJson } from '../../../render/token-json';
import type { TokenDeleteResult } from '../../../render/token-json';

export default class TokenDelete extends SecretCommand<typeof TokenDelete> {
  static override summary = 'Remove the API token stored for this Portainer (its OS keyring entry, or the token file when that is its source).';
  static override description = `Removes the token where it was found for this Portainer URL: its keyring entry (account = the URL's origin) or, when there is none and PORTAINER_API_KEY is not set, the token file. The token file may serve other Portainers, so it is removed beside a keyring entry only with --store file. Says what it removed. The token stays valid in Portainer: revoke it there (My account > Access tokens) if it leaked.`;
  static override examples = ['phoenix portainer token delete', 'phoenix portainer token delete --store file'];
  static override flags = { ...tokenFlags, store: deleteStoreFlag };

  static override result = tokenDeleteResult;

  public async run(): Promise<TokenDeleteResult> {
    const result = await deleteToken({ ...this.tokenRequest(), store: this.flags.store });
    if (result.removed.length === 0) this.out('No stored token found; nothing removed.');
    for (const removed of result.removed) this.out(`Removed the token from the ${removed.store === 'file' ? `token file ${removed.where}` : removed.where}.`);
    if (result.removed.length > 0) this.note('The token stays valid in Portainer until it is revoked there: My account > Access tokens.');
    return tokenDeleteToJson(result);
  }
}
