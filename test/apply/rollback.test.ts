/**
 * Roll-back of a failed update, with a fake writer: one more update with the file and env the plan
 * read, under apply's own update rules; never for a create, a stack that was not running, an
 * unknown outcome, or with roll-back off; a failed roll-back is reported, never retried in a loop.
 */
import { applyPlan, previousSecrets } from '../../src/apply';
import type { DeployState, StackWriter, WrittenStack } from '../../src/apply';
import { writeFailureKind, writeFailureMessage } from '../../src/app/portainer-adapter';
import { UnavailableError } from '../../src/errors';
import { PortainerApiError } from '../../src/portainer';
import { ownershipMarker, plan } from '../../src/plan';
import type { EnvPair, LiveStackInput } from '../../src/plan';

const VM = 5;
const OLD = `${ownershipMarker(VM)}\nservices:\n  a:\n    image: good:1\n`;
const OLD_ENV: EnvPair[] = [
  { name: 'DB_PASSWORD', value: 'set-by-hand "pw"\\' },
  { name: 'PORT', value: '80' },
];

/** `sync`: 2.16+ (the failed file is not kept); `sync-2.15`: up to 2.15 the failed file stays stored. */
type Failure = 'sync' | 'sync-2.15' | 'async' | 'lost' | 'timeout' | 'gateway';

/** One live stack (id 7); each update pops the next scripted failure ('ok' lands it). */
function fakeWriter(updates: Array<Failure | 'ok' | 'lost-landed'>) {
  const calls: string[] = [];
  const stack: WrittenStack & { text: string } = { id: 7, name: 'web', endpointId: 1, status: 'active', text: OLD, env: OLD_ENV };
  let pollsToEnd = 0;
  let endStatus: DeployState = 'active';
  const sent: Array<{ composeText: string; env: EnvPair[] }> = [];
  const writer: StackWriter = {
    async createStack({ name }) {
      calls.push(`create ${name}`);
      throw new PortainerApiError({ method: 'POST', path: '/api/stacks/create/standalone/string', status: 500, portainerMessage: 'failed to deploy a stack: boom' });
    },
    async updateStack({ composeText, env }) {
      calls.push('update');
      sent.push({ composeText, env });
      const next = updates.shift() ?? 'ok';
      const server500 = () =>
        new PortainerApiError({ method: 'PUT', path: '/api/stacks/7', status: 500, portainerMessage: `failed to deploy a stack: bad image in ${composeText.includes('bad') ? 'new' : 'old'} file` });
      if (next === 'sync' || next === 'sync-2.15') {
        stack.status = 'inactive';
        if (next === 'sync-2.15') stack.text = composeText;
        throw server500();
      }
      if (next === 'timeout') throw new UnavailableError('no answer', { code: 'PORTAINER_TIMEOUT' });
      if (next === 'gateway') throw new PortainerApiError({ method: 'PUT', path: '/api/stacks/7', status: 502 });
      stack.text = composeText;
      stack.env = env;
      if (next === 'lost') throw new UnavailableError('socket hang up', { code: 'PORTAINER_NETWORK' }); // not landed: reverted below
      if (next === 'async') {
        stack.status = 'deploying';
        pollsToEnd = 2;
        endStatus = 'failed';
        return { ...stack };
      }
      stack.status = 'active';
      if (next === 'lost-landed') throw new UnavailableError('socket hang up', { code: 'PORTAINER_NETWORK' });
      return { ...stack };
    },
    async deleteStack() {
      throw new Error('no delete expected');
    },
    async getStack() {
      calls.push('get');
      if (stack.status === 'deploying' && --pollsToEnd <= 0) stack.status = endStatus;
      return { ...stack, deploymentMessage: stack.status === 'failed' ? 'compose up: image bad:1 not found' : undefined };
    },
    async listStacks() {
      calls.push('list');
      return [{ ...stack }];
    },
    async stackFile() {
      calls.push('file');
      return stack.text;
    },
    failureKind: writeFailureKind,
    failureMessage: writeFailureMessage,
  };
  return { writer, calls, stack, sent };
}

const options = { vmid: VM, concurrency: 1, deployTimeoutMs: 60_000, sleep: async () => undefined };
const live = (over: Partial<LiveStackInput> = {}): LiveStackInput => ({ id: 7, name: 'web', composeText: OLD, env: OLD_ENV, git: false, running: true, ...over });
const updatePlan = (over: Partial<LiveStackInput> = {}) =>
  plan([{ name: 'web', composeText: 'services:\n  a:\n    image: bad:1\n', env: [{ name: 'PORT', value: '81' }] }], [live(over)], { vmid: VM, prune: false, adopt: false });

describe('roll-back of a failed update', () => {
  it('a synchronous 500: one more PUT with the file and env the plan read; failed, rolledBack, both outcomes in the message', async () => {
    const { writer, calls, stack, sent } = fakeWriter(['sync', 'ok']);
    const result = await applyPlan(updatePlan(), writer, options);
    expect(calls.filter((c) => c === 'update')).toHaveLength(2);
    expect(sent[1]).toEqual({ composeText: OLD, env: OLD_ENV });
    expect(stack).toMatchObject({ text: OLD, env: OLD_ENV, status: 'active' });
    expect(result.ok).toBe(false);
    expect(result.results).toEqual([
      {
        stack: 'web',
        action: 'update',
        outcome: 'failed',
        rolledBack: true,
        error: { code: 'UPDATE_ROLLED_BACK', message: 'update failed: failed to deploy a stack: bad image in new file; rolled back to the previous version' },
      },
    ]);
  });

  it('Status 4 after polling (async): the roll-back is polled to Status 1', async () => {
    const { writer, calls, stack } = fakeWriter(['async', 'ok']);
    const result = await applyPlan(updatePlan(), writer, options);
    expect(calls.filter((c) => c === 'update')).toHaveLength(2);
    expect(stack).toMatchObject({ text: OLD, env: OLD_ENV, status: 'active' });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', rolledBack: true });
    expect(result.results[0].error?.message).toBe('update failed: Portainer failed to deploy web: compose up: image bad:1 not found; rolled back to the previous version');
  });

  it('the roll-back fails too: reported once (no third PUT), naming what to run next', async () => {
    const { writer, calls } = fakeWriter(['sync', 'sync']);
    const result = await applyPlan(updatePlan(), writer, options);
    expect(calls.filter((c) => c === 'update')).toHaveLength(2);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', rolledBack: false, rollbackError: { code: 'PORTAINER_SERVER_ERROR' } });
    expect(result.results[0].error).toEqual({
      code: 'ROLLBACK_FAILED',
      message: `update failed and the roll-back failed too: failed to deploy a stack: bad image in new file; roll-back: failed to deploy a stack: bad image in old file; the stack may be down: run phoenix portainer ${VM} status`,
    });
    expect(result.results[0].rollbackError?.message).toContain('bad image in old file');
  });

  it('a signal (SIGTERM) while the failing update is in flight: the roll-back PUT is still sent (the stack is otherwise down), and nothing else', async () => {
    const { writer, calls, stack, sent } = fakeWriter(['sync', 'ok']);
    const abort = new AbortController();
    const updateStack = writer.updateStack.bind(writer);
    writer.updateStack = async (input) => {
      if (!abort.signal.aborted) abort.abort('SIGTERM');
      return updateStack(input);
    };
    const other = plan(
      [
        { name: 'web', composeText: 'services:\n  a:\n    image: bad:1\n', env: [{ name: 'PORT', value: '81' }] },
        { name: 'zz', composeText: 'services:\n  z:\n    image: z:1\n', env: [] },
      ],
      [live()],
      { vmid: VM, prune: false, adopt: false },
    );
    const result = await applyPlan(other, writer, { ...options, signal: abort.signal });
    expect(calls.filter((c) => c === 'update')).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith('create'))).toEqual([]);
    expect(sent[1]).toEqual({ composeText: OLD, env: OLD_ENV });
    expect(stack).toMatchObject({ text: OLD, env: OLD_ENV, status: 'active' });
    expect(result.results).toEqual([expect.objectContaining({ stack: 'web', outcome: 'failed', rolledBack: true }), { stack: 'zz', action: 'create', outcome: 'not-attempted' }]);
  });

  it('rollback: false (--no-rollback) sends exactly one PUT', async () => {
    const { writer, calls } = fakeWriter(['sync']);
    const result = await applyPlan(updatePlan(), writer, { ...options, rollback: false });
    expect(calls.filter((c) => c === 'update')).toHaveLength(1);
    expect(result.results[0]).toMatchObject({ outcome: 'failed', error: { message: expect.stringContaining('bad image in new file') } });
    expect(result.results[0].rolledBack).toBeUndefined();
  });

  it('a stack that was not running when planned is not rolled back', async () => {
    const { writer, calls } = fakeWriter(['sync']);
    await applyPlan(updatePlan({ running: false }), writer, options);
    expect(calls.filter((c) => c === 'update')).toHaveLength(1);
  });

  it('a failed create is not rolled back', async () => {
    const { writer, calls } = fakeWriter([]);
    const thePlan = plan([{ name: 'api', composeText: 'services:\n  a:\n    image: x\n', env: [] }], [], { vmid: VM, prune: false, adopt: false });
    const result = await applyPlan(thePlan, writer, options);
    expect(calls).toEqual(['create api']);
    expect(result.results[0].rolledBack).toBeUndefined();
  });

  it('an update whose outcome is unknown (client-side timeout, gateway errors to the last send) is not rolled back', async () => {
    const timeout = fakeWriter(['timeout']);
    const t = await applyPlan(updatePlan(), timeout.writer, options);
    expect(timeout.calls.filter((c) => c === 'update')).toHaveLength(1);
    expect(t.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'DEPLOY_UNCONFIRMED' } });
    const gateway = fakeWriter(['gateway', 'gateway', 'gateway']);
    const g = await applyPlan(updatePlan(), gateway.writer, options);
    expect(gateway.calls.filter((c) => c === 'update')).toHaveLength(3); // MAX_SENDS, then no roll-back PUT
    expect(g.results[0].rolledBack).toBeUndefined();
  });

  it('up to 2.15 (the failed file stays stored) a lost roll-back answer is decided by re-reading against the previous version, not sent again', async () => {
    const { writer, calls, stack } = fakeWriter(['sync-2.15', 'lost-landed']);
    const result = await applyPlan(updatePlan(), writer, options);
    expect(calls.filter((c) => c === 'update')).toHaveLength(2);
    expect(calls).toContain('list');
    expect(stack).toMatchObject({ text: OLD, env: OLD_ENV, status: 'active' });
    expect(result.results[0]).toMatchObject({ outcome: 'failed', rolledBack: true });
  });

  it('from 2.16 (Portainer already holds the previous file and env) a lost roll-back answer is unconfirmed, never counted as rolled back, not sent again', async () => {
    const { writer, calls, stack } = fakeWriter(['sync', 'lost-landed']);
    const result = await applyPlan(updatePlan(), writer, options);
    expect(calls.filter((c) => c === 'update')).toHaveLength(2);
    expect(calls).toContain('list');
    expect(stack).toMatchObject({ text: OLD, env: OLD_ENV, status: 'active' });
    expect(result.results[0]).toMatchObject({
      outcome: 'failed',
      rolledBack: false,
      error: { code: 'ROLLBACK_FAILED', message: expect.stringContaining('the stack may be down: run phoenix portainer 5 status') },
      rollbackError: { code: 'DEPLOY_UNCONFIRMED' },
    });
  });

  it('never puts an env value of the previous version into a result', async () => {
    const { writer } = fakeWriter(['sync', 'sync']);
    const result = await applyPlan(updatePlan(), writer, options);
    expect(JSON.stringify(result)).not.toContain('set-by-hand');
  });
});

describe('previousSecrets', () => {
  it('names the previous values of secret and credential-like names only', () => {
    const thePlan = updatePlan();
    expect(previousSecrets(thePlan.items, () => [])).toEqual(['set-by-hand "pw"\\']);
    expect(previousSecrets(thePlan.items, () => ['PORT'])).toEqual(['set-by-hand "pw"\\', '80']);
  });
});
