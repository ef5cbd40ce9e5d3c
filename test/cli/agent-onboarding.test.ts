/**
 * Onboarding a new agent VM, end to end over sockets with the built CLI and the simulator:
 * `converge` registers exactly one environment at the URL the config gives (network_config.ip
 * and the hypervisor config's agent port), creates the VM's stacks on it, and a second run sends
 * nothing; `plan` never registers; an unreachable agent is 69 with nothing left behind; a
 * same-named environment at another URL is 73 with no write; `--all` registers one new VM among
 * existing ones. stdout, stderr and the exit code are asserted separately.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../helpers/cli';
import { useSimulatorCli } from '../helpers/sim-cli';

const cli = useSimulatorCli();
const STACKS = { web: { compose: 'services:\n  web:\n    image: nginx:1.27\n' }, api: { compose: 'services:\n  api:\n    image: nginx:1.27\n' } };
const AGENT = 'tcp://10.0.0.13:9101';
const NEW_VM = { vmid: 1003, name: 'newvm', portainer_role: 'agent', network_config: { ip: '10.0.0.13/24', gw: '10.0.0.1' }, docker_stacks: ['web', 'api'] };

/** A simulator whose agents answer at `agents`, and a config whose hypervisor file gives agent port 9101. */
async function start(agents: string[], vms: Record<string, unknown>[] = [NEW_VM], endpoints?: Array<{ id: number; name: string; type: 1 | 2; url?: string }>) {
  const fixture = await cli.start({ agents, ...(endpoints ? { endpoints } : {}) }, { stacks: STACKS, vms: vms as never });
  writeFileSync(join(dirname(fixture.config), 'phoenix_hypervisor_config.json'), JSON.stringify({ network: { portainer_agent_port: 9101 } }));
  return fixture;
}

const posts = (sim: { writes(): Array<{ method: string; path: string }> }, path: string) => sim.writes().filter((w) => w.method === 'POST' && w.path === path).length;

describe('a new agent VM', () => {
  it('plan shows the environment first and never registers it (exit 2 with --detailed-exitcode)', async () => {
    const { sim, run } = await start([AGENT]);
    const result = await run(['1003', 'plan', '--detailed-exitcode']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe(
      [
        `VM 1003 (newvm), on Portainer environment "newvm" (not registered yet), Portainer 2.21.4 at ${sim.url}`,
        '',
        `  + environment newvm (agent at ${AGENT})  not in Portainer: converge registers it first`,
        '  + api  not in Portainer',
        '  + web  not in Portainer',
        '',
        'Plan: 1 environment to register, 2 to create, 0 to update, 0 to delete, 0 unchanged.',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    expect(sim.writes()).toEqual([]);
  });

  it('converge registers exactly one environment at the config URL, creates its stacks on it, and a second run sends no write', async () => {
    const { sim, run } = await start([AGENT]);
    const first = await run(['1003', 'converge', '--yes']);
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('  done   register environment newvm (id 2)\n  done   create api\n  done   create web\n');
    expect(first.stderr).toContain(`registering Portainer environment newvm (agent at ${AGENT})...`);
    expect(posts(sim, '/api/endpoints')).toBe(1);
    const create = sim.requests.find((r) => r.method === 'POST' && r.path === '/api/endpoints');
    expect(create?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(sim.stacks().map((s) => [s.name, s.endpointId])).toEqual([
      ['api', 2],
      ['web', 2],
    ]);
    const writes = sim.writes().length;
    const second = await run(['1003', 'converge', '--yes']);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('on Portainer environment "newvm" (id 2)');
    expect(second.stderr).toBe('Nothing to do: the VM matches the config.\n');
    expect(sim.writes().length).toBe(writes);
  });

  it('--json: the registration in the plan and its result, portainerEnvironment null until registered', async () => {
    const { run } = await start([AGENT]);
    const plan = JSON.parse((await run(['1003', 'plan', '--json'])).stdout);
    expect(plan.result.vms[0]).toMatchObject({ portainerEnvironment: null, outcome: 'planned', register: { name: 'newvm', url: AGENT } });
    expect(plan.result.vms[0].plan.hasChanges).toBe(true);
    const converge = await run(['1003', 'converge', '--yes', '--json']);
    expect(converge.exitCode).toBe(0);
    const vm = JSON.parse(converge.stdout).result.vms[0];
    expect(vm).toMatchObject({ portainerEnvironment: { id: 2, name: 'newvm', swarm: false }, outcome: 'applied', registered: { name: 'newvm', url: AGENT, environmentId: 2, recovered: false } });
  });

  it('status shows the environment as to register (exit 2 with --detailed-exitcode), and environments lists the VM', async () => {
    const { run } = await start([AGENT]);
    const status = await run(['1003', 'status', '--detailed-exitcode']);
    expect(status.exitCode).toBe(2);
    expect(status.stdout).toContain(`  + environment newvm (agent at ${AGENT})  not in Portainer: converge registers it\n`);
    expect(status.stdout).toContain('Status: 1 environment to register, 2 missing. 3 out of sync.');
    const environments = await run(['environments']);
    expect(environments.exitCode).toBe(0);
    expect(environments.stdout).toContain(`Agent VMs with no environment yet (converge registers each):\n  + 1003 (newvm): environment "newvm", agent at ${AGENT}`);
    expect(environments.stderr).toBe('');
    const json = JSON.parse((await run(['environments', '--json'])).stdout);
    expect(json.result.toRegister).toEqual([{ vmid: 1003, name: 'newvm', environment: 'newvm', url: AGENT }]);
    expect(json.result.unmatched).toEqual([]);
  });

  it('an unreachable agent: 69 with Portainer message and a hint, no environment and no stack left behind', async () => {
    const { sim, run } = await start([]);
    const result = await run(['1003', 'converge', '--yes']);
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain(
      `Error: Portainer could not register the agent at ${AGENT}: Unable to get environment type: Get "https://10.0.0.13:9101/ping": dial tcp 10.0.0.13:9101: connect: connection refused. Portainer lists no environment "newvm": nothing was registered\n`,
    );
    expect(result.stderr).toContain('Hint: Is the Portainer agent running on the VM (docker ps there), and is port 9101 of 10.0.0.13 open to the Portainer server (firewall)?');
    expect(posts(sim, '/api/endpoints')).toBe(1);
    expect(sim.stacks()).toEqual([]);
    const json = JSON.parse((await run(['1003', 'converge', '--yes', '--json'])).stdout);
    expect(json).toMatchObject({ ok: false, exitCode: 69, error: { code: 'AGENT_UNREACHABLE', exitCode: 69 } });
  });

  it('a same-named environment at another URL: 73 naming both URLs, no write at all', async () => {
    const { sim, run } = await start(
      [AGENT],
      [NEW_VM],
      [
        { id: 1, name: 'local', type: 1 },
        { id: 2, name: 'newvm', type: 2, url: 'tcp://10.0.0.99:9001' },
      ],
    );
    const result = await run(['1003', 'converge', '--yes']);
    expect(result.exitCode).toBe(73);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Error: Portainer environment "newvm" (id 2) is at tcp://10.0.0.99:9001, but the config puts this VM's agent at ${AGENT}: nothing was written\n`);
    expect(result.stderr).toContain('Hint: phoenix never re-points or deletes an environment.');
    expect(sim.writes()).toEqual([]);
  });

  it('the same host and port in other case and without tcp:// is the same environment; a DNS name against an IP warns and goes on', async () => {
    const same = await start([AGENT], [NEW_VM], [{ id: 5, name: 'newvm', type: 2, url: '10.0.0.13:9101' }]);
    const plan = await same.run(['1003', 'plan']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('on Portainer environment "newvm" (id 5)');
    expect(plan.stderr).toBe('');
    const byName = await start([AGENT], [NEW_VM], [{ id: 5, name: 'newvm', type: 2, url: 'tcp://NEWVM.internal:9101' }]);
    const warned = await byName.run(['1003', 'converge', '--yes']);
    expect(warned.exitCode).toBe(0);
    expect(warned.stderr).toContain(
      'Warning: vm 1003: Portainer environment "newvm" is at tcp://NEWVM.internal:9101 and the config puts the agent at tcp://10.0.0.13:9101; phoenix cannot tell whether a DNS name and an IP address are the same machine',
    );
    expect(warned.stderr).toContain('Set portainer_agent_hostname to the host Portainer uses');
    expect(byName.sim.stacks().map((s) => s.endpointId)).toEqual([5, 5]);
    expect(posts(byName.sim, '/api/endpoints')).toBe(0);
  });

  it('--all registers the one new agent VM among existing ones and converges every VM', async () => {
    const existing = { vmid: 1002, name: 'drphoenix', portainer_role: 'agent', portainer_environment_name: 'drphoenix', network_config: { ip: '10.0.0.12/24' }, docker_stacks: ['web'] };
    const primary = { vmid: 1001, name: 'mgmt', portainer_role: 'primary', portainer_environment_name: 'local', docker_stacks: ['api'] };
    const { sim, run } = await start(
      [AGENT],
      [primary, existing, NEW_VM],
      [
        { id: 1, name: 'local', type: 1 },
        { id: 2, name: 'drphoenix', type: 2, url: 'tcp://10.0.0.12:9101' },
      ],
    );
    const result = await run(['converge', '--all', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('  + environment newvm (agent at tcp://10.0.0.13:9101)');
    expect(result.stdout).toMatch(/^1003\s+newvm\s.*applied$/m);
    expect(posts(sim, '/api/endpoints')).toBe(1);
    expect(
      sim
        .stacks()
        .map((s) => `${s.name}@${s.endpointId}`)
        .sort(),
    ).toEqual(['api@1', 'api@3', 'web@2', 'web@3']);
    const writes = sim.writes().length;
    const again = await run(['converge', '--all', '--yes']);
    expect(again.exitCode).toBe(0);
    expect(sim.writes().length).toBe(writes);
  });

  it('two converges at once: one registers, the other waits for the VM lock, re-reads the environments and registers nothing', async () => {
    const { sim, run } = await start([AGENT]);
    sim.setFaults({ latencyMs: 30 });
    const [a, b] = await Promise.all([run(['1003', 'converge', '--yes', '--wait-lock', '60s']), run(['1003', 'converge', '--yes', '--wait-lock', '60s'])]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(posts(sim, '/api/endpoints')).toBe(1);
    expect(sim.stacks().map((s) => `${s.name}@${s.endpointId}`)).toEqual(['api@2', 'web@2']);
    expect([a.stdout, b.stdout].filter((out) => out.includes('done   register environment newvm (id 2)'))).toHaveLength(1);
  });

  it('an environment name with an ANSI escape and a newline is shown escaped in text; --debug shows the POST, never the token', async () => {
    const { run } = await start([AGENT], [{ ...NEW_VM, portainer_environment_name: 'new\u001b[31mvm\nforged' }]);
    const plan = await run(['1003', 'plan']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain(`  + environment new\\u001b[31mvm\\u000aforged (agent at ${AGENT})`);
    expect(plan.stdout).not.toContain('\u001b');
    const converge = await run(['1003', 'converge', '--yes', '--debug']);
    expect(converge.exitCode).toBe(0);
    expect(converge.stderr).toMatch(/\[http\] POST \/api\/endpoints -> 200 \(\d+ ms\)/);
    expect(converge.stdout).not.toContain('\u001b');
    expect(converge.stderr).not.toContain('\u001b');
  });

  it('--markdown: the registration is the first row of the plan and of the results', async () => {
    const { run } = await start([AGENT]);
    const result = await run(['1003', 'converge', '--yes', '--markdown']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Portainer environment `newvm` (not registered yet), Portainer 2.21.4');
    expect(result.stdout).toContain(`| \`+\` | environment \`newvm\` | register | agent at ${AGENT}; converge registers it first |\n| \`+\` | \`api\` | create |`);
    expect(result.stdout).toContain('| stack | action | outcome |\n| --- | --- | --- |\n| environment `newvm` | register | done (id 2) |');
  });

  it('config validate refuses a hostile agent hostname and port offline (65, text and --json), no Portainer needed', async () => {
    const { config } = await start([AGENT], [{ ...NEW_VM, portainer_agent_hostname: 'tcp://evil\nhost', portainer_agent_port: '9001' }]);
    const text = await runCli(['config', 'validate', '--config', config]);
    expect(text.exitCode).toBe(65);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain('vms[0].portainer_agent_hostname: "tcp://evil\\nhost" contains white space');
    expect(text.stderr).toContain('vms[0].portainer_agent_port: expected a number, got a string ("9001")');
    const json = JSON.parse((await runCli(['config', 'validate', '--config', config, '--json'])).stdout);
    expect(json).toMatchObject({ ok: false, exitCode: 65, error: { code: 'CONFIG_INVALID' } });
  });

  it('a primary VM whose environment is missing is never registered (65, as before)', async () => {
    const primary = { vmid: 1001, name: 'mgmt', portainer_role: 'primary', portainer_environment_name: 'gone', docker_stacks: ['api'] };
    const { sim, run } = await start([AGENT], [primary]);
    const result = await run(['1001', 'converge', '--yes']);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toContain('Portainer has no environment named "gone"');
    expect(sim.writes()).toEqual([]);
  });

  it('an agent VM with neither host nor IP: 65 naming the key to add, before any write', async () => {
    const { sim, run } = await start([AGENT], [{ ...NEW_VM, network_config: { ip: 'dhcp' } }]);
    const result = await run(['1003', 'plan']);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toContain('Add "portainer_agent_hostname"');
    expect(sim.writes()).toEqual([]);
  });
});
