/**
 * On the asynchronous versions a write while the stack deploys is refused with
 * `409 Stack deployment is already in progress` (docs/portainer-api.md#asynchronous-deploys):
 * Portainer answered, and nothing of the update ran. A redeploy (--pull, --redeploy) follows the
 * same retry rules as any update: it waits that deploy out and is sent again. It used to fail at
 * once as DEPLOY_UNCONFIRMED ("the answer ... was lost"): the re-read matched (a redeploy's file
 * and env are Portainer's) before the deploying status was looked at.
 */
import { applyPlan, MAX_SENDS } from '../../src/apply';
import type { StackWriter, WrittenStack } from '../../src/apply';
import { writeFailureKind } from '../../src/app/portainer-adapter';
import { PortainerApiError } from '../../src/portainer';
import { ownershipMarker, plan } from '../../src/plan';
import type { DeployState } from '../../src/apply';
import type { EnvPair } from '../../src/plan';

const VM = 7;
const compose = 'services:\n  a:\n    image: x:latest\n';
const owned = `${ownershipMarker(VM)}\n${compose}`;

describe('a redeploy refused because another deploy is in progress', () => {
  it('--pull: waits for the other deploy to end, then sends the redeploy again (as any update does)', async () => {
    // Someone else's deploy of the same file holds the stack when phoenix's PUT arrives.
    let status: DeployState = 'deploying';
    let polls = 0;
    const sent: string[] = [];
    const view = (): WrittenStack => ({ id: 9, name: 'a', endpointId: 1, status, env: [] as EnvPair[] });
    const writer: StackWriter = {
      failureKind: writeFailureKind,
      updateStack: async (input) => {
        sent.push(`update${input.pull === true ? ' pull' : ''}`);
        if (status === 'deploying') {
          throw new PortainerApiError({ method: 'PUT', path: '/api/stacks/9', status: 409, portainerMessage: 'Stack deployment is already in progress' });
        }
        status = 'active';
        return view();
      },
      createStack: async () => {
        throw new Error('not used');
      },
      deleteStack: async () => {
        throw new Error('not used');
      },
      getStack: async () => {
        if (++polls === 2) status = 'active';
        return view();
      },
      listStacks: async () => [view()],
      stackFile: async () => owned,
    };
    const thePlan = plan([{ name: 'a', composeText: compose, env: [] }], [{ id: 9, name: 'a', composeText: owned, env: [], git: false, running: true }], {
      vmid: VM,
      prune: false,
      adopt: false,
      redeploy: 'pull',
    });
    const result = await applyPlan(thePlan, writer, { vmid: VM, concurrency: 1, deployTimeoutMs: 60_000, sleep: async () => undefined });
    expect(result.results[0]).toEqual({ stack: 'a', action: 'update', outcome: 'done' });
    expect(sent).toEqual(['update pull', 'update pull']);
  });

  it('--redeploy refused every time: sent MAX_SENDS times, then fails with the 409 (never DEPLOY_UNCONFIRMED)', async () => {
    const sent: string[] = [];
    const view = (): WrittenStack => ({ id: 9, name: 'a', endpointId: 1, status: 'active', env: [] as EnvPair[] });
    const writer: StackWriter = {
      failureKind: writeFailureKind,
      updateStack: async () => {
        sent.push('update');
        // Someone else's deploy starts again between phoenix's reads and its PUT.
        throw new PortainerApiError({ method: 'PUT', path: '/api/stacks/9', status: 409, portainerMessage: 'Stack deployment is already in progress' });
      },
      createStack: async () => {
        throw new Error('not used');
      },
      deleteStack: async () => {
        throw new Error('not used');
      },
      getStack: async () => view(),
      listStacks: async () => [view()],
      stackFile: async () => owned,
    };
    const thePlan = plan([{ name: 'a', composeText: compose, env: [] }], [{ id: 9, name: 'a', composeText: owned, env: [], git: false, running: true }], {
      vmid: VM,
      prune: false,
      adopt: false,
      redeploy: 'plain',
    });
    const result = await applyPlan(thePlan, writer, { vmid: VM, concurrency: 1, deployTimeoutMs: 60_000, sleep: async () => undefined });
    expect(result.results[0]).toMatchObject({ stack: 'a', action: 'update', outcome: 'failed', error: { code: 'PORTAINER_CONFLICT', message: expect.stringContaining('already in progress') } });
    expect(sent).toHaveLength(MAX_SENDS);
  });
});
