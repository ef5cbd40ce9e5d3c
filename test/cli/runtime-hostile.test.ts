/**
 * Hostile runtime answers through the built CLI: Docker labels are anyone's text (a container
 * started by hand can carry any compose label), so a service name with quotes, newlines and
 * terminal escapes must not reach the terminal raw nor break the JSON document or the Markdown;
 * thousands of containers must neither flood the plan nor cost one request each.
 */
import { ownershipMarker } from '../../src/plan';
import { useSimulatorCli } from '../helpers/sim-cli';

const ONE = 'services:\n  web:\n    image: nginx:1.27\n';
const owned = (text: string) => `${ownershipMarker(1002)}\n${text}`;
const HOSTILE = 'evil"\n\u001b[2J\u001b]0;pwned\u0007|`<b>';

const fixture = useSimulatorCli();

const start = (orphans: { endpointId: number; stack: string; service: string }[]) =>
  fixture.start(
    { endpoints: [{ id: 3, name: 'drphoenix', type: 2 }], faults: { deployMs: 0 }, stacks: [{ name: 'web', endpointId: 3, composeText: owned(ONE) }], orphans },
    { stacks: { web: { compose: ONE } }, vms: [{ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', docker_stacks: ['web'] }] },
  );

describe('hostile runtime answers', () => {
  it('a service label with quotes, a newline and terminal escapes is quoted in text, escaped in Markdown, exact in JSON', async () => {
    const cli = await start([{ endpointId: 3, stack: 'web', service: HOSTILE }]);
    for (const args of [
      ['1002', 'plan'],
      ['1002', 'plan', '--prune'],
      ['1002', 'status'],
      ['1002', 'plan', '--markdown'],
      ['1002', 'plan', '--debug'],
    ]) {
      const r = await cli.run(args);
      expect({ args, exitCode: r.exitCode }).toEqual({ args, exitCode: 0 });
      for (const out of [r.stdout, r.stderr]) {
        expect(out).not.toContain('\u001b');
        expect(out).not.toContain('\u0007');
      }
      // The name never starts a line of its own: the newline inside it is escaped.
      expect(r.stdout.split('\n').some((l) => l.startsWith('\u001b') || l.startsWith('['))).toBe(false);
    }
    const text = await cli.run(['1002', 'plan']);
    // JSON-quoted: the newline, ESC and BEL spelled \n, \u001b, \u0007, the quote escaped.
    expect(text.stdout).toContain(`orphan service ${JSON.stringify(HOSTILE)}: not in the file`);
    const markdown = await cli.run(['1002', 'plan', '--markdown']);
    expect(markdown.stdout).not.toContain('<b>');
    expect(markdown.stdout).toContain('\\|');

    const json = await cli.run(['1002', 'plan', '--json', '--prune']);
    expect(json.exitCode).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.result.vms[0].plan.items[0].runtime.orphans).toEqual([{ service: HOSTILE, remove: true, units: [{ id: expect.any(String), name: expect.any(String) }] }]);
    const statusJson = JSON.parse((await cli.run(['1002', 'status', '--json'])).stdout);
    expect(statusJson.result.vms[0].stacks[0].runtime.orphans[0].service).toBe(HOSTILE);
    expect(cli.sim.writes()).toEqual([]);
  });

  it('2,000 orphan containers: one containers request, a capped plan, every container in JSON, and --prune removes each once', async () => {
    const orphans = Array.from({ length: 2000 }, (_, i) => ({ endpointId: 3, stack: 'web', service: `svc-${String(i).padStart(4, '0')}` }));
    const cli = await start(orphans);
    const text = await cli.run(['1002', 'plan']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('in sync, but 2000 services no longer in the file still run (--prune removes them)');
    expect(text.stdout).toContain('... and 1,980 more orphan services');
    expect(text.stdout.split('\n').filter((l) => l.includes('orphan service svc-'))).toHaveLength(20);
    expect(cli.sim.requests.filter((r) => r.path.endsWith('/docker/containers/json'))).toHaveLength(1);

    const json = JSON.parse((await cli.run(['1002', 'plan', '--json'])).stdout);
    expect(json.result.vms[0].plan.items[0].runtime.orphans).toHaveLength(2000);

    const converged = await cli.run(['1002', 'converge', '--prune', '--yes', '--concurrency', '8']);
    expect(converged.exitCode).toBe(0);
    expect(cli.sim.containerRemovals()).toHaveLength(2000);
    expect(new Set(cli.sim.containerRemovals().map((r) => r.id)).size).toBe(2000);
    expect(cli.sim.containers(3).map((c) => c.service)).toEqual(['web']);
  }, 120_000);
});
