/**
 * --redeploy and --pull in the planner: every owned declared stack is updated even when in sync,
 * with the reason that says why; what phoenix does not own stays a conflict, and a stack to
 * create stays a create (Portainer's create route takes no pull flag).
 */
import fc from 'fast-check';

import { ownershipMarker, plan } from '../../src/plan';
import type { DesiredStackInput, LiveStackInput, PlanOptions } from '../../src/plan';

const VM = 1002;
const compose = 'services:\n  web:\n    image: nginx:latest\n';
const owned = (text: string, vmid = VM) => `${ownershipMarker(vmid)}\n${text}`;
const base: PlanOptions = { vmid: VM, prune: false, adopt: false };

function live(partial: Partial<LiveStackInput> & { name: string }): LiveStackInput {
  return { id: 1, composeText: owned(compose), env: [], git: false, running: true, ...partial };
}
function desired(partial: Partial<DesiredStackInput> & { name: string }): DesiredStackInput {
  return { composeText: compose, env: [], ...partial };
}

describe('plan --redeploy / --pull: examples', () => {
  it.each<[string, PlanOptions['redeploy'], string]>([
    ['--redeploy', 'plain', 'redeploy requested (--redeploy)'],
    ['--pull', 'pull', 'redeploy with image pull (--pull)'],
  ])('%s turns an owned stack in sync into an update with its reason', (_flag, redeploy, reason) => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web', id: 5 })], { ...base, redeploy });
    expect(p.items).toHaveLength(1);
    const item = p.items[0];
    expect(item).toMatchObject({ stack: 'web', action: 'update', reason, liveId: 5, redeploy: true, composeDiff: '' });
    expect(item.env).toMatchObject({ added: [], removed: [], changed: [] });
    expect(item.pull === true).toBe(redeploy === 'pull');
    // The same file and env go back, so a failed redeploy of a running stack can be rolled back.
    expect(item.payload?.composeText).toBe(owned(compose));
    expect(item.previous).toEqual({ composeText: owned(compose), env: [] });
    expect(p.summary).toMatchObject({ update: 1, noop: 0 });
  });

  it('without either flag the same stack is in sync (nothing forced)', () => {
    const item = plan([desired({ name: 'web' })], [live({ name: 'web' })], base).items[0];
    expect(item).toMatchObject({ action: 'noop', reason: 'in sync' });
    expect(item.pull).toBeUndefined();
    expect(item.redeploy).toBeUndefined();
  });

  it('--pull also pulls for a stack that is updated anyway, and says so; it is no bare redeploy', () => {
    const item = plan([desired({ name: 'web', env: [{ name: 'A', value: '1' }] })], [live({ name: 'web' })], { ...base, redeploy: 'pull' }).items[0];
    expect(item).toMatchObject({ action: 'update', reason: 'env differs; images pulled first (--pull)', pull: true });
    expect(item.redeploy).toBeUndefined();
  });

  it('--redeploy leaves a stack that is updated anyway as it was (no pull, its own reason)', () => {
    const item = plan([desired({ name: 'web' })], [live({ name: 'web', composeText: owned('services: {}\n') })], { ...base, redeploy: 'plain' }).items[0];
    expect(item).toMatchObject({ action: 'update', reason: 'compose differs' });
    expect(item.pull).toBeUndefined();
    expect(item.redeploy).toBeUndefined();
  });

  it('a stack whose last deploy failed keeps its reason, with the pull under --pull', () => {
    const item = plan([desired({ name: 'web' })], [live({ name: 'web', failed: true, running: false })], { ...base, redeploy: 'pull' }).items[0];
    expect(item).toMatchObject({ action: 'update', reason: 'in sync, but its last deploy failed in Portainer: redeploy; images pulled first (--pull)', pull: true });
  });

  it('a stopped stack (not running) is redeployed without a roll-back version', () => {
    const item = plan([desired({ name: 'web' })], [live({ name: 'web', running: false })], { ...base, redeploy: 'plain' }).items[0];
    expect(item).toMatchObject({ action: 'update', redeploy: true });
    expect(item.previous).toBeUndefined();
  });

  it.each<[string, LiveStackInput]>([
    ['not owned', live({ name: 'web', composeText: compose })],
    ['owned by another VM', live({ name: 'web', composeText: owned(compose, 7) })],
    ['deployed from Git', live({ name: 'web', git: true, composeText: undefined })],
  ])('a stack %s stays a conflict under --pull, never redeployed', (_what, theirs) => {
    const item = plan([desired({ name: 'web' })], [theirs], { ...base, redeploy: 'pull' }).items[0];
    expect(item.action).toBe('conflict');
    expect(item.pull).toBeUndefined();
    expect(item.redeploy).toBeUndefined();
  });

  it('an undeclared owned stack is neither redeployed nor deleted without --prune (still an orphan)', () => {
    const p = plan([], [live({ name: 'old' })], { ...base, redeploy: 'pull' });
    expect(p.items).toEqual([]);
    expect(p.orphans).toEqual(['old']);
  });

  it('a stack to create is created, with no pull flag (the create route takes none)', () => {
    const item = plan([desired({ name: 'web' })], [], { ...base, redeploy: 'pull' }).items[0];
    expect(item).toMatchObject({ action: 'create', reason: 'not in Portainer' });
    expect(item.pull).toBeUndefined();
  });

  it('--adopt with --pull takes the stack over with the pull', () => {
    const item = plan([desired({ name: 'web' })], [live({ name: 'web', composeText: compose })], { ...base, adopt: true, redeploy: 'pull' }).items[0];
    expect(item).toMatchObject({ action: 'update', adopt: true, pull: true, reason: 'adopt (--adopt): stack not created by phoenix; the marker is added; images pulled first (--pull)' });
  });
});

// ---- properties -------------------------------------------------------------------------

const nameArb = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
const envArb = fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,4}$/), value: fc.string({ maxLength: 6 }) }), { selector: (p) => p.name, maxLength: 3 });
const composeArb = fc.constantFrom('services:\n  a:\n    image: x\n', 'services:\n  b:\n    image: y:latest\n');
const desiredArb = fc.uniqueArray(fc.record({ name: nameArb, composeText: composeArb, env: envArb }), { selector: (s) => s.name, maxLength: 6 });
const liveArb = fc
  .uniqueArray(
    fc.record({
      name: nameArb,
      composeText: composeArb,
      env: envArb,
      owner: fc.constantFrom<number | undefined>(VM, VM, undefined, 7),
      git: fc.boolean(),
      failed: fc.boolean(),
      running: fc.boolean(),
    }),
    { selector: (s) => s.name, maxLength: 6 },
  )
  .map((stacks) =>
    stacks.map<LiveStackInput>((s, i) => ({
      id: i + 1,
      name: s.name,
      git: s.git,
      env: s.env,
      failed: s.failed,
      running: s.running,
      composeText: s.git ? undefined : s.owner === undefined ? s.composeText : owned(s.composeText, s.owner),
    })),
  );
/**
 * Live stacks mostly made from the desired ones (so that many are in sync, the case the flags
 * change), each owned here, unowned, another VM's or from Git, some drifted, plus the random ones.
 */
const scenarioArb = desiredArb.chain((want) =>
  fc.tuple(
    fc.constant(want),
    fc
      .tuple(
        fc.array(fc.record({ present: fc.boolean(), owner: fc.constantFrom<number | undefined>(VM, VM, VM, undefined, 7), git: fc.boolean(), drift: fc.boolean(), running: fc.boolean() }), {
          minLength: want.length,
          maxLength: want.length,
        }),
        liveArb,
      )
      .map(([choices, extra]) => {
        const fromWant = want.flatMap((d, i): LiveStackInput[] => {
          const c = choices[i];
          if (!c.present) return [];
          const text = c.owner === undefined ? d.composeText : owned(d.composeText, c.owner);
          return [
            {
              id: 100 + i,
              name: d.name,
              git: c.git && !c.drift,
              env: c.drift ? [...d.env, { name: 'DRIFT', value: 'x' }] : d.env,
              running: c.running,
              composeText: c.git && !c.drift ? undefined : text,
            },
          ];
        });
        const taken = new Set(fromWant.map((s) => s.name));
        return [...fromWant, ...extra.filter((s) => !taken.has(s.name))];
      }),
  ),
);
const redeployArb = fc.constantFrom<'pull' | 'plain'>('pull', 'plain');
const ownedHere = (s: LiveStackInput) => !s.git && s.composeText?.startsWith(ownershipMarker(VM)) === true;

describe('plan --redeploy / --pull: properties', () => {
  it('never updates, deletes or pulls a stack phoenix does not own (without --adopt)', () => {
    fc.assert(
      fc.property(scenarioArb, redeployArb, fc.boolean(), ([want, have], redeploy, prune) => {
        const p = plan(want, have, { vmid: VM, adopt: false, prune, redeploy });
        for (const stack of have.filter((s) => !ownedHere(s))) {
          for (const item of p.items.filter((i) => i.liveId === stack.id)) {
            expect(item.action).toBe('conflict');
            expect(item.pull).toBeUndefined();
          }
        }
      }),
    );
  });

  it('every owned declared stack is in the plan exactly once, as an update; every other update pulls under --pull', () => {
    fc.assert(
      fc.property(scenarioArb, redeployArb, ([want, have], redeploy) => {
        const p = plan(want, have, { vmid: VM, adopt: false, prune: false, redeploy });
        const declared = new Set(want.map((d) => d.name));
        for (const stack of have.filter((s) => ownedHere(s) && declared.has(s.name))) {
          const items = p.items.filter((i) => i.liveId === stack.id);
          expect(items).toHaveLength(1);
          expect(items[0].action).toBe('update');
        }
        expect(p.summary.noop).toBe(0);
        for (const item of p.items.filter((i) => i.action === 'update')) expect(item.pull === true).toBe(redeploy === 'pull');
        expect(new Set(p.items.map((i) => i.stack)).size).toBe(p.items.length);
      }),
    );
  });

  it('the flags add only updates: the creates, deletes and conflicts are those of the plain plan', () => {
    fc.assert(
      fc.property(scenarioArb, redeployArb, fc.boolean(), ([want, have], redeploy, prune) => {
        const plain = plan(want, have, { vmid: VM, adopt: false, prune });
        const forced = plan(want, have, { vmid: VM, adopt: false, prune, redeploy });
        const notUpdate = (p: typeof plain) => p.items.filter((i) => i.action !== 'update' && i.action !== 'noop').map((i) => `${i.action} ${i.stack}`);
        expect(notUpdate(forced)).toEqual(notUpdate(plain));
        expect(forced.summary.update).toBe(plain.summary.update + plain.summary.noop);
      }),
    );
  });
});
