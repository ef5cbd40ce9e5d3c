import { useSimulatorCli } from '../helpers/sim-cli';

const fixture = useSimulatorCli();

describe('phoenix portainer environments (simulator, real sockets)', () => {
  it('lists Portainer’s environments with the VM each maps to, and the VMs that map to none with the closest name', async () => {
    const cli = await fixture.start(
      {
        endpoints: [
          { id: 1, name: 'local', type: 1 },
          { id: 3, name: 'drphoenix', type: 2, url: 'tcp://10.0.0.102:9001' },
          { id: 4, name: 'swarm-prod', type: 2, url: 'tcp://10.0.0.110:9001', swarm: true, status: 2 },
        ],
      },
      {
        vms: [
          { vmid: 1001, name: 'mgmt', portainer_environment_name: 'local', docker_stacks: [] },
          { vmid: 1002, name: 'drphoenix', portainer_environment_name: 'DRPhoenix', docker_stacks: [] },
          { vmid: 1003, name: 'dev', portainer_environment_name: 'drphonix', docker_stacks: [] },
          { vmid: 1004, name: 'byid', portainer_endpoint_id: 4, docker_stacks: [] },
          { vmid: 1005, name: 'nothing', docker_stacks: [] },
        ],
      },
    );
    const { sim } = cli;
    const run = (args: string[]) => cli.run(['environments', ...args]);

    const text = await run([]);
    expect(text.exitCode).toBe(0);
    const row = (id: number) =>
      text.stdout
        .split('\n')
        .find((l) => l.startsWith(`${id} `))
        ?.replace(/\s+/g, ' ');
    expect(row(1)).toMatch(/^1 local docker .* up no 1001 \(mgmt\)$/);
    expect(row(3)).toBe('3 drphoenix docker agent tcp://10.0.0.102:9001 up no 1002 (drphoenix)');
    expect(row(4)).toBe('4 swarm-prod docker agent tcp://10.0.0.110:9001 down yes 1004 (byid)');
    expect(text.stdout).toContain('1003 (dev): wants "drphonix"; closest: "drphoenix"');
    expect(text.stdout).toContain('1005 (nothing): names no portainer_environment_name or portainer_endpoint_id');
    expect(text.stderr).toContain('2 VM(s) name an environment Portainer does not have');

    const json = JSON.parse((await run(['--json'])).stdout);
    expect(json.result.environments.map((e: { id: number; swarm: boolean; vms: unknown[] }) => [e.id, e.swarm, e.vms])).toEqual([
      [1, false, [{ vmid: 1001, name: 'mgmt' }]],
      [3, false, [{ vmid: 1002, name: 'drphoenix' }]],
      [4, true, [{ vmid: 1004, name: 'byid' }]],
    ]);
    expect(json.result.unmatched).toEqual([
      { vmid: 1003, name: 'dev', wanted: 'drphonix', closest: 'drphoenix' },
      { vmid: 1005, name: 'nothing' },
    ]);
    expect(sim.writes()).toEqual([]);
  });
});
