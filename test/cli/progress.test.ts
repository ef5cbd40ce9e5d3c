/**
 * One line per action: stderr says when each action starts, stdout reports each outcome once.
 * Without a terminal (and in --json) there is no elapsed-time line and no carriage return.
 */
import { useSimulatorCli } from '../helpers/sim-cli';
import type { SimCli } from '../helpers/sim-cli';

const fixture = useSimulatorCli();
let cli: SimCli;

beforeEach(async () => {
  cli = await fixture.start(
    { endpoints: [{ id: 3, name: 'progvm', type: 2 }] },
    {
      stacks: { web: { compose: 'services:\n  web:\n    image: nginx\n' }, db: { compose: 'services:\n  db:\n    image: postgres:16\n' } },
      vms: [{ vmid: 4921, name: 'progvm', portainer_environment_name: 'progvm', docker_stacks: ['web', 'db'] }],
    },
  );
});

const mentions = (text: string, stack: string) => text.split('\n').filter((line) => new RegExp(`\\b${stack}\\b`).test(line));

it('each action: one progress line on stderr, one result line on stdout, no elapsed line off a terminal', async () => {
  const result = await cli.run(['4921', 'converge', '--yes']);
  expect(result.exitCode).toBe(0);
  for (const stack of ['web', 'db']) {
    expect(mentions(result.stderr, stack)).toEqual([`creating ${stack}...`]);
    expect(mentions(result.stdout, stack).filter((line) => /create/.test(line) && !/^\s*\+/.test(line))).toEqual([`  done   create ${stack}`]);
  }
  expect(result.stderr).not.toContain('\r');
  expect(result.stderr).not.toMatch(/: create done/);
});

it('--json: stdout is one JSON document; stderr has the same single line per action and no elapsed line', async () => {
  const result = await cli.run(['4921', 'converge', '--yes', '--json']);
  expect(result.exitCode).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, result: { applied: true } });
  expect(mentions(result.stderr, 'web')).toEqual(['creating web...']);
  expect(result.stderr).not.toContain('\r');
});
