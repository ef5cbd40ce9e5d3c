/**
 * Apply's decisions after a write whose outcome is unknown (src/apply/apply.ts `execute`,
 * src/apply/recover.ts): each case scripts what a fake Portainer does with each write (carry
 * it out or not, then answer or lose the answer) and asserts the result and every call made.
 */
import { applyPlan, MAX_SENDS } from '../../src/apply';
import type { DeployState, StackWriter, WrittenStack } from '../../src/apply';
import { writeFailureKind } from '../../src/app/portainer-adapter';
import { UnavailableError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer';
import { ownershipMarker, plan } from '../../src/plan';
import type { EnvPair, LiveStackInput } from '../../src/plan';

const VM = 7;
const compose = 'services:\n  a:\n    image: x\n';

type Fault = 'ok' | 'lost-after' | 'lost-before' | 'gateway-before' | 'timeout-before' | 'timeout-after' | 'conflict' | 'not-found' | 'server';

interface Stored {
  id: number;
  name: string;
  endpointId: number;
  status: DeployState;
  text: string;
  env: EnvPair[];
  message?: string;
}

const errors: Record<Exclude<Fault, 'ok' | 'lost-after' | 'lost-before' | 'timeout-after' | 'timeout-before' | 'gateway-before'>, () => Error> = {
  conflict: () => new PortainerApiError({ method: 'POST', path: '/api/stacks/create/standalone/string', status: 409, portainerMessage: "A stack with the normalized name 'a' already exists" }),
  'not-found': () => new PortainerApiError({ method: 'DELETE', path: '/api/stacks/9', status: 404, portainerMessage: 'Unable to find a stack with the specified identifier inside the database' }),
  server: () => new PortainerApiError({ method: 'PUT', path: '/api/stacks/9', status: 500, portainerMessage: 'compose up operation failed: port is already allocated' }),
};
const lost = () => new UnavailableError('Could not talk to Portainer (ECONNRESET)', { code: 'PORTAINER_NETWORK' });
const timeout = () => new UnavailableError('Portainer did not answer within 900 s', { code: 'PORTAINER_TIMEOUT' });
const gateway = () => new PortainerApiError({ method: 'POST', path: '/api/stacks', status: 502, portainerMessage: 'Bad Gateway' });

/** A scripted Portainer: `faults.create` etc. are consumed one per call, then 'ok'. */
class FakePortainer implements StackWriter {
  readonly stacks = new Map<number, Stored>();
  readonly calls: string[] = [];
  faults: Partial<Record<'create' | 'update' | 'delete', Fault[]>> = {};
  /** Statuses a deploy goes through on getStack (async versions); empty = synchronous. */
  deploySteps: DeployState[] = [];
  listFails = 0;
  reportsEnv = true;
  /** Runs before the n-th create (1-based) is handled: lets a test finish an earlier deploy late. */
  beforeCreate?: (n: number) => void;
  private nextId = 100;
  private creates = 0;
  private steps = new Map<number, DeployState[]>();

  seed(stack: Omit<Stored, 'id'> & { id?: number }): Stored {
    const stored = { ...stack, id: stack.id ?? this.nextId++ };
    this.stacks.set(stored.id, stored);
    return stored;
  }

  failureKind(error: unknown): ReturnType<StackWriter['failureKind']> {
    return writeFailureKind(error);
  }

  private view(s: Stored): WrittenStack {
    return { id: s.id, name: s.name, endpointId: s.endpointId, status: s.status, ...(s.message ? { deploymentMessage: s.message } : {}), ...(this.reportsEnv ? { env: s.env } : {}) };
  }

  private async run<T>(kind: 'create' | 'update' | 'delete', act: () => T): Promise<T> {
    const fault = this.faults[kind]?.shift() ?? 'ok';
    if (fault === 'lost-before') throw lost();
    if (fault === 'gateway-before') throw gateway();
    if (fault === 'timeout-before') throw timeout();
    if (fault === 'conflict' || fault === 'not-found' || fault === 'server') throw errors[fault]();
    const result = act();
    if (fault === 'lost-after') throw lost();
    if (fault === 'timeout-after') throw timeout();
    return result;
  }

  private deploying(s: Stored): void {
    if (this.deploySteps.length === 0) return;
    s.status = 'deploying';
    this.steps.set(s.id, [...this.deploySteps]);
  }

  async createStack(input: { name: string; composeText: string; env: EnvPair[] }): Promise<WrittenStack> {
    this.calls.push(`create ${input.name}`);
    this.beforeCreate?.(++this.creates);
    return this.run('create', () => {
      const s = this.seed({ name: input.name, endpointId: 1, status: 'active', text: input.composeText, env: input.env });
      this.deploying(s);
      return this.view(s);
    });
  }

  async updateStack(input: { id: number; composeText: string; env: EnvPair[] }): Promise<WrittenStack> {
    this.calls.push(`update ${input.id}`);
    return this.run('update', () => {
      const s = this.stacks.get(input.id)!;
      Object.assign(s, { text: input.composeText, env: input.env, status: 'active' });
      this.deploying(s);
      return this.view(s);
    });
  }

  async deleteStack(id: number): Promise<void> {
    this.calls.push(`delete ${id}`);
    await this.run('delete', () => this.stacks.delete(id));
  }

  async getStack(id: number): Promise<WrittenStack> {
    this.calls.push(`get ${id}`);
    const s = this.stacks.get(id)!;
    const next = this.steps.get(id)?.shift();
    if (next !== undefined) {
      s.status = next;
      if (next === 'failed') s.message = 'compose up operation failed: image not found: x';
    }
    return this.view(s);
  }

  async listStacks(): Promise<WrittenStack[]> {
    this.calls.push('list');
    if (this.listFails > 0) {
      this.listFails--;
      throw new UnavailableError('Could not talk to Portainer (ECONNRESET, GET /api/stacks)', { code: 'PORTAINER_NETWORK' });
    }
    return [...this.stacks.values()].map((s) => this.view(s));
  }

  async stackFile(id: number): Promise<string> {
    this.calls.push(`file ${id}`);
    return this.stacks.get(id)!.text;
  }
}

const sleeps: number[] = [];
const options = { vmid: VM, concurrency: 1, deployTimeoutMs: 60_000, sleep: async (ms: number) => void sleeps.push(ms) };
const desired = (name: string, env: EnvPair[] = []) => ({ name, composeText: compose, env });
const owned = `${ownershipMarker(VM)}\n${compose}`;
const writes = (p: FakePortainer) => p.calls.filter((c) => /^(create|update|delete) /.test(c));

beforeEach(() => {
  sleeps.length = 0;
});

async function createA(p: FakePortainer) {
  return applyPlan(plan([desired('a')], [], { vmid: VM, prune: false, adopt: false }), p, options);
}

function updateSetup(liveEnv: EnvPair[] = [{ name: 'K', value: 'old' }]) {
  const p = new FakePortainer();
  const s = p.seed({ name: 'a', endpointId: 1, status: 'active', text: `${ownershipMarker(VM)}\nservices: {}\n`, env: liveEnv });
  const live: LiveStackInput[] = [{ id: s.id, name: 'a', composeText: s.text, env: s.env, git: false }];
  const thePlan = plan([desired('a', [{ name: 'K', value: 'new' }])], live, { vmid: VM, prune: false, adopt: false });
  return { p, s, thePlan };
}

describe('a create whose answer was lost', () => {
  it('counts as created when the re-read finds an owned stack of that name: sent once', async () => {
    const p = new FakePortainer();
    p.faults.create = ['lost-after'];
    const result = await createA(p);
    expect(result.results[0]).toEqual({ stack: 'a', action: 'create', outcome: 'done', recovered: true });
    expect(p.calls).toEqual(['create a', 'list', 'file 100']);
    expect(p.stacks.size).toBe(1);
  });

  it('is sent again when the re-read shows it did not land (reset before processing, or a 502)', async () => {
    for (const fault of ['lost-before', 'gateway-before'] as const) {
      const p = new FakePortainer();
      p.faults.create = [fault];
      const result = await createA(p);
      expect(result.results[0]).toEqual({ stack: 'a', action: 'create', outcome: 'done' });
      expect(p.calls).toEqual(['create a', 'list', 'create a']);
      expect(p.stacks.size).toBe(1);
    }
  });

  it('a 409 on the resend, because the first copy finished meanwhile, counts as created: no duplicate, no failure', async () => {
    const p = new FakePortainer();
    // The first create is still deploying when the re-read looks, then finishes before the resend.
    p.faults.create = ['lost-before', 'conflict'];
    p.beforeCreate = (n) => {
      if (n === 2) p.seed({ name: 'a', endpointId: 1, status: 'active', text: owned, env: [] });
    };
    const result = await createA(p);
    expect(result.results[0]).toEqual({ stack: 'a', action: 'create', outcome: 'done', recovered: true });
    expect(writes(p)).toEqual(['create a', 'create a']);
    expect(p.stacks.size).toBe(1);
  });

  it('a 409 with no owned stack of that name is a failure with Portainer’s message, never resent', async () => {
    const p = new FakePortainer();
    p.faults.create = ['conflict'];
    const result = await createA(p);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'PORTAINER_CONFLICT', message: expect.stringContaining("normalized name 'a' already exists") } });
    expect(writes(p)).toEqual(['create a']);
  });

  it('fails, touching nothing, when a stack of that name that phoenix does not own appeared', async () => {
    const p = new FakePortainer();
    p.faults.create = ['lost-before'];
    p.seed({ name: 'A', endpointId: 1, status: 'active', text: compose, env: [] });
    const result = await createA(p);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'STACK_APPEARED', message: expect.stringContaining('phoenix does not own') } });
    expect(writes(p)).toEqual(['create a']);
  });

  it('says the outcome is unknown, naming both failures, when the re-read fails too: not resent', async () => {
    const p = new FakePortainer();
    p.faults.create = ['lost-before'];
    p.listFails = 1;
    const result = await createA(p);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'OUTCOME_UNKNOWN' } });
    expect(result.results[0].error!.message).toBe(
      'whether the create of a happened is unknown: its answer was lost (Could not talk to Portainer (ECONNRESET)), and re-reading Portainer failed too (Could not talk to Portainer (ECONNRESET, GET /api/stacks))',
    );
    expect(writes(p)).toEqual(['create a']);
  });

  it('is never resent after a client-side timeout (the deploy may still run), but counts when it landed', async () => {
    const p = new FakePortainer();
    p.faults.create = ['timeout-before'];
    const result = await createA(p);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'DEPLOY_UNCONFIRMED' } });
    expect(writes(p)).toEqual(['create a']);

    const q = new FakePortainer();
    q.faults.create = ['timeout-after'];
    expect((await createA(q)).results[0]).toMatchObject({ outcome: 'done', recovered: true });
    expect(writes(q)).toEqual(['create a']);
  });

  it(`gives up after ${MAX_SENDS} copies that never landed, with backoff between them`, async () => {
    const p = new FakePortainer();
    p.faults.create = ['lost-before', 'gateway-before', 'lost-before', 'ok'];
    const result = await createA(p);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'PORTAINER_NETWORK' } });
    expect(writes(p)).toHaveLength(MAX_SENDS);
    expect(sleeps).toEqual([500, 1500]);
    expect(p.stacks.size).toBe(0);
  });

  it('waits for an asynchronous deploy found at Status 3 after recovery, and fails on Status 4 with its message', async () => {
    const p = new FakePortainer();
    p.faults.create = ['lost-after'];
    p.deploySteps = ['deploying', 'active'];
    expect((await createA(p)).results[0]).toEqual({ stack: 'a', action: 'create', outcome: 'done', recovered: true });
    expect(p.calls).toEqual(['create a', 'list', 'file 100', 'get 100', 'get 100']);

    const q = new FakePortainer();
    q.faults.create = ['lost-after'];
    q.deploySteps = ['deploying', 'failed'];
    const failed = (await createA(q)).results[0];
    expect(failed).toMatchObject({ outcome: 'failed', error: { code: 'DEPLOY_FAILED', message: 'Portainer failed to deploy a: compose up operation failed: image not found: x' } });
  });

  it('is not sent again after Ctrl-C', async () => {
    const p = new FakePortainer();
    p.faults.create = ['lost-before'];
    const controller = new AbortController();
    const result = await applyPlan(plan([desired('a')], [], { vmid: VM, prune: false, adopt: false }), p, {
      ...options,
      signal: controller.signal,
      sleep: async () => controller.abort(),
    });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'INTERRUPTED' } });
    expect(writes(p)).toEqual(['create a']);
  });
});

describe('an update whose answer was lost', () => {
  it('counts as done when the file and the env in Portainer are the desired ones', async () => {
    const { p, s, thePlan } = updateSetup();
    p.faults.update = ['lost-after'];
    const result = await applyPlan(thePlan, p, options);
    expect(result.results[0]).toEqual({ stack: 'a', action: 'update', outcome: 'done', recovered: true });
    expect(writes(p)).toEqual([`update ${s.id}`]);
  });

  it('is sent again when the env did not land even though the file matches', async () => {
    const { p, s, thePlan } = updateSetup();
    p.faults.update = ['lost-before'];
    s.text = owned; // same file as desired: only the env differs
    const result = await applyPlan(thePlan, p, options);
    expect(result.results[0]).toEqual({ stack: 'a', action: 'update', outcome: 'done' });
    expect(writes(p)).toEqual([`update ${s.id}`, `update ${s.id}`]);
    expect(p.stacks.get(s.id)!.env).toEqual([{ name: 'K', value: 'new' }]);
  });

  it('is sent again, not trusted, when the writer cannot report env', async () => {
    const { p, s, thePlan } = updateSetup();
    p.reportsEnv = false;
    p.faults.update = ['lost-after'];
    expect((await applyPlan(thePlan, p, options)).results[0]).toEqual({ stack: 'a', action: 'update', outcome: 'done' });
    expect(writes(p)).toEqual([`update ${s.id}`, `update ${s.id}`]);
  });

  it('waits out another deploy on an async 409 "already in progress", then sends it again', async () => {
    const { p, s, thePlan } = updateSetup();
    s.status = 'deploying';
    p.faults.update = ['conflict'];
    let polls = 0;
    const getStack = p.getStack.bind(p);
    p.getStack = async (id) => {
      if (++polls === 2) s.status = 'active';
      return getStack(id);
    };
    const result = await applyPlan(thePlan, p, options);
    expect(result.results[0]).toEqual({ stack: 'a', action: 'update', outcome: 'done' });
    expect(writes(p)).toEqual([`update ${s.id}`, `update ${s.id}`]);
  });

  it('is not resent after a client-side timeout when Portainer still has the old file', async () => {
    const { p, thePlan } = updateSetup();
    p.faults.update = ['timeout-before'];
    const result = await applyPlan(thePlan, p, options);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'DEPLOY_UNCONFIRMED', message: expect.stringContaining('was not sent again') } });
    expect(writes(p)).toHaveLength(1);
  });

  it('a definite failure (500 with compose output) is reported as is, without a re-read', async () => {
    const { p, thePlan } = updateSetup();
    p.faults.update = ['server'];
    const result = await applyPlan(thePlan, p, options);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'PORTAINER_SERVER_ERROR', message: expect.stringContaining('port is already allocated') } });
    expect(p.calls).toEqual(['update 100']);
  });
});

describe('a delete whose outcome is unknown', () => {
  const prunePlan = (p: FakePortainer) => {
    const s = p.seed({ name: 'old', endpointId: 1, status: 'active', text: owned, env: [] });
    return { s, thePlan: plan([], [{ id: s.id, name: 'old', composeText: s.text, env: [], git: false }], { vmid: VM, prune: true, adopt: false }) };
  };

  it('counts as done on not-found when the stack is gone (an earlier copy deleted it)', async () => {
    const p = new FakePortainer();
    const { s, thePlan } = prunePlan(p);
    p.faults.delete = ['not-found'];
    p.stacks.delete(s.id);
    expect((await applyPlan(thePlan, p, options)).results[0]).toEqual({ stack: 'old', action: 'delete', outcome: 'done', recovered: true });
  });

  it('fails on not-found when the stack is still listed (a wrong environment id), never resent', async () => {
    const p = new FakePortainer();
    const { s, thePlan } = prunePlan(p);
    p.faults.delete = ['not-found'];
    expect((await applyPlan(thePlan, p, options)).results[0]).toMatchObject({ outcome: 'failed', error: { code: 'PORTAINER_NOT_FOUND' } });
    expect(writes(p)).toEqual([`delete ${s.id}`]);
  });

  it('counts a lost answer after the delete happened as done', async () => {
    const p = new FakePortainer();
    const { thePlan } = prunePlan(p);
    p.faults.delete = ['lost-after'];
    expect((await applyPlan(thePlan, p, options)).results[0]).toMatchObject({ outcome: 'done', recovered: true });
    expect(p.stacks.size).toBe(0);
  });
});

describe('partial failure', () => {
  it('one failed action does not stop the independent ones; each says done, failed or not attempted', async () => {
    const p = new FakePortainer();
    p.faults.create = ['ok', 'server', 'ok'];
    const result = await applyPlan(plan([desired('a'), desired('b'), desired('c')], [], { vmid: VM, prune: false, adopt: false }), p, options);
    expect(result.ok).toBe(false);
    expect(result.results.map((r) => [r.stack, r.outcome])).toEqual([
      ['a', 'done'],
      ['b', 'failed'],
      ['c', 'done'],
    ]);
    expect(writes(p)).toEqual(['create a', 'create b', 'create c']);
  });
});
