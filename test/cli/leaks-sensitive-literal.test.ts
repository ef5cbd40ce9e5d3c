/**
 * A config env literal that the plan hides as a credential (`DB_PASSWORD=s3cr3tvalue`: a
 * credential-like name) is redacted like a secret when Portainer's error text echoes the env
 * (compose prints it): never in text, --json or --debug. A short word or number under such a name
 * (`AUTH_ENABLED=true`) is not registered: redacting it would blank it in every line of output.
 */
import type { Simulator } from '../../simulator/src';
import { registerSecret } from '../helpers/cli';
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

/** A quote and a backslash too: JSON and Go quoting escape them differently. */
const LITERAL = 's3cr3t"val\\ue';
const IN_URL = 'postgres://app:urlpa55@db/app';
// The suite-wide guard of runCli fails any run whose output carries them, in any encoding.
registerSecret(LITERAL);
registerSecret('urlpa55');

const fixture = useSimulatorCli();
let sim: Simulator;
let cli: SimCli;

beforeEach(async () => {
  cli = await fixture.start(
    { endpoints: [{ id: 3, name: 'leakvm', type: 2 }], faults: { failDeployFor: ['web'], echoEnvOnFailure: true, deployMs: 0 } },
    {
      stacks: { web: { compose: 'services:\n  web:\n    image: nginx\n', env: { PORT: '8080', DB_PASSWORD: LITERAL, DATABASE_URL: IN_URL, AUTH_ENABLED: 'true' } } },
      vms: [{ vmid: 1201, name: 'leakvm', portainer_environment_name: 'leakvm', docker_stacks: ['web'] }],
    },
  );
  ({ sim } = cli);
});

const converge = (...extra: string[]) => cli.run(['1201', 'converge', '--yes', ...extra]);

describe('a credential-like config literal echoed by Portainer’s error text', () => {
  it('text: the failure keeps Portainer’s message, the literal redacted, raw and quoted', async () => {
    const run = await converge();
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/FAILED create web: .*simulated deploy failure for stack 'web' \(environment: .*DB_PASSWORD=\[REDACTED\]/);
    expect(run.stdout).toContain('"DB_PASSWORD=[REDACTED]"');
    expect(run.stdout).toContain('DATABASE_URL=[REDACTED]');
    // A word under a credential-like name stays: it is not registered.
    expect(run.stdout).toContain('AUTH_ENABLED=true');
    expect(run.stdout).toContain('PORT=8080');
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cr3t');
    expect(sim.stacks()).toEqual([]);
  });

  it('--json: no string of the decoded document holds it', async () => {
    const run = await converge('--json');
    expect(run.exitCode).toBe(1);
    const doc = JSON.stringify(JSON.parse(run.stdout));
    expect(doc).toContain('DB_PASSWORD=[REDACTED]');
    expect(doc).not.toContain('s3cr3t');
    expect(run.stderr).not.toContain('s3cr3t');
  });

  it('--debug: no debug line carries it either', async () => {
    const run = await converge('--debug');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('[http] POST /api/stacks/create/standalone/string?endpointId=3 -> 500');
    expect(run.stdout).toContain('DB_PASSWORD=[REDACTED]');
    expect(`${run.stdout}${run.stderr}`).not.toContain('s3cr3t');
    expect(`${run.stdout}${run.stderr}`).not.toContain('urlpa55');
  });
});
