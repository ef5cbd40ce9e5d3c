/**
 * A forced update (--redeploy, --pull) is an update: apply sends the pull flag only for items
 * that ask for it, never for a roll-back, and a redeploy whose answer was lost is neither counted
 * as done nor sent again (its file and env were already Portainer's, so a re-read cannot tell).
 */
import { applyPlan } from '../../src/apply';
import type { StackWriter, WrittenStack } from '../../src/apply';
import { writeFailureKind } from '../../src/app/portainer-adapter';
import { UnavailableError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer';
import { ownershipMarker, plan } from '../../src/plan';
import type { EnvPair, LiveStackInput, PlanOptions } from '../../src/plan';

const VM = 7;
const compose = 'services:\n  a:\n    image: x:latest\n';
const owned = `${ownershipMarker(VM)}\n${compose}`;

type Fault = 'ok' | 'lost-after' | 'lost-before' | 'timeout-after' | 'server';

/** One stored stack; every write is recorded with the pull flag it carried. */
class Fake implements StackWriter {
  stored = { id: 9, name: 'a', endpointId: 1, status: 'active' as const, text: owned, env: [] as EnvPair[] };
  readonly calls: string[] = [];
  faults: Fault[] = [];

  failureKind = writeFailureKind;

  private view(): WrittenStack {
    return { id: 9, name: 'a', endpointId: 1, status: this.stored.status, env: this.stored.env };
  }

  async updateStack(input: { id: number; composeText: string; env: EnvPair[]; pull?: boolean }): Promise<WrittenStack> {
    this.calls.push(`update ${input.id}${input.pull === true ? ' pull' : ''}`);
    const fault = this.faults.shift() ?? 'ok';
    if (fault === 'lost-before') throw new UnavailableError('Could not talk to Portainer (ECONNRESET)', { code: 'PORTAINER_NETWORK' });
    if (fault === 'server') throw new PortainerApiError({ method: 'PUT', path: '/api/stacks/9', status: 500, portainerMessage: 'failed to pull image x:latest' });
    Object.assign(this.stored, { text: input.composeText, env: input.env });
    if (fault === 'lost-after') throw new UnavailableError('Could not talk to Portainer (ECONNRESET)', { code: 'PORTAINER_NETWORK' });
    if (fault === 'timeout-after') throw new UnavailableError('Portainer did not answer within 900 s', { code: 'PORTAINER_TIMEOUT' });
    return this.view();
  }

  async createStack(): Promise<WrittenStack> {
    throw new Error('not used');
  }

  async deleteStack(): Promise<void> {
    throw new Error('not used');
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
    this.calls.push('file');
    return this.stored.text;
  }
}

const options = { vmid: VM, concurrency: 1, deployTimeoutMs: 60_000, sleep: async () => undefined };
const live: LiveStackInput[] = [{ id: 9, name: 'a', composeText: owned, env: [], git: false, running: true }];
const planWith = (redeploy: PlanOptions['redeploy'], env: EnvPair[] = []) => plan([{ name: 'a', composeText: compose, env }], live, { vmid: VM, prune: false, adopt: false, redeploy });
const writes = (f: Fake) => f.calls.filter((c) => c.startsWith('update'));

describe('apply of a forced update', () => {
  it('--pull sends one update with the pull; --redeploy one without', async () => {
    for (const [redeploy, call] of [
      ['pull', 'update 9 pull'],
      ['plain', 'update 9'],
    ] as const) {
      const f = new Fake();
      const result = await applyPlan(planWith(redeploy), f, options);
      expect(result).toEqual({ ok: true, results: [{ stack: 'a', action: 'update', outcome: 'done' }] });
      expect(writes(f)).toEqual([call]);
    }
  });

  it('--pull pulls for a stack updated anyway too', async () => {
    const f = new Fake();
    await applyPlan(planWith('pull', [{ name: 'K', value: '1' }]), f, options);
    expect(writes(f)).toEqual(['update 9 pull']);
  });

  it.each<[Fault]>([['lost-after'], ['timeout-after'], ['lost-before']])('a redeploy whose answer was lost (%s) is not counted as done and not sent again', async (fault) => {
    const f = new Fake();
    f.faults = [fault];
    const result = await applyPlan(planWith('pull'), f, options);
    expect(result.ok).toBe(false);
    expect(result.results[0]).toMatchObject({ stack: 'a', action: 'update', outcome: 'failed', error: { code: 'DEPLOY_UNCONFIRMED' } });
    expect(result.results[0].error?.message).toMatch(/cannot tell whether the redeploy and its image pull ran; it was not sent again/);
    expect(result.results[0].rolledBack).toBeUndefined();
    expect(writes(f)).toEqual(['update 9 pull']);
  });

  it('an update with real changes whose answer was lost is still confirmed by re-reading (only bare redeploys are undecidable)', async () => {
    const f = new Fake();
    f.faults = ['lost-after'];
    const result = await applyPlan(planWith('pull', [{ name: 'K', value: '1' }]), f, options);
    expect(result.results[0]).toEqual({ stack: 'a', action: 'update', outcome: 'done', recovered: true });
    expect(writes(f)).toEqual(['update 9 pull']);
  });

  it('a failed redeploy with pull of a running stack is rolled back once, without the pull', async () => {
    const f = new Fake();
    f.faults = ['server'];
    const result = await applyPlan(planWith('pull'), f, options);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', rolledBack: true, error: { code: 'UPDATE_ROLLED_BACK' } });
    expect(writes(f)).toEqual(['update 9 pull', 'update 9']);
  });

  it('--no-rollback leaves a failed redeploy as Portainer left it: one update', async () => {
    const f = new Fake();
    f.faults = ['server'];
    const result = await applyPlan(planWith('pull'), f, { ...options, rollback: false });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'PORTAINER_SERVER_ERROR' } });
    expect(writes(f)).toEqual(['update 9 pull']);
  });
});
