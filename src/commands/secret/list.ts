import { listSecrets } from '../../app/secrets';
import { SecretCommand } from '../../cli/secret-command';
import { secretListResult, secretListToJson } from '../../render/secret-json';
import type { SecretListResult } from '../../render/secret-json';

export default class SecretList extends SecretCommand<typeof SecretList> {
  static override summary = 'List stored secret names and where each is (never a value).';
  static override description = `Names from the OS keyring (service phoenix-secrets) and from the secrets directory; a file that phoenix would refuse (mode, owner) is flagged with the command that fixes it.`;
  static override examples = ['phoenix secret list', 'phoenix secret list --json'];

  static override result = secretListResult;

  public async run(): Promise<SecretListResult> {
    const result = await listSecrets({ config: this.flags.config, env: process.env, warn: this.warnLine });
    if (result.secrets.length === 0) this.out(`No secrets stored (OS keyring, or ${result.secretsDir}).`);
    const width = Math.max(4, ...result.secrets.map((s) => s.name.length));
    if (result.secrets.length > 0) this.out(`${'NAME'.padEnd(width)}  WHERE`);
    for (const secret of result.secrets) {
      const where = secret.stores.map((store) => (store === 'file' ? `file (${result.secretsDir})` : 'keyring')).join(', ');
      this.out(`${secret.name.padEnd(width)}  ${where}${secret.problem ? `  UNSAFE: ${secret.problem}` : ''}`);
    }
    return secretListToJson(result);
  }
}
