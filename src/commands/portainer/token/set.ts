import { Args } from '@oclif/core';

import { setToken } from '../../../app/token';
import { SecretCommand, storeFlag, tokenFlags, verifyFlag } from '../../../cli/secret-command';
import { readSecretInput } from '../../../cli/prompts';
import { tokenSetResult, tokenSetToJson } from '../../../render/token-json';
import type { TokenSetResult } from '../../../render/token-json';

export default class TokenSet extends SecretCommand<typeof TokenSet> {
  static override summary = 'Check an API token against Portainer and store it (OS keyring, else a root-only file).';
  static override description = `Reads the token from stdin when it is piped, else asks for it on the terminal without echo; never from the command line. Portainer must accept it (an authenticated read) unless --no-verify; a refused token is stored nowhere (exit 77). It goes to the OS keyring (service phoenix-portainer, account = the URL's origin), or to the token file (PHOENIX_TOKEN_FILE, portainer.token_file, default /etc/phoenix/portainer-api-key; written atomically with mode 0600) with --store file or where no keyring is usable.`;
  static override examples = [
    { description: 'Paste the token at a hidden prompt', command: 'phoenix portainer token set --url https://portainer.internal:9443' },
    { description: 'On a headless hypervisor, from a secret manager', command: 'vault read -field=token secret/portainer | phoenix portainer token set --store file' },
  ];
  static override args = { token: Args.string({ hidden: true, ignoreStdin: true, description: 'refused: the token never goes on the command line' }) };
  static override flags = { ...tokenFlags, store: storeFlag, verify: verifyFlag };

  static override result = tokenSetResult;

  public async run(): Promise<TokenSetResult> {
    this.refuseArgvSecret(this.args.token, 'the token', 'phoenix portainer token set');
    const token = await readSecretInput('Portainer API token');
    this.secrets.push(token.trim());
    const stored = await setToken({ ...this.tokenRequest(), token, store: this.flags.store, verify: this.flags.verify });
    const check = stored.verified ? `Portainer ${stored.portainerVersion} accepted it` : 'not checked (--no-verify)';
    const place = stored.store === 'file' ? `token file ${stored.where}` : stored.where;
    this.out(`Stored the token ${stored.prefix} for ${stored.url} in the ${place}; ${check}.`);
    return tokenSetToJson(stored);
  }
}
