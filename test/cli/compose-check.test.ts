/**
 * The compose checks stop a run before any request: a file that breaks the Compose
 * Specification, or that interpolates a variable the stack's env does not set, exits 65 and the
 * Portainer double records nothing at all. Unused env is only a warning.
 */
import type { Simulator } from '../../simulator/src';
import { runCli } from '../helpers/cli';
import type { FixtureStack } from '../helpers/cli';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const VM = { vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', environment: 'test', docker_stacks: ['web'] };

const fixture = useSimulatorCli();
let sim: Simulator;
let config: string;
let cli: SimCli;

async function setup(web: FixtureStack) {
  cli = await fixture.start({ endpoints: [{ id: 3, name: 'drphoenix', type: 2 }] }, { stacks: { web }, vms: [VM] });
  ({ sim, config } = cli);
}

const run = (args: string[]) => cli.run(args);

describe('compose checks before any request (simulator, real sockets)', () => {
  it('an unknown service key exits 65 naming the stack, the compose path and the closest key; no request is sent', async () => {
    await setup({ compose: 'services:\n  web:\n    image: nginx\n    restrat: always\n' });
    const result = await run(['1002', 'converge', '--yes']);
    expect(result.exitCode).toBe(65);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('phoenix_vm_configs.json: stacks.web: compose: services.web.restrat: unknown key "restrat"; did you mean "restart"? (line 4 of ');
    expect(result.stderr).toContain('nothing was sent to Portainer');
    expect(sim.requests).toEqual([]);
  });

  it('a wrong type and a port given as a map are both listed, in --json too, with no request', async () => {
    await setup({ compose: 'services:\n  web:\n    image: nginx\n    mem_limit: [1]\n    ports:\n      - 80: 8080\n' });
    const result = await run(['1002', 'plan', '--json']);
    expect(result.exitCode).toBe(65);
    const body = JSON.parse(result.stdout) as { error: { exitCode: number; details: string[] } };
    expect(body.error.exitCode).toBe(65);
    expect(body.error.details).toEqual([
      expect.stringContaining('stacks.web: compose: services.web.mem_limit: expected a number or a string, got a list'),
      expect.stringContaining('stacks.web: compose: services.web.ports[0]: expected a number or a string'),
    ]);
    expect(sim.requests).toEqual([]);
  });

  it('an unset ${VAR} exits 65 naming the variable, the stack and the line; no request is sent', async () => {
    await setup({ compose: 'services:\n  web:\n    image: "nginx:${NGINX_TAG}"\n    environment:\n      PASSWORD: "${DB_PASSWORD:?set it in the config}"\n', env: { NGINX_TAG: '1.27' } });
    const result = await run(['1002', 'converge', '--yes']);
    expect(result.exitCode).toBe(65);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('vms[0].docker_stacks[0]: stack "web" (environment test): line 5 of ');
    expect(result.stderr).toContain('${DB_PASSWORD:?set it in the config}: DB_PASSWORD is required (set it in the config)');
    expect(sim.requests).toEqual([]);
  });

  it('config validate runs the same checks (exit 65, every problem listed)', async () => {
    await setup({ compose: 'services:\n  web:\n    image: "nginx:${NGINX_TAG}"\n    restrat: always\n' });
    const result = await runCli(['config', 'validate', '--config', config]);
    expect(result.exitCode).toBe(65);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('has 2 problems');
    expect(result.stderr).toContain('services.web.restrat: unknown key "restrat"');
    expect(result.stderr).toContain("${NGINX_TAG} is not set by the stack's env");
  });

  it('env the file never references is a warning on stderr, not an error; the plan goes on', async () => {
    await setup({ compose: 'services:\n  web:\n    image: "nginx:${NGINX_TAG:-1.27}"\n', env: { NGINX_TAG: '1.27', LEFTOVER: 'x' } });
    const result = await run(['1002', 'plan']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('+ web');
    expect(result.stdout).not.toContain('LEFTOVER is not referenced');
    expect(result.stderr).toMatch(/^Warning: \S*phoenix_vm_configs\.json: vms\[0\]\.docker_stacks\[0\]: stack "web" \(environment test\): env LEFTOVER is not referenced by its compose file/m);
    expect(result.stderr).not.toContain('NGINX_TAG is not referenced');
    expect(sim.writes()).toEqual([]);
  });
});
