/**
 * Config that would reach Portainer in a harmful shape is refused with exit 65 before any
 * request: env names and values that break `stack.env` lines (from the config, the Phoenix
 * layout file and resolved secrets), and VMs whose Portainer environment is ambiguous.
 * stdout, stderr and the exit code are asserted separately.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { Simulator } from '../../simulator/src';
import { registerSecret, runCli, writeConfig } from '../helpers/cli';
import type { FixtureVm } from '../helpers/cli';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';
const SECRET_LINE_1 = 'first-line-of-a-secret-Zq9';
const SECRET_LINE_2 = 'INJECTED_BY_SECRET=1';
registerSecret(SECRET_LINE_1);
registerSecret(SECRET_LINE_2);

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

beforeEach(async () => {
  cli = await fixture.start({
    endpoints: [
      { id: 3, name: 'drphoenix', type: 2 },
      { id: 4, name: 'prod-box', type: 2 },
    ],
  });
  ({ sim } = cli);
});

const vm = (extra: Partial<FixtureVm> = {}): FixtureVm => ({ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['web'], ...extra });
const validate = (config: string, ...extra: string[]) => runCli(['config', 'validate', '--config', config, ...extra]);
const portainer = (config: string, args: string[], env: NodeJS.ProcessEnv = {}) => cli.run(args, { config, env });
const shown = (config: string) => config; // the CLI runs from the repo, the config is in /tmp: shown absolute

describe('a Portainer URL with credentials in the config', () => {
  it('config validate names it (65) without printing the password, in text and --json', async () => {
    const password = 'pw-in-url-9Xq';
    registerSecret(password);
    const config = writeConfig({ web: { compose: COMPOSE } }, [vm()], { portainer: { url: `https://admin:${password}@portainer.internal:9443` } });
    const checked = await validate(config);
    expect(checked.exitCode).toBe(65);
    expect(checked.stdout).toBe('');
    expect(checked.stderr).toContain(`${shown(config)}: portainer.url: carries a user name or password ("user:password@")`);
    expect(checked.stderr).not.toContain(password);
    const json = await validate(config, '--json');
    expect(json.exitCode).toBe(65);
    expect(json.stdout).not.toContain(password);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'CONFIG_INVALID' } });
  });
});

describe('env names and values that would break stack.env lines', () => {
  it('config validate names each bad env name and value; plan refuses the same before any request', async () => {
    const config = writeConfig({ web: { compose: COMPOSE, env: { 'A=B': '1', TAG: '1.27\nINJECTED=1' } } }, [vm({ docker_stacks: [{ name: 'web', env: { 'HAS SPACE': 'x', '1ABC': 'y' } }] })]);
    const checked = await validate(config);
    expect(checked.exitCode).toBe(65);
    expect(checked.stdout).toBe('');
    const rule = 'use letters, digits and "_", not starting with a digit (Portainer writes each variable as a NAME=VALUE line)';
    expect(checked.stderr).toContain(`Error: ${shown(config)} has 4 problems`);
    expect(checked.stderr).toContain(`${shown(config)}: stacks.web.env["A=B"]: invalid env name "A=B": ${rule}`);
    expect(checked.stderr).toContain(`${shown(config)}: stacks.web.env.TAG: env value contains a newline: Portainer writes each variable as one NAME=VALUE line`);
    expect(checked.stderr).toContain(`${shown(config)}: vms[0].docker_stacks[0].env["HAS SPACE"]: invalid env name "HAS SPACE"`);
    expect(checked.stderr).toContain(`${shown(config)}: vms[0].docker_stacks[0].env.1ABC: invalid env name "1ABC"`);
    expect(checked.stderr).toContain('fix the file and run phoenix config validate');
    expect(checked.stderr).not.toContain('INJECTED');

    const json = await validate(config, '--json');
    expect(json.exitCode).toBe(65);
    const document = JSON.parse(json.stdout);
    expect(document.error.details).toHaveLength(4);
    expect(JSON.stringify(document)).not.toContain('INJECTED');

    const planned = await portainer(config, ['1002', 'plan']);
    expect(planned.exitCode).toBe(65);
    expect(planned.stdout).toBe('');
    expect(planned.stderr).toContain('stacks.web.env["A=B"]: invalid env name "A=B"');
    expect(sim.requests).toHaveLength(0);
  });

  it('a variable of phoenix_stacks_config.json with a newline stops plan before any request, naming the file and the variable', async () => {
    const config = writeConfig({}, [vm({ docker_stacks: ['legacy'] })]);
    const dir = dirname(config);
    const layout = join(dir, 'phoenix_stacks_config.json');
    writeFileSync(layout, JSON.stringify({ docker_stacks: { legacy: { environments: { production: { variables: [{ name: 'TAG', value: '1.27\nINJECTED=1' }] } } } } }));
    mkdirSync(join(dir, 'stacks/legacy'), { recursive: true });
    writeFileSync(join(dir, 'stacks/legacy/docker-compose.yml'), COMPOSE);

    const planned = await portainer(config, ['1002', 'plan']);
    expect(planned.exitCode).toBe(65);
    expect(planned.stdout).toBe('');
    expect(planned.stderr).toContain(`Error: ${layout}: docker_stacks.legacy.environments.production.variables[0].value: env value contains a newline`);
    expect(planned.stderr).not.toContain('INJECTED');
    expect(sim.requests).toHaveLength(0);

    const checked = await validate(config);
    expect(checked.exitCode).toBe(65);
    expect(checked.stderr).toContain(`${layout}: docker_stacks.legacy.environments.production.variables[0].value: env value contains a newline`);
  });

  it('a secret whose stored value spans two lines is refused (65) naming the secret, never its value, in text, --json and --debug', async () => {
    const config = writeConfig({ web: { compose: COMPOSE, env: { ADMIN_PASSWORD: { secret: 'web_admin' } } } }, [vm()]);
    const secrets = join(dirname(config), 'secrets');
    mkdirSync(secrets, { mode: 0o700 });
    chmodSync(secrets, 0o700);
    const file = join(secrets, 'web_admin');
    writeFileSync(file, `${SECRET_LINE_1}\n${SECRET_LINE_2}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    const env = { PHOENIX_SECRETS_DIR: secrets };

    for (const extra of [[], ['--debug']]) {
      const planned = await portainer(config, ['1002', 'plan', ...extra], env);
      expect(planned.exitCode).toBe(65);
      expect(planned.stdout).toBe('');
      expect(planned.stderr).toContain(`Error: secret "web_admin" (env ADMIN_PASSWORD of stack web, from ${file}): its value contains a newline`);
      expect(planned.stderr).toContain('phoenix secret set web_admin');
    }
    const json = await portainer(config, ['1002', 'converge', '--yes', '--json'], env);
    expect(json.exitCode).toBe(65);
    const document = JSON.parse(json.stdout);
    expect(document.error.message).toContain('secret "web_admin"');
    expect(JSON.stringify(document)).not.toContain(SECRET_LINE_1);
    expect(JSON.stringify(document)).not.toContain('INJECTED');
    expect(sim.requests).toHaveLength(0);
  });
});

describe('which Portainer environment a VM deploys to', () => {
  it('an endpoint id and an environment name that disagree are refused (65) naming both, before any write', async () => {
    const config = writeConfig({ web: { compose: COMPOSE } }, [vm({ portainer_endpoint_id: 4 })]);
    const planned = await portainer(config, ['1002', 'plan']);
    expect(planned.exitCode).toBe(65);
    expect(planned.stdout).toBe('');
    expect(planned.stderr).toContain('Error: VM 1002: portainer_endpoint_id 4 is Portainer environment "prod-box", but portainer_environment_name is "drphoenix" (environment "drphoenix" is id 3)');
    expect(planned.stderr).toContain('Make portainer_endpoint_id and portainer_environment_name name the same environment, or keep only one of them.');

    const converged = await portainer(config, ['1002', 'converge', '--yes', '--json']);
    expect(converged.exitCode).toBe(65);
    expect(JSON.parse(converged.stdout).error.message).toContain('portainer_endpoint_id 4 is Portainer environment "prod-box"');
    expect(sim.writes()).toHaveLength(0);
    expect(sim.requests.some((r) => r.path.startsWith('/api/stacks/') && r.method === 'GET')).toBe(false);
  });

  it('a name matching the id’s environment in another case is the same environment', async () => {
    const config = writeConfig({ web: { compose: COMPOSE } }, [vm({ portainer_endpoint_id: 3, portainer_environment_name: 'DrPhoenix' })]);
    const planned = await portainer(config, ['1002', 'plan']);
    expect(planned.stderr).toBe('');
    expect(planned.exitCode).toBe(0);
    expect(planned.stdout).toContain('web');
  });

  it('config validate refuses two VMs on the same environment name or id declaring one stack, naming both', async () => {
    const config = writeConfig({ web: { compose: COMPOSE }, api: { compose: COMPOSE } }, [
      vm(),
      vm({ vmid: 1003, name: 'twin', docker_stacks: ['api', 'web'] }),
      { vmid: 1004, name: 'by-id-a', portainer_endpoint_id: 4, docker_stacks: ['api'] },
      { vmid: 1005, name: 'by-id-b', portainer_endpoint_id: 4, docker_stacks: ['api'] },
    ]);
    const checked = await validate(config);
    expect(checked.exitCode).toBe(65);
    expect(checked.stdout).toBe('');
    expect(checked.stderr).toContain(`Error: ${config} has 2 problems`);
    expect(checked.stderr).toContain(
      `${config}: vms[1].docker_stacks[1]: stack "web" is also declared by vm 1002 (vms[0]) on the same Portainer environment (portainer_environment_name "drphoenix"): each VM would claim it; declare it on one of them, or map them to different environments`,
    );
    expect(checked.stderr).toContain(`${config}: vms[3].docker_stacks[0]: stack "api" is also declared by vm 1004 (vms[2]) on the same Portainer environment (portainer_endpoint_id 4)`);
  });

  it('config validate refuses a VM with docker_stacks but no Portainer environment, naming both keys', async () => {
    const config = writeConfig({ web: { compose: COMPOSE } }, [
      { vmid: 1002, name: 'drphoenix', docker_stacks: ['web'] },
      { vmid: 1009, name: 'plain', docker_stacks: [] },
    ]);
    const checked = await validate(config);
    expect(checked.exitCode).toBe(65);
    expect(checked.stdout).toBe('');
    expect(checked.stderr).toContain(
      `${config}: vms[0]: vm 1002 declares docker_stacks but names no Portainer environment: add "portainer_environment_name" (phoenix portainer environments lists them) or "portainer_endpoint_id"`,
    );
    expect(checked.stderr).not.toContain('vm 1009');
  });

  it('an id on one VM and the same environment’s name on another, declaring one stack: plan --all and a single-VM converge refuse (65), nothing written', async () => {
    const config = writeConfig({ web: { compose: COMPOSE }, api: { compose: COMPOSE } }, [
      vm({ docker_stacks: ['web', 'api'] }),
      { vmid: 1003, name: 'same-by-id', portainer_endpoint_id: 3, docker_stacks: ['web'] },
      { vmid: 1004, name: 'elsewhere', portainer_environment_name: 'prod-box', docker_stacks: ['web'] },
    ]);
    const checked = await validate(config);
    expect(checked.stderr).toBe('');
    expect(checked.exitCode).toBe(0); // the mapping meets only once Portainer resolves the name

    const all = await portainer(config, ['plan', '--all']);
    expect(all.exitCode).toBe(65);
    const claim = 'both declare stack "web" on Portainer environment "drphoenix" (id 3): each would claim it';
    expect(all.stderr).toBe('');
    expect(all.stdout).toContain(`  vm 1002: VM 1002 (drphoenix) and vm 1003 (same-by-id) ${claim}`);
    expect(all.stdout).toContain(`  vm 1003: VM 1003 (same-by-id) and vm 1002 (drphoenix) ${claim}`);
    expect(all.stdout).toMatch(/^1004 +elsewhere .* changes planned$/m);
    const allJson = await portainer(config, ['plan', '--all', '--json']);
    expect(allJson.exitCode).toBe(65);
    const vms = JSON.parse(allJson.stdout).result.vms as Array<{ vm: { vmid: number }; outcome: string; error?: { code: string } }>;
    expect(vms.map((v) => [v.vm.vmid, v.outcome, v.error?.code])).toEqual([
      [1002, 'error', 'STACK_CLAIMED_TWICE'],
      [1003, 'error', 'STACK_CLAIMED_TWICE'],
      [1004, 'planned', undefined],
    ]);

    const single = await portainer(config, ['1003', 'converge', '--yes']);
    expect(single.exitCode).toBe(65);
    expect(single.stdout).toBe('');
    expect(single.stderr).toContain(`Error: VM 1003 (same-by-id) and vm 1002 (drphoenix) ${claim}`);
    expect(single.stderr).toContain('Declare "web" on one VM of that environment only');

    const onlyApi = await portainer(config, ['1002', 'plan', 'api']);
    expect(onlyApi.stderr).toBe('');
    expect(onlyApi.exitCode).toBe(0);
    const elsewhere = await portainer(config, ['1004', 'converge', '--yes']);
    expect(elsewhere.exitCode).toBe(0);
    expect(sim.writes().map((w) => w.method)).toEqual(['POST']);
  });
});
