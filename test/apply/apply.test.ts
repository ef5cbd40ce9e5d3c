import { applyPlan } from '../../src/apply';
import type { DeployState, StackWriter, WrittenStack } from '../../src/apply';
import { writeFailureKind } from '../../src/app/portainer-adapter';
import { UnavailableError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer';
import { ownershipMarker, plan } from '../../src/plan';
import type { LiveStackInput } from '../../src/plan';

const VM = 5;
const compose = 'services:\n  a:\n    image: x\n';

/** An in-memory writer that records calls; behaviour per stack name is scripted. */
function fakeWriter(script: { failCreate?: string[]; loseCreate?: string[]; asyncStatus?: Record<string, DeployState[]> } = {}) {
  const calls: string[] = [];
  const stacks = new Map<number, WrittenStack & { text: string }>();
  let nextId = 100;
  const statuses = new Map<number, DeployState[]>();
  const writer: StackWriter = {
    async createStack({ name, composeText }) {
      calls.push(`create ${name}`);
      if (script.failCreate?.includes(name))
        throw new PortainerApiError({ method: 'POST', path: '/api/stacks/create/standalone/string', status: 500, portainerMessage: 'compose up failed: port in use' });
      const stack = { id: nextId++, name, endpointId: 1, status: 'active' as DeployState, text: composeText };
      const sequence = script.asyncStatus?.[name];
      if (sequence) {
        stack.status = 'deploying';
        statuses.set(stack.id, [...sequence]);
      }
      stacks.set(stack.id, stack);
      if (script.loseCreate?.includes(name)) throw new UnavailableError('socket hang up', { code: 'PORTAINER_NETWORK' });
      return { ...stack };
    },
    async updateStack({ id, composeText }) {
      calls.push(`update ${id}`);
      const stack = stacks.get(id)!;
      stack.text = composeText;
      return { ...stack };
    },
    async deleteStack(id) {
      calls.push(`delete ${id}`);
      stacks.delete(id);
    },
    async getStack(id) {
      calls.push(`get ${id}`);
      const stack = stacks.get(id)!;
      const sequence = statuses.get(id);
      if (sequence && sequence.length > 0) stack.status = sequence.shift()!;
      return { ...stack, deploymentMessage: stack.status === 'failed' ? 'image not found: nginx:nope' : undefined };
    },
    async listStacks() {
      calls.push('list');
      return [...stacks.values()].map((s) => ({ ...s }));
    },
    async stackFile(id) {
      calls.push(`file ${id}`);
      return stacks.get(id)!.text;
    },
    failureKind: writeFailureKind,
  };
  return { writer, calls, stacks };
}

const options = { vmid: VM, concurrency: 1, deployTimeoutMs: 60_000, sleep: async () => undefined };
const desired = (name: string) => ({ name, composeText: compose, env: [] });

describe('applyPlan', () => {
  it('runs each write of the plan once and reports done', async () => {
    const { writer, calls } = fakeWriter();
    const live: LiveStackInput[] = [];
    const p = plan([desired('a'), desired('b')], live, { vmid: VM, prune: false, adopt: false });
    const result = await applyPlan(p, writer, options);
    expect(calls).toEqual(['create a', 'create b']);
    expect(result.ok).toBe(true);
    expect(result.results.map((r) => r.outcome)).toEqual(['done', 'done']);
  });

  it('keeps going after one failure and reports it with Portainer’s message', async () => {
    const { writer, calls } = fakeWriter({ failCreate: ['a'] });
    const p = plan([desired('a'), desired('b')], [], { vmid: VM, prune: false, adopt: false });
    const result = await applyPlan(p, writer, options);
    expect(calls).toEqual(['create a', 'create b']);
    expect(result.ok).toBe(false);
    expect(result.results[0]).toMatchObject({ stack: 'a', outcome: 'failed', error: { code: 'PORTAINER_SERVER_ERROR' } });
    expect(result.results[0].error?.message).toContain('port in use');
    expect(result.results[1].outcome).toBe('done');
  });

  it('treats a create whose answer was lost as done when an owned stack of that name exists, without repeating it', async () => {
    const { writer, calls } = fakeWriter({ loseCreate: ['a'] });
    const p = plan([desired('a')], [], { vmid: VM, prune: false, adopt: false });
    const result = await applyPlan(p, writer, options);
    expect(calls.filter((c) => c.startsWith('create'))).toEqual(['create a']);
    expect(result.results[0]).toMatchObject({ outcome: 'done', recovered: true });
  });

  it('polls an asynchronous deploy until it is active', async () => {
    const { writer, calls } = fakeWriter({ asyncStatus: { a: ['deploying', 'active'] } });
    const p = plan([desired('a')], [], { vmid: VM, prune: false, adopt: false });
    const result = await applyPlan(p, writer, options);
    expect(calls).toEqual(['create a', 'get 100', 'get 100']);
    expect(result.ok).toBe(true);
  });

  it('fails an asynchronous deploy that ends in Status 4 with the deployment message', async () => {
    const { writer } = fakeWriter({ asyncStatus: { a: ['failed'] } });
    const p = plan([desired('a')], [], { vmid: VM, prune: false, adopt: false });
    const result = await applyPlan(p, writer, options);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'DEPLOY_FAILED' } });
    expect(result.results[0].error?.message).toContain('image not found: nginx:nope');
  });

  it('gives up polling at the deploy timeout', async () => {
    const { writer } = fakeWriter({ asyncStatus: { a: ['deploying', 'deploying', 'deploying', 'deploying', 'deploying', 'deploying'] } });
    let clock = 0;
    const p = plan([desired('a')], [], { vmid: VM, prune: false, adopt: false });
    const result = await applyPlan(p, writer, { ...options, deployTimeoutMs: 1000, now: () => clock, sleep: async (ms) => void (clock += ms) });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'DEPLOY_TIMEOUT' } });
  });

  it('starts no write once aborted and marks the rest not attempted', async () => {
    const { writer, calls } = fakeWriter();
    const controller = new AbortController();
    controller.abort();
    const live: LiveStackInput[] = [{ id: 9, name: 'old', composeText: `${ownershipMarker(VM)}\n${compose}`, env: [], git: false }];
    const p = plan([desired('a')], live, { vmid: VM, prune: true, adopt: false });
    const result = await applyPlan(p, writer, { ...options, signal: controller.signal });
    expect(calls).toEqual([]);
    expect(result.results.map((r) => r.outcome)).toEqual(['not-attempted', 'not-attempted']);
  });
});
