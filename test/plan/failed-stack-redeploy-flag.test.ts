/**
 * A stack whose last deploy failed (Status 4, newest Portainer) and whose file and env already
 * match the config is redeployed, by itself or under --redeploy/--pull. Its plan item carries
 * `redeploy: true`: that flag tells apply that a re-read cannot confirm the write (the file and
 * env already match), it is what --json promises for a bare redeploy, and what the confirmation
 * counts ("N stack(s) in sync will be redeployed").
 *
 * Without it, a lost answer was "landed" by the re-read, and the poll then reported the old
 * Status 4 as "Portainer failed to deploy" for a redeploy that may never have arrived, instead of
 * DEPLOY_UNCONFIRMED.
 */
import { applyPlan } from '../../src/apply';
import type { StackWriter, WrittenStack } from '../../src/apply';
import { writeFailureKind } from '../../src/app/portainer-adapter';
import { UnavailableError } from '../../src/errors';
import { ownershipMarker, plan } from '../../src/plan';
import type { LiveStackInput, PlanOptions } from '../../src/plan';

const VM = 1002;
const compose = 'services:\n  web:\n    image: nginx:latest\n';
const owned = `${ownershipMarker(VM)}\n${compose}`;
const failedLive: LiveStackInput = { id: 4, name: 'web', composeText: owned, env: [], git: false, failed: true, running: false };
const planOf = (redeploy?: PlanOptions['redeploy']) => plan([{ name: 'web', composeText: compose, env: [] }], [failedLive], { vmid: VM, prune: false, adopt: false, redeploy });

describe('an in-sync stack at Status 4 is a bare redeploy', () => {
  it.each<[string, PlanOptions['redeploy']]>([
    ['no flag', undefined],
    ['--redeploy', 'plain'],
    ['--pull', 'pull'],
  ])('%s: the update carries redeploy: true', (_flag, redeploy) => {
    const [item] = planOf(redeploy).items;
    expect(item.action).toBe('update');
    expect(item.redeploy).toBe(true);
  });

  it('--redeploy whose PUT never reached Portainer (connection reset): DEPLOY_UNCONFIRMED, not "Portainer failed to deploy"', async () => {
    const stored = { id: 4, name: 'web', endpointId: 1, status: 'failed' as const, env: [] };
    const view = (): WrittenStack => ({ ...stored, deploymentMessage: 'compose up: the previous failure' });
    const writer: StackWriter = {
      failureKind: writeFailureKind,
      updateStack: async () => {
        throw new UnavailableError('Could not talk to Portainer (ECONNRESET)', { code: 'PORTAINER_NETWORK' });
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
    const result = await applyPlan(planOf('plain'), writer, { vmid: VM, concurrency: 1, deployTimeoutMs: 60_000, sleep: async () => undefined });
    expect(result.results[0]).toMatchObject({ stack: 'web', outcome: 'failed', error: { code: 'DEPLOY_UNCONFIRMED' } });
  });
});
