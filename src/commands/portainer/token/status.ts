import { tokenStatus } from '../../../app/token';
import { SecretCommand, tokenFlags, verifyFlag } from '../../../cli/secret-command';
import { tokenStatusResult, tokenStatusToJson } from '../../../render/token-json';
import type { TokenStatusResult } from '../../../render/token-json';

export default class TokenStatus extends SecretCommand<typeof TokenStatus> {
  static override summary = 'Say where the API token comes from, show its first characters, and check it against Portainer.';
  static override description = `Sources, first found wins: PORTAINER_API_KEY; the OS keyring (service phoenix-portainer, account = the Portainer URL's origin); the token file (PHOENIX_TOKEN_FILE, portainer.token_file, default /etc/phoenix/portainer-api-key). Exit 77 when there is no token, the file is unsafe, or Portainer refuses it.`;
  static override examples = ['phoenix portainer token status', 'phoenix portainer token status --json', 'phoenix portainer token status --no-verify'];
  static override flags = { ...tokenFlags, verify: verifyFlag };

  static override result = tokenStatusResult;

  public async run(): Promise<TokenStatusResult> {
    const { error, ...status } = await tokenStatus({ ...this.tokenRequest(), verify: this.flags.verify });
    this.out(`Token ${status.prefix} for ${status.url}, from ${status.where}.`);
    if (status.check === 'accepted') this.out(`Portainer ${status.portainerVersion} accepts it (${status.environments} environment(s) visible).`);
    if (status.check === 'skipped') this.out('Not checked (--no-verify).');
    if (error) this.failure = error;
    return tokenStatusToJson(status);
  }
}
