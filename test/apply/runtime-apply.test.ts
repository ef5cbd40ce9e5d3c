/**
 * Apply's runtime actions against a scripted writer: a start is one call, and a start whose answer
 * was lost is decided by re-reading the stack's status (never resent blindly); orphan containers
 * go after the stack's own action and only when it succeeded; an interrupt stops new removals; a
 * container already gone counts as removed.
 */
import { applyPlan } from '../../src/apply';
import type { DeployState, StackWriter, WrittenStack } from '../../src/apply';
import { writeFailureKind } from '../../src/app/portainer-adapter';
import { UnavailableError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer';
import { ownershipMarker, plan } from '../../src/plan';
import type { EnvironmentRuntime } from '../../src/plan';

const VM = 7;
const compose = 'services:\n  web:\n    image: x\n';
const lost = () => new UnavailableError('Could not talk to Portainer (ECONNRESET)', { code: 'PORTAINER_NETWORK' });
const notFound = () => new PortainerApiError({ method: 'DELETE', path: '/api/endpoints/3/docker/containers/c1', status: 404, portainerMessage: 'No such container: c1' });
const nameTaken = () => new PortainerApiError({ method: 'POST', path: '/api/stacks/9/start', status: 409, portainerMessage: "A stack with the name 'web' is already running" });

class Writer implements StackWriter {
  calls: string[] = [];
  status: DeployState = 'inactive';
  /** What each start does: 'ok', 'lost-after' (starts, answer lost), 'lost-before' (answer lost, nothing done), 'taken' (409). */
  starts: ('ok' | 'lost-after' | 'lost-before' | 'taken')[] = [];
  /** Per container id: 'ok', 'gone' (404), 'fail'. */
  removals: Record<string, 'ok' | 'gone' | 'fail'> = {};
  onRemove?: (id: string) => void;
  updateFails = false;

  failureKind = writeFailureKind;
  private view(): WrittenStack {
    return { id: 9, name: 'web', endpointId: 3, status: this.status, env: [] };
  }
  createStack(): Promise<WrittenStack> {
    throw new Error('no create expected');
  }
  async updateStack(input: { prune?: boolean }): Promise<WrittenStack> {
    this.calls.push(`update${input.prune ? ' prune' : ''}`);
    if (this.updateFails) throw new PortainerApiError({ method: 'PUT', path: '/api/stacks/9', status: 400, portainerMessage: 'Invalid stack file' });
    return this.view();
  }
  async deleteStack(): Promise<void> {
    this.calls.push('delete');
  }
  async startStack(id: number): Promise<WrittenStack> {
    this.calls.push(`start ${id}`);
    const step = this.starts.shift() ?? 'ok';
    if (step === 'taken') throw nameTaken();
    if (step === 'lost-before') throw lost();
    this.status = 'active';
    if (step === 'lost-after') throw lost();
    return this.view();
  }
  async removeContainer(id: string): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.onRemove?.(id);
    const step = this.removals[id] ?? 'ok';
    if (step === 'gone') throw notFound();
    if (step === 'fail') throw new PortainerApiError({ method: 'DELETE', path: `/api/endpoints/3/docker/containers/${id}`, status: 500, portainerMessage: 'driver failed' });
  }
  async getStack(): Promise<WrittenStack> {
    this.calls.push('get');
    return this.view();
  }
  async listStacks(): Promise<WrittenStack[]> {
    this.calls.push('list');
    return [this.view()];
  }
  async stackFile(): Promise<string> {
    return `${ownershipMarker(VM)}\n${compose}`;
  }
}

const options = { vmid: VM, concurrency: 4, deployTimeoutMs: 60_000, sleep: async () => undefined };
const stopped = () =>
  plan([{ name: 'web', composeText: compose, env: [], services: ['web'] }], [{ id: 9, name: 'web', composeText: `${ownershipMarker(VM)}\n${compose}`, env: [], git: false, stopped: true }], {
    vmid: VM,
    prune: false,
    adopt: false,
  });
const orphaned = (text = compose) => {
  const runtime: EnvironmentRuntime = {
    kind: 'compose',
    units: [
      { id: 'w1', name: 'web-web-1', project: 'web', service: 'web', state: 'running' },
      { id: 'c1', name: 'web-old-1', project: 'web', service: 'old', state: 'running' },
      { id: 'c2', name: 'web-old-2', project: 'web', service: 'old', state: 'exited', exitCode: 0 },
    ],
  };
  return plan(
    [{ name: 'web', composeText: text, env: [], services: ['web'] }],
    [{ id: 9, name: 'web', composeText: `${ownershipMarker(VM)}\n${compose}`, env: [], git: false, running: true }],
    { vmid: VM, prune: true, adopt: false },
    runtime,
  );
};

describe('apply: start', () => {
  it('is exactly one start call for a stopped stack', async () => {
    const w = new Writer();
    const result = await applyPlan(stopped(), w, options);
    expect(result).toEqual({ ok: true, results: [{ stack: 'web', action: 'start', outcome: 'done' }] });
    expect(w.calls).toEqual(['start 9']);
  });

  it('a lost answer of a start that ran is decided by re-reading the status: done, not sent again', async () => {
    const w = new Writer();
    w.starts = ['lost-after'];
    const result = await applyPlan(stopped(), w, options);
    expect(result.results).toEqual([{ stack: 'web', action: 'start', outcome: 'done', recovered: true }]);
    expect(w.calls).toEqual(['start 9', 'list']);
  });

  it('a lost answer of a start that did not run is sent again only after the re-read shows it still stopped', async () => {
    const w = new Writer();
    w.starts = ['lost-before'];
    const result = await applyPlan(stopped(), w, options);
    expect(result.ok).toBe(true);
    expect(w.calls).toEqual(['start 9', 'list', 'start 9']);
  });

  it('a 409 (another project of that name runs) with the stack still stopped fails without a resend', async () => {
    const w = new Writer();
    w.starts = ['taken'];
    const result = await applyPlan(stopped(), w, options);
    expect(result.results).toEqual([{ stack: 'web', action: 'start', outcome: 'failed', error: { code: 'PORTAINER_CONFLICT', message: expect.stringContaining('already running') } }]);
    expect(w.calls).toEqual(['start 9', 'list']);
  });

  it('an interrupt before it starts sends nothing', async () => {
    const w = new Writer();
    const controller = new AbortController();
    controller.abort('SIGTERM');
    const result = await applyPlan(stopped(), w, { ...options, signal: controller.signal });
    expect(result.results).toEqual([{ stack: 'web', action: 'start', outcome: 'not-attempted' }]);
    expect(w.calls).toEqual([]);
  });
});

describe('apply: orphan containers (compose, --prune)', () => {
  it('a noop stack: every container of the orphan service is removed, nothing else is written', async () => {
    const w = new Writer();
    const result = await applyPlan(orphaned(), w, options);
    expect(result).toEqual({ ok: true, results: [{ stack: 'web', action: 'remove-orphans', outcome: 'done' }] });
    expect(w.calls).toEqual(['remove c1', 'remove c2']);
  });

  it("after the stack's own update, and not at all when the update failed", async () => {
    const w = new Writer();
    await applyPlan(orphaned('services:\n  web:\n    image: y\n'), w, options);
    expect(w.calls).toEqual(['update', 'remove c1', 'remove c2']);

    const failing = new Writer();
    failing.updateFails = true;
    const result = await applyPlan(orphaned('services:\n  web:\n    image: y\n'), failing, options);
    expect(result.results.map((r) => [r.action, r.outcome])).toEqual([
      ['update', 'failed'],
      ['remove-orphans', 'not-attempted'],
    ]);
    expect(failing.calls).toEqual(['update']);
  });

  it('a container already gone (404) counts as removed', async () => {
    const w = new Writer();
    w.removals = { c1: 'gone' };
    expect((await applyPlan(orphaned(), w, options)).ok).toBe(true);
    expect(w.calls).toEqual(['remove c1', 'remove c2']);
  });

  it('a removal that fails stops the others of that stack and says how many went', async () => {
    const w = new Writer();
    w.removals = { c1: 'fail' };
    const result = await applyPlan(orphaned(), w, options);
    expect(result.results).toEqual([
      { stack: 'web', action: 'remove-orphans', outcome: 'failed', error: { code: 'PORTAINER_SERVER_ERROR', message: expect.stringMatching(/^removed 0 of 2 orphan containers; .*driver failed/) } },
    ]);
    expect(w.calls).toEqual(['remove c1']);
  });

  it('an interrupt between two removals lets the one in flight finish and starts no other', async () => {
    const w = new Writer();
    const controller = new AbortController();
    w.onRemove = () => controller.abort('SIGINT');
    const result = await applyPlan(orphaned(), w, { ...options, signal: controller.signal });
    expect(result.results).toEqual([
      { stack: 'web', action: 'remove-orphans', outcome: 'failed', error: { code: 'INTERRUPTED', message: 'interrupted after removing 1 of 2 orphan containers (exit 130)' } },
    ]);
    expect(w.calls).toEqual(['remove c1']);
  });
});

describe('apply: Swarm orphans', () => {
  it('go through the update with Prune, no container removal', async () => {
    const runtime: EnvironmentRuntime = {
      kind: 'swarm',
      units: [
        { id: 's1', name: 'web_web', project: 'web', service: 'web', running: 1, desired: 1 },
        { id: 's2', name: 'web_old', project: 'web', service: 'old', running: 1, desired: 1 },
      ],
    };
    const p = plan(
      [{ name: 'web', composeText: compose, env: [], services: ['web'] }],
      [{ id: 9, name: 'web', composeText: `${ownershipMarker(VM)}\n${compose}`, env: [], git: false, running: true }],
      { vmid: VM, prune: true, adopt: false },
      runtime,
    );
    const w = new Writer();
    w.status = 'active';
    expect((await applyPlan(p, w, options)).results).toEqual([{ stack: 'web', action: 'update', outcome: 'done' }]);
    expect(w.calls).toEqual(['update prune']);
  });
});
