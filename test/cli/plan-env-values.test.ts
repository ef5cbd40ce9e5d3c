import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ownershipMarker } from '../../src/plan';
import { registerSecret, runCli } from '../helpers/cli';
import { SIM_TOKEN, useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const SECRET = 'Gr4fana "admin" \\ p@ss';
const LIVE_HAND_SET = 'hand-set-live-value-in-portainer';
const LITERAL_PASSWORD = 'literal-db-pw-in-config';
registerSecret(SECRET);
registerSecret(LIVE_HAND_SET);
registerSecret(LITERAL_PASSWORD);

const compose = 'services:\n  grafana:\n    image: grafana/grafana:11\n    ports:\n      - "${GRAFANA_PORT}:3000"\n';

const fixture = useSimulatorCli();
let dir: string;
let config: string;
let cli: SimCli;

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ PORTAINER_API_KEY: SIM_TOKEN, PHOENIX_SECRETS_DIR: join(dir, 'secrets') });
const portainer = (args: string[]) => cli.run(args, { env: env() });

describe('plan shows desired literal env values, never live or secret ones (simulator, real sockets)', () => {
  it('a port going from 3300 to 3301 shows "3301"; the secret, the sensitive name and every live value stay hidden in text, Markdown and JSON', async () => {
    cli = await fixture.start(
      {
        endpoints: [{ id: 3, name: 'drphoenix', type: 2 }],
        stacks: [
          {
            name: 'grafana',
            endpointId: 3,
            composeText: `${ownershipMarker(1002)}\n${compose}`,
            env: [
              { name: 'GRAFANA_PORT', value: '3300' },
              { name: 'GF_ADMIN', value: LIVE_HAND_SET },
              { name: 'DB_PASSWORD', value: LIVE_HAND_SET },
              { name: 'HAND_SET', value: LIVE_HAND_SET },
            ],
          },
        ],
      },
      {
        stacks: { grafana: { compose, env: { GRAFANA_PORT: '3301', GF_ADMIN: { secret: 'grafana_admin' }, DB_PASSWORD: LITERAL_PASSWORD } } },
        vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['grafana'] }],
      },
    );
    ({ config } = cli);
    dir = mkdtempSync(join(tmpdir(), 'phoenix-env-values-'));
    const set = await runCli(['secret', 'set', 'grafana_admin', '--store', 'file', '--config', config], { secretInput: `${SECRET}\n`, env: env() });
    expect(set.exitCode).toBe(0);

    const text = await portainer(['1002', 'plan']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('      env ~ GRAFANA_PORT = "3301"');
    expect(text.stdout).toContain('      env ~ GF_ADMIN  (secret: value not shown)');
    expect(text.stdout).toContain('      env ~ DB_PASSWORD  (sensitive: value not shown)');
    expect(text.stdout).toContain('      env - HAND_SET\n');
    expect(text.stdout).not.toContain('3300');
    expect(text.stderr).not.toContain('3301');

    const markdown = await portainer(['1002', 'plan', '--markdown']);
    expect(markdown.exitCode).toBe(0);
    expect(markdown.stdout).toContain('~ GRAFANA_PORT = "3301"');
    expect(markdown.stdout).not.toContain('3300');

    const json = await portainer(['1002', 'plan', '--json']);
    expect(json.exitCode).toBe(0);
    // Every decoded string, so a JSON-escaped quote or backslash cannot hide a value from the check.
    const strings: string[] = [];
    const decoded = JSON.parse(json.stdout, (_key, value: unknown) => (typeof value === 'string' && strings.push(value), value));
    for (const hidden of [SECRET, LIVE_HAND_SET, LITERAL_PASSWORD, '3300']) expect(strings.filter((s) => s.includes(hidden))).toEqual([]);
    expect(decoded.result.vms[0].plan.items[0].env.details).toEqual([
      { name: 'HAND_SET', change: 'removed' },
      { name: 'DB_PASSWORD', change: 'changed', hidden: 'sensitive' },
      { name: 'GF_ADMIN', change: 'changed', hidden: 'secret' },
      { name: 'GRAFANA_PORT', change: 'changed', value: '3301' },
    ]);
  });
});
