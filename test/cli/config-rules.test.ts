/**
 * Config that would reach Portainer in a harmful shape is refused with exit 65 before any
 * request: env names and values that break `stack.env` lines (from the config, the Phoenix
 * layout file and resolved secrets), and VMs whose Portainer environment is ambiguous.
 * stdout, stderr and the exit code are asserted separately.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { startSimulator } from '../../src/simulator';
import type { Simulator } from '../../src/simulator';
import { registerSecret, runCli, writeConfig } from '../helpers/cli';
import type { FixtureVm } from '../helpers/cli';

const TOKEN = 'ptr_simulatortoken';
const COMPOSE = 'services:\n  web:\n    image: nginx:1.27\n';
const SECRET_LINE_1 = 'first-line-of-a-secret-Zq9';
const SECRET_LINE_2 = 'INJECTED_BY_SECRET=1';
registerSecret(SECRET_LINE_1);
registerSecret(SECRET_LINE_2);

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator({ endpoints: [{ id: 3, name: 'drphoenix', type: 2 }, { id: 4, name: 'prod-box', type: 2 }] });
});

afterEach(async () => {
  await sim.stop();
});

const vm = (extra: Partial<FixtureVm> = {}): FixtureVm => ({ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['web'], ...extra });
const validate = (config: string, ...extra: string[]) => runCli(['config', 'validate', '--config', config, ...extra]);
const portainer = (config: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCli(['portainer', ...args, '--config', config, '--url', sim.url], { env: { PORTAINER_API_KEY: TOKEN, ...env } });
const shown = (config: string) => config; // the CLI runs from the repo, the config is in /tmp: shown absolute

describe('env names and values that would break stack.env lines', () => {
  it('config validate names each bad env name and value; plan refuses the same before any request', async () => {
    const config = writeConfig({ web: { compose: COMPOSE, env: { 'A=B': '1', TAG: '1.27\nINJECTED=1' } } }, [
      vm({ docker_stacks: [{ name: 'web', env: { 'HAS SPACE': 'x', '1ABC': 'y' } }] }),
    ]);
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
