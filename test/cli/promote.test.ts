import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { ownershipMarker } from '../../src/plan';
import type { Simulator } from '../../simulator/src';
import { REPO, runCli } from '../helpers/cli';
import { SIM_TOKEN as TOKEN, useSimulatorCli } from '../helpers/sim-cli';

const web = 'services:\n  web:\n    image: nginx:${NGINX_TAG}\n';

const fixture = useSimulatorCli();
let sim: Simulator;
let config: string;

/** prod and test VMs; web's NGINX_TAG is promoted, its HOST is each environment's own. */
async function setup() {
  ({ sim, config } = await fixture.start(
    {
      endpoints: [
        { id: 2, name: 'prod-box', type: 2 },
        { id: 3, name: 'test-box', type: 2 },
      ],
    },
    {
      stacks: {
        web: {
          compose: web,
          env: { NGINX_TAG: '1.27', HOST: 'base.example' },
          environments: { test: { env: { NGINX_TAG: '1.28', HOST: 'test.example' } }, prod: { env: { HOST: 'prod.example' } } },
        },
      },
      vms: [
        { vmid: 2001, name: 'prod-box', portainer_environment_name: 'prod-box', environment: 'prod', docker_stacks: ['web'] },
        { vmid: 3001, name: 'test-box', portainer_environment_name: 'test-box', environment: 'test', docker_stacks: ['web'] },
      ],
    },
  ));
  // writeConfig has no `promote`: add it the way an operator would, by hand.
  const text = readFileSync(config, 'utf8').replace('"compose_file": "stacks/web/docker-compose.yml",', '"compose_file": "stacks/web/docker-compose.yml",\n      "promote": ["NGINX_TAG"],');
  writeFileSync(config, text);
}

const env = () => ({ PORTAINER_API_KEY: TOKEN, PORTAINER_URL: sim.url, PHOENIX_CONFIG: config });
const run = (args: string[]) => runCli(['portainer', ...args], { env: env() });
const webOn = (endpointId: number) => sim.stacks().find((s) => s.name === 'web' && s.endpointId === endpointId);

/** Runs a bash script as a CI job would, with `phoenix` on the PATH as the built CLI. */
function bash(script: string, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', PHOENIX_BIN: join(REPO, 'bin/run.js'), NODE: process.execPath, ...env() },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

const PIPELINE = `
set -u
phoenix() { "$NODE" "$PHOENIX_BIN" "$@"; }
expect() { if [ "$2" -ne "$3" ]; then echo "STEP $1: exit $2, wanted $3"; exit 1; fi; echo "STEP $1: exit $2"; }
git init -q . && git add phoenix_vm_configs.json && git -c user.name=ci -c user.email=ci@example.invalid commit -q -m base

phoenix portainer plan --env test --detailed-exitcode;                 expect plan-test $? 0
phoenix portainer promote --from test --to prod web --detailed-exitcode; expect promote-dry $? 2
git diff --quiet;                                                      expect dry-run-wrote-nothing $? 0
phoenix portainer promote --from test --to prod web --write --yes;     expect promote-write $? 0
git -c user.name=ci -c user.email=ci@example.invalid commit -q -am "promote web test -> prod"; expect commit $? 0
phoenix portainer plan --env prod --detailed-exitcode;                 expect plan-prod $? 2
phoenix portainer converge --env prod --yes;                           expect converge-prod $? 0
phoenix portainer plan --all --detailed-exitcode;                      expect plan-all $? 0
phoenix portainer promote --from test --to prod web --detailed-exitcode; expect promote-again $? 0
echo PIPELINE OK
`;

describe('phoenix portainer promote (simulator, real sockets)', () => {
  it('a CI script promotes a stack from test to prod, gating each step on its exit code', async () => {
    await setup();
    expect((await run(['converge', '--all', '--yes', '--include-protected'])).exitCode).toBe(0);
    expect(webOn(2)?.env).toContainEqual({ name: 'NGINX_TAG', value: '1.27' });

    const result = await bash(PIPELINE, dirname(config));
    expect(result.output).toContain('PIPELINE OK');
    expect(result.code).toBe(0);
    expect(result.output).not.toContain(TOKEN);
    expect(webOn(2)?.env).toEqual([
      { name: 'HOST', value: 'prod.example' },
      { name: 'NGINX_TAG', value: '1.28' },
    ]);
    expect(webOn(2)?.composeText.split('\n')[0]).toBe(ownershipMarker(2001));
    const promoted = JSON.parse(readFileSync(config, 'utf8'));
    expect(promoted.stacks.web.environments.prod.env).toEqual({ HOST: 'prod.example', NGINX_TAG: '1.28' });
  });

  it('refuses (73, nothing written) when test does not run what its config says; --force promotes anyway', async () => {
    await setup();
    await run(['converge', '--all', '--yes', '--include-protected']);
    writeFileSync(config, readFileSync(config, 'utf8').replace('"NGINX_TAG": "1.28"', '"NGINX_TAG": "1.29"')); // edited, never converged
    const before = readFileSync(config, 'utf8');
    const refused = await run(['promote', '--from', 'test', '--to', 'prod', '--write', '--yes']);
    expect(refused.exitCode).toBe(73);
    expect(refused.stderr).toContain('vm 3001 (test-box) web: update');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(config, 'utf8')).toBe(before);

    const forced = await run(['promote', '--from', 'test', '--to', 'prod', '--write', '--yes', '--force', '--json']);
    expect(forced.exitCode).toBe(0);
    const doc = JSON.parse(forced.stdout);
    expect(doc.result).toMatchObject({ from: 'test', to: 'prod', stacks: ['web'], sourceCheck: 'forced', written: true });
    expect(doc.result.changes).toEqual([
      { stack: 'web', setting: 'env', key: 'NGINX_TAG', path: ['stacks', 'web', 'environments', 'prod', 'env', 'NGINX_TAG'], action: 'added', before: '1.27', after: '1.29' },
    ]);
  });

  it('a protected target needs --yes (64 without a terminal); without --write nothing is saved', async () => {
    await setup();
    await run(['converge', '--all', '--yes', '--include-protected']);
    const before = readFileSync(config, 'utf8');
    const dry = await run(['promote', '--from', 'test', '--to', 'prod']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('--- a/phoenix_vm_configs.json');
    expect(dry.stdout).toContain('+            "NGINX_TAG": "1.28"');
    expect(dry.stdout).toContain('stacks.web.environments.prod.env.NGINX_TAG added: "1.27" -> "1.28"');
    expect(dry.stderr).toContain('--write');
    const unconfirmed = await run(['promote', '--from', 'test', '--to', 'prod', '--write']);
    expect(unconfirmed.exitCode).toBe(64);
    expect(unconfirmed.stderr).toContain('protected');
    expect(readFileSync(config, 'utf8')).toBe(before);
  });

  it('--write --converge converges every VM of the target environment in the same run', async () => {
    await setup();
    await run(['converge', '--all', '--yes', '--include-protected']);
    const result = await run(['promote', '--from', 'test', '--to', 'prod', '--write', '--converge', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^2001\s+prod-box\s+prod\s+0\s+1\s+0\s+0\s+0\s+applied$/m);
    expect(webOn(2)?.env).toContainEqual({ name: 'NGINX_TAG', value: '1.28' });
  });

  it('usage and config errors: same environment (64), unknown environment (65), --converge without --write (64)', async () => {
    await setup();
    expect((await run(['promote', '--from', 'test', '--to', 'test'])).exitCode).toBe(64);
    const unknown = await run(['promote', '--from', 'tset', '--to', 'prod']);
    expect(unknown.exitCode).toBe(65);
    expect(unknown.stderr).toContain('did you mean "test"');
    expect((await run(['promote', '--from', 'test', '--to', 'prod', '--converge'])).exitCode).toBe(64);
    expect(sim.writes()).toEqual([]);
  });
});
