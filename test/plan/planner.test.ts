import fc from 'fast-check';

import { hasChanges, ownershipMarker, plan } from '../../src/plan';
import type { DesiredStackInput, LiveStackInput, Plan } from '../../src/plan';

const VM = 1002;
const opts = { vmid: VM, prune: false, adopt: false };
const compose = 'services:\n  web:\n    image: nginx:1.27\n';
const owned = (text: string) => `${ownershipMarker(VM)}\n${text}`;

function live(partial: Partial<LiveStackInput> & { name: string }): LiveStackInput {
  return { id: 1, composeText: owned(compose), env: [], git: false, ...partial };
}
function desired(partial: Partial<DesiredStackInput> & { name: string }): DesiredStackInput {
  return { composeText: compose, env: [], ...partial };
}
const actions = (p: Plan) => p.items.map((i) => `${i.action} ${i.stack}`);

describe('plan: example table', () => {
  it.each<[string, DesiredStackInput[], LiveStackInput[], Partial<typeof opts>, string[]]>([
    ['missing stack is created', [desired({ name: 'web' })], [], {}, ['create web']],
    ['owned, same text and env is a noop', [desired({ name: 'web' })], [live({ name: 'web' })], {}, ['noop web']],
    ['CRLF and trailing spaces are not a change', [desired({ name: 'web', composeText: compose.replace(/\n/g, '  \r\n') + '\n\n' })], [live({ name: 'web' })], {}, ['noop web']],
    ['names compare case-insensitively', [desired({ name: 'web' })], [live({ name: 'WEB' })], {}, ['noop web']],
    ['owned with other compose is updated', [desired({ name: 'web' })], [live({ name: 'web', composeText: owned('services: {}\n') })], {}, ['update web']],
    ['owned with other env is updated', [desired({ name: 'web', env: [{ name: 'A', value: '1' }] })], [live({ name: 'web' })], {}, ['update web']],
    ['unowned same name is a conflict', [desired({ name: 'web' })], [live({ name: 'web', composeText: compose })], {}, ['conflict web']],
    ['another VM marker is a conflict', [desired({ name: 'web' })], [live({ name: 'web', composeText: `${ownershipMarker(7)}\n${compose}` })], {}, ['conflict web']],
    ['git stack is a conflict', [desired({ name: 'web' })], [live({ name: 'web', git: true, composeText: undefined })], {}, ['conflict web']],
    ['--adopt turns an unowned stack into an update', [desired({ name: 'web' })], [live({ name: 'web', composeText: compose })], { adopt: true }, ['update web']],
    ['--adopt takes over a git stack', [desired({ name: 'web' })], [live({ name: 'web', git: true, composeText: undefined })], { adopt: true }, ['update web']],
    ['owned undeclared stack is kept without --prune', [], [live({ name: 'old' })], {}, []],
    ['owned undeclared stack is deleted with --prune', [], [live({ name: 'old' })], { prune: true }, ['delete old']],
    ['unowned undeclared stack is never deleted', [], [live({ name: 'theirs', composeText: compose })], { prune: true, adopt: true }, []],
    ['owned, in sync, but its last deploy failed is redeployed', [desired({ name: 'web' })], [live({ name: 'web', failed: true })], {}, ['update web']],
    ['items are sorted by name', [desired({ name: 'zeta' }), desired({ name: 'alpha' })], [], {}, ['create alpha', 'create zeta']],
  ])('%s', (_title, want, have, extra, expected) => {
    expect(actions(plan(want, have, { ...opts, ...extra }))).toEqual(expected);
  });

  it('reports env changes by name, never a live value nor a secret one', () => {
    const p = plan(
      [
        desired({
          name: 'web',
          env: [
            { name: 'KEEP', value: 'x' },
            { name: 'NEW', value: 's3cret-new' },
            { name: 'CHG', value: 's3cret-2' },
          ],
          secretNames: ['CHG', 'NEW'],
        }),
      ],
      [
        live({
          name: 'web',
          env: [
            { name: 'KEEP', value: 'x' },
            { name: 'GONE', value: 'live-only' },
            { name: 'CHG', value: 's3cret-1' },
          ],
        }),
      ],
      opts,
    );
    const item = p.items[0];
    expect(item.env).toMatchObject({ added: ['NEW'], removed: ['GONE'], changed: ['CHG'] });
    const { payload: _payload, ...printable } = item;
    expect(JSON.stringify(printable)).not.toMatch(/s3cret|live-only/);
  });

  it('shows the desired value of a literal, and hides secrets and sensitive-looking names or URLs with a password', () => {
    const p = plan(
      [
        desired({
          name: 'web',
          env: [
            { name: 'GRAFANA_PORT', value: '3301' },
            { name: 'DB_PASSWORD', value: 'literal-pw' },
            { name: 'api_token', value: 'literal-tok' },
            { name: 'SSH_PRIVATE', value: 'literal-key' },
            { name: 'DATABASE_URL', value: 'postgres://u:literal-url-pw@db/app' },
            { name: 'ADMIN', value: 'from-store' },
          ],
          secretNames: ['ADMIN'],
        }),
      ],
      [
        live({
          name: 'web',
          env: [
            { name: 'GRAFANA_PORT', value: '3300' },
            { name: 'DB_PASSWORD', value: 'x' },
          ],
        }),
      ],
      opts,
    );
    expect(p.items[0].env.details).toEqual([
      { name: 'ADMIN', change: 'added', hidden: 'secret' },
      { name: 'DATABASE_URL', change: 'added', hidden: 'sensitive' },
      { name: 'SSH_PRIVATE', change: 'added', hidden: 'sensitive' },
      { name: 'api_token', change: 'added', hidden: 'sensitive' },
      { name: 'DB_PASSWORD', change: 'changed', hidden: 'sensitive' },
      { name: 'GRAFANA_PORT', change: 'changed', value: '3301' },
    ]);
    const { payload: _payload, ...printable } = p.items[0];
    expect(JSON.stringify(printable)).not.toMatch(/literal-|from-store|3300/);
  });

  it('shows a unified diff of the compose text without the marker', () => {
    const p = plan([desired({ name: 'web', composeText: compose.replace('1.27', '1.28') })], [live({ name: 'web' })], opts);
    expect(p.items[0].composeDiff).toContain('-    image: nginx:1.27');
    expect(p.items[0].composeDiff).toContain('+    image: nginx:1.28');
    expect(p.items[0].composeDiff).not.toContain('managed-by');
  });

  it('shows no compose diff for a Git-based stack, whose file was not read', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web', git: true, composeText: undefined })], opts);
    expect(p.items[0]).toMatchObject({ action: 'conflict', composeDiff: '' });
  });

  it('sends the marker first and the full env', () => {
    const p = plan(
      [
        desired({
          name: 'web',
          env: [
            { name: 'B', value: '2' },
            { name: 'A', value: '1' },
          ],
        }),
      ],
      [],
      opts,
    );
    expect(p.items[0].payload?.composeText.split('\n')[0]).toBe(ownershipMarker(VM));
    expect(p.items[0].payload?.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });

  it('lists owned undeclared stacks as orphans without --prune, and counts the summary', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' }), live({ id: 2, name: 'old' })], opts);
    expect(p.orphans).toEqual(['old']);
    expect(p.summary).toEqual({ create: 0, update: 0, delete: 0, start: 0, noop: 1, conflict: 0, orphansToRemove: 0 });
    expect(hasChanges(p)).toBe(false);
  });
});

describe('plan: legacy duplicate names and duplicated env names', () => {
  const pair = [live({ id: 3, name: 'web' }), live({ id: 7, name: 'WEB', composeText: compose })];

  it('a declared stack with a live twin in other case is a conflict naming both, even with --adopt', () => {
    for (const extra of [{}, { adopt: true }, { adopt: true, prune: true }]) {
      const p = plan([desired({ name: 'web' })], pair, { ...opts, ...extra });
      expect(actions(p)).toEqual(['conflict web']);
      expect(p.items[0].conflict?.kind).toBe('duplicate');
      expect(p.items[0].reason).toContain('"web" (id 3), "WEB" (id 7)');
      expect(p.items[0].payload).toBeUndefined();
    }
  });

  it('an owned undeclared stack with a twin is listed without --prune and a conflict with it, never deleted', () => {
    const twins = [live({ id: 3, name: 'old' }), live({ id: 7, name: 'OLD' })];
    expect(plan([], twins, opts).orphans).toEqual(['OLD', 'old']);
    const pruned = plan([], twins, { ...opts, prune: true });
    expect(actions(pruned)).toEqual(['conflict old']);
    expect(pruned.items[0].reason).toContain('"old" (id 3), "OLD" (id 7)');
    expect(pruned.summary.delete).toBe(0);
  });

  it('a lone upper-case legacy stack still matches its declared name', () => {
    expect(actions(plan([desired({ name: 'web' })], [live({ name: 'WEB' })], opts))).toEqual(['noop web']);
  });

  it('a live env that repeats a name is drift, even when the last value matches', () => {
    const p = plan(
      [desired({ name: 'web', env: [{ name: 'A', value: '2' }] })],
      [
        live({
          name: 'web',
          env: [
            { name: 'A', value: '1' },
            { name: 'A', value: '2' },
          ],
        }),
      ],
      opts,
    );
    expect(actions(p)).toEqual(['update web']);
    expect(p.items[0].env.changed).toEqual(['A']);
    expect(p.items[0].payload?.env).toEqual([{ name: 'A', value: '2' }]);
  });
});

// ---- properties -------------------------------------------------------------------------

const nameArb = fc.stringMatching(/^[a-z][a-z0-9_-]{0,6}$/);
const envArb = fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,4}$/), value: fc.string({ maxLength: 6 }) }), {
  selector: (p) => p.name,
  maxLength: 4,
});
const composeArb = fc.constantFrom('services:\n  a:\n    image: x\n', 'services:\n  b:\n    image: y:2\n', 'services: {}\n');
const desiredArb = fc.uniqueArray(fc.record({ name: nameArb, composeText: composeArb, env: envArb }), { selector: (s) => s.name, maxLength: 6 });
const liveArb = fc
  .uniqueArray(
    fc.record({
      name: nameArb,
      composeText: composeArb,
      env: envArb,
      owner: fc.constantFrom<number | undefined>(VM, undefined, 7),
      git: fc.boolean(),
    }),
    { selector: (s) => s.name, maxLength: 6 },
  )
  .map((stacks) =>
    stacks.map<LiveStackInput>((s, i) => ({
      id: i + 1,
      name: s.name,
      git: s.git,
      env: s.env,
      composeText: s.git ? undefined : s.owner === undefined ? s.composeText : `${ownershipMarker(s.owner)}\n${s.composeText}`,
    })),
  );

/** A model of Portainer: applies a plan's writes to a list of live stacks. */
function applyToModel(p: Plan, state: LiveStackInput[]): LiveStackInput[] {
  let next = state.map((s) => ({ ...s }));
  let id = 1000;
  for (const item of p.items) {
    if (item.action === 'create' && item.payload) next.push({ id: id++, name: item.stack, git: false, ...item.payload });
    if (item.action === 'update' && item.payload) {
      next = next.map((s) => (s.id === item.liveId ? { ...s, git: false, ...item.payload! } : s));
    }
    if (item.action === 'delete') next = next.filter((s) => s.id !== item.liveId);
  }
  return next;
}

describe('plan: properties', () => {
  it('plan(x, x) is empty: the desired state, once live, plans nothing', () => {
    fc.assert(
      fc.property(desiredArb, (want) => {
        const p = plan(want, [], opts);
        const again = plan(want, applyToModel(p, []), opts);
        expect(hasChanges(again)).toBe(false);
        expect(again.summary.conflict).toBe(0);
      }),
    );
  });

  it('applying a plan (with --adopt --prune) to a model of Portainer yields the desired state', () => {
    fc.assert(
      fc.property(desiredArb, liveArb, (want, have) => {
        const options = { vmid: VM, adopt: true, prune: true };
        const after = applyToModel(plan(want, have, options), have);
        const again = plan(want, after, options);
        expect(hasChanges(again)).toBe(false);
        expect(again.summary.noop).toBe(want.length);
      }),
    );
  });

  it('never updates or deletes a stack phoenix does not own without --adopt', () => {
    fc.assert(
      fc.property(desiredArb, liveArb, fc.boolean(), (want, have, prune) => {
        const p = plan(want, have, { vmid: VM, adopt: false, prune });
        const touched = new Set(p.items.filter((i) => i.action === 'update' || i.action === 'delete').map((i) => i.liveId));
        for (const stack of have) {
          const ownedHere = !stack.git && stack.composeText?.startsWith(ownershipMarker(VM));
          if (!ownedHere) expect(touched.has(stack.id)).toBe(false);
        }
      }),
    );
  });

  it('is deterministic: input order does not change the plan', () => {
    fc.assert(
      fc.property(desiredArb, liveArb, (want, have) => {
        const a = plan(want, have, { ...opts, prune: true });
        const b = plan([...want].reverse(), [...have].reverse(), { ...opts, prune: true });
        expect(b).toEqual(a);
      }),
    );
  });
});
