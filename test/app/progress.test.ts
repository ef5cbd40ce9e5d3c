/**
 * One progress line per action (when it starts): the outcome is reported once, in the results.
 * The activity hook (the terminal's elapsed-time line) starts and ends once per action,
 * failed ones included.
 */
import { applyPlan } from '../../src/apply';
import type { StackWriter } from '../../src/apply';
import { writeFailureKind } from '../../src/app/portainer-adapter';
import { PortainerApiError } from '../../src/portainer';
import { plan } from '../../src/plan';

const VM = 5;
const compose = 'services:\n  a:\n    image: x\n';

const writer: StackWriter = {
  async createStack({ name }) {
    if (name === 'bad') throw new PortainerApiError({ method: 'POST', path: '/api/stacks/create/standalone/string', status: 500, portainerMessage: 'compose up failed' });
    return { id: name.length, name, endpointId: 1, status: 'active' };
  },
  updateStack: async () => Promise.reject(new Error('not used')),
  deleteStack: async () => undefined,
  getStack: async () => Promise.reject(new Error('not used')),
  listStacks: async () => [],
  stackFile: async () => '',
  failureKind: writeFailureKind,
};

it('prints each action once, when it starts, and times each one from start to end', async () => {
  const lines: string[] = [];
  const events: string[] = [];
  const p = plan(
    ['web', 'bad', 'db'].map((name) => ({ name, composeText: compose, env: [] })),
    [],
    { vmid: VM, prune: false, adopt: false },
  );
  const result = await applyPlan(p, writer, {
    vmid: VM,
    concurrency: 1,
    deployTimeoutMs: 60_000,
    sleep: async () => undefined,
    progress: (line) => lines.push(line),
    activity: (label) => {
      events.push(`start ${label}`);
      return () => events.push(`end ${label}`);
    },
  });
  expect(result.results.map((r) => `${r.outcome} ${r.stack}`)).toEqual(['failed bad', 'done db', 'done web']);
  expect(lines).toEqual(['creating bad...', 'creating db...', 'creating web...']);
  expect(events).toEqual(['start deploying bad', 'end deploying bad', 'start deploying db', 'end deploying db', 'start deploying web', 'end deploying web']);
});
