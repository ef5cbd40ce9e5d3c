/**
 * Review of issue 14: `portainer.agent_tls_skip_verify: false` (and
 * `agent_tls_skip_client_verify: false`) pass `config validate` and `plan` (which promises
 * "converge registers it first"), but phoenix uploads no certificate files, and Portainer
 * requires the file part TLSCACertFile unless TLSSkipVerify=true (and TLSCertFile/TLSKeyFile
 * unless TLSSkipClientVerify=true): docs/portainer-api.md#environment-registration, `400 Invalid CA certificate file`. Every
 * converge then fails at the registration with exit 1. A setting that can never work is a config
 * problem: refused offline (65) naming the key, before any request.
 */
import { runCli, writeConfig } from '../helpers/cli';

const STACKS = { web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } };
const NEW_VM = { vmid: 1003, name: 'newvm', portainer_role: 'agent', network_config: { ip: '10.0.0.13/24' }, docker_stacks: ['web'] };

describe('review: agent TLS verification turned on without certificate files', () => {
  it.each([['agent_tls_skip_verify'], ['agent_tls_skip_client_verify']])('portainer.%s: false is refused by config validate (65, naming the key)', async (key) => {
    const config = writeConfig(STACKS, [NEW_VM], { portainer: { [key]: false } });
    const result = await runCli(['config', 'validate', '--config', config]);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toContain(key);
    expect(result.stderr).toContain(`portainer.${key}: false needs`);
    expect(result.stderr).toContain('which phoenix does not do');
    expect(result.stdout).toBe('');
  });

  it('the refusal in --json names the key, and true (the default) is valid', async () => {
    const refused = await runCli(['config', 'validate', '--json', '--config', writeConfig(STACKS, [NEW_VM], { portainer: { agent_tls_skip_client_verify: false } })]);
    expect(refused.exitCode).toBe(65);
    const body = JSON.parse(refused.stdout) as { error: { details: string[] } };
    expect(body.error.details.join('\n')).toContain('portainer.agent_tls_skip_client_verify: false needs TLSCertFile and TLSKeyFile');
    const valid = await runCli(['config', 'validate', '--config', writeConfig(STACKS, [NEW_VM], { portainer: { agent_tls_skip_verify: true, agent_tls_skip_client_verify: true } })]);
    expect(valid.stderr).toBe('');
    expect(valid.exitCode).toBe(0);
  });
});
