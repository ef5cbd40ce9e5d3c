/**
 * Review of issue 14: the name of an environment still to register comes from the config
 * (portainer_environment_name, else the VM's name) and is printed before Portainer ever saw it.
 * The text plan shows it escaped (headerLine uses printable()), and the Markdown table row does
 * too, but the Markdown header line (src/render/plan-markdown.ts) interpolates
 * header.portainerEnvironmentName raw: `plan --markdown` writes an ANSI/OSC escape sequence to
 * stdout (terminal-escape injection in CI logs and terminals).
 */
import { useSimulatorCli } from '../helpers/sim-cli';

const cli = useSimulatorCli();
const STACKS = { web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' } };

describe('review: --markdown with a hostile environment name to register', () => {
  it('writes no control character to stdout', async () => {
    const vm = { vmid: 1003, name: 'newvm', portainer_role: 'agent', portainer_environment_name: 'new\u001b]0;owned\u0007vm', network_config: { ip: '10.0.0.13/24' }, docker_stacks: ['web'] };
    const { run } = await cli.start({ agents: ['tcp://10.0.0.13:9001'] }, { stacks: STACKS, vms: [vm] as never });
    const result = await run(['1003', 'plan', '--markdown']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('| register |');
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('escapes the VM name of the header too (a registered VM)', async () => {
    const vm = { vmid: 1003, name: 'bad\u001b[2Jvm', portainer_role: 'agent', portainer_environment_name: 'local', network_config: { ip: '10.0.0.13/24' }, docker_stacks: ['web'] };
    const { run } = await cli.start({ endpoints: [{ id: 1, name: 'local', type: 2, url: 'tcp://10.0.0.13:9001' }] }, { stacks: STACKS, vms: [vm] as never });
    const result = await run(['1003', 'plan', '--markdown']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('### phoenix: VM 1003 (bad\\u001b[2Jvm)');
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});
