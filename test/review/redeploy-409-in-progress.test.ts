/**
 * Review finding: on the asynchronous versions a write while the stack deploys is refused with
 * `409 Stack deployment is already in progress` (docs/portainer-api.md#asynchronous-deploys):
 * Portainer answered, and nothing of the redeploy ran. Any other update waits that deploy out
 * and is sent again (test/apply/recovery.test.ts), and SPEC section 3 item 10 puts --pull and
 * --redeploy under "the same ... retry ... rules as any update". A redeploy instead fails at once as
 * DEPLOY_UNCONFIRMED, "the answer to the redeploy ... was lost ... cannot tell whether the redeploy
 * and its image pull ran": the re-read matches (a redeploy's file and env are Portainer's) before
 * the deploying status is looked at, so the refusal is taken for a lost answer.
 */
import { applyPlan } from '../../src/apply';
import type { StackWriter, WrittenStack } from '../../src/apply';
import { writeFailureKind } from '../../src/app/portainer-adapter';
import { PortainerApiError } from '../../src/portainer';
import { ownershipMarker, plan } from '../../src/plan';
import type { DeployState } from '../../src/apply';
import type { EnvPair } from '../../src/plan';

const VM = 7;
const compose = 'services:\n  a:\n    image: x:latest\n';
const owned = `${ownershipMarker(VM)}\n${compose}`;

describe('review: a redeploy refused because another deploy is in progress', () => {
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
});
