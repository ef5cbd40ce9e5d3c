/**
 * The planner against what runs: stopped stacks are started, services down are reported (never a
 * redeploy by themselves), orphan services are listed and removed only with --prune, and only
 * those of an owned stack whose project label is the stack's name exactly.
 */
import fc from 'fast-check';

import { hasChanges, ownershipMarker, plan } from '../../src/plan';
import type { DesiredStackInput, EnvironmentRuntime, LiveStackInput, RuntimeUnitInput } from '../../src/plan';

const VM = 1002;
const opts = { vmid: VM, prune: false, adopt: false };
const compose = 'services:\n  web:\n    image: nginx:1.27\n  worker:\n    image: busybox\n';
const owned = (text: string) => `${ownershipMarker(VM)}\n${text}`;

const live = (partial: Partial<LiveStackInput> & { name: string }): LiveStackInput => ({ id: 7, composeText: owned(compose), env: [], git: false, running: true, ...partial });
const desired = (partial: Partial<DesiredStackInput> & { name: string }): DesiredStackInput => ({ composeText: compose, env: [], services: ['web', 'worker'], ...partial });
const container = (project: string, service: string, extra: Partial<RuntimeUnitInput> = {}): RuntimeUnitInput => ({
  id: `${project}-${service}-id`,
  name: `${project}-${service}-1`,
  project,
  service,
  state: 'running',
  ...extra,
});
const compose_ = (...units: RuntimeUnitInput[]): EnvironmentRuntime => ({ kind: 'compose', units });
const healthy = (project: string) => [container(project, 'web'), container(project, 'worker')];

describe('plan with runtime: stopped stacks', () => {
  it('an owned stack in sync that Portainer stopped plans start, a change with no payload', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web', running: false, stopped: true })], opts, compose_());
    expect(p.items).toMatchObject([{ stack: 'web', action: 'start', liveId: 7, reason: 'in sync, but stopped in Portainer: start it' }]);
    expect(p.items[0].payload).toBeUndefined();
    expect(p.items[0].runtime).toBeUndefined(); // a stopped stack has no containers: nothing to report
    expect(p.summary).toMatchObject({ start: 1, noop: 0, update: 0 });
    expect(hasChanges(p)).toBe(true);
  });

  it('a stopped stack whose file differs plans one update (which starts it), not a start as well', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web', running: false, stopped: true, composeText: owned('services:\n  web:\n    image: nginx:1.25\n') })], opts, compose_());
    expect(p.items.map((i) => i.action)).toEqual(['update']);
    expect(p.items[0].reason).toBe('compose differs; stopped in Portainer, the update starts it');
    expect(p.summary.start).toBe(0);
  });

  it('a stopped stack phoenix does not own is a conflict, never a start', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web', stopped: true, composeText: compose })], opts, compose_());
    expect(p.items.map((i) => i.action)).toEqual(['conflict']);
  });

  it('a stopped stack is started without the runtime read too (Status alone says it)', () => {
    expect(plan([desired({ name: 'web' })], [live({ name: 'web', stopped: true })], opts).items[0].action).toBe('start');
  });
});

describe('plan with runtime: services down', () => {
  it.each<[string, RuntimeUnitInput[], object[]]>([
    ['exited with its code', [container('web', 'web'), container('web', 'worker', { state: 'exited', exitCode: 1 })], [{ service: 'worker', problem: 'exited', exitCode: 1 }]],
    ['restarting in a loop', [container('web', 'web'), container('web', 'worker', { state: 'restarting', exitCode: 137 })], [{ service: 'worker', problem: 'restarting', exitCode: 137 }]],
    ['unhealthy', [container('web', 'web', { health: 'unhealthy' }), container('web', 'worker')], [{ service: 'web', problem: 'unhealthy' }]],
    ['health starting is running', [container('web', 'web', { health: 'starting' }), container('web', 'worker')], []],
    ['no container at all', [container('web', 'web')], [{ service: 'worker', problem: 'missing' }]],
    ['dead', [container('web', 'web'), container('web', 'worker', { state: 'dead' })], [{ service: 'worker', problem: 'dead' }]],
    [
      'the worst container of a service names it',
      [container('web', 'web'), container('web', 'worker'), container('web', 'worker', { id: 'b', state: 'exited', exitCode: 2 })],
      [{ service: 'worker', problem: 'exited', exitCode: 2 }],
    ],
  ])('%s: reported, and the stack stays a noop (no redeploy for a crash loop)', (_title, units, problems) => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' })], opts, compose_(...units));
    expect(p.items[0]).toMatchObject({ action: 'noop', reason: 'in sync', runtime: { kind: 'compose', total: 2, running: 2 - problems.length, problems, orphans: [] } });
    expect(hasChanges(p)).toBe(false);
  });

  it('Swarm: fewer running tasks than desired is reported with both numbers; no task counts is no report', () => {
    const services: EnvironmentRuntime = {
      kind: 'swarm',
      units: [
        { id: 's1', name: 'web_web', project: 'web', service: 'web', running: 0, desired: 2 },
        { id: 's2', name: 'web_worker', project: 'web', service: 'worker' },
      ],
    };
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' })], opts, services);
    expect(p.items[0]).toMatchObject({ action: 'noop', runtime: { kind: 'swarm', running: 1, total: 2, problems: [{ service: 'web', problem: 'replicas', running: 0, desired: 2 }] } });
  });
});

describe('plan with runtime: orphan services', () => {
  const orphanRuntime = compose_(...healthy('web'), container('web', 'old'), container('web', 'old', { id: 'old-2', name: 'web-old-2', state: 'exited', exitCode: 0 }));

  it('without --prune they are listed and nothing changes', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' })], opts, orphanRuntime);
    expect(p.items[0]).toMatchObject({ action: 'noop', reason: 'in sync, but 1 service no longer in the file still runs (--prune removes it)' });
    expect(p.items[0].runtime?.orphans).toEqual([
      {
        service: 'old',
        units: [
          { id: 'old-2', name: 'web-old-2' },
          { id: 'web-old-id', name: 'web-old-1' },
        ],
      },
    ]);
    expect(p.items[0].runtime?.removeOrphans).toBe(false);
    expect(hasChanges(p)).toBe(false);
  });

  it('with --prune (compose) every container of the orphan is removed and counted; the stack itself stays a noop', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' })], { ...opts, prune: true }, orphanRuntime);
    expect(p.items[0]).toMatchObject({ action: 'noop', runtime: { removeOrphans: true } });
    expect(p.summary.orphansToRemove).toBe(1);
    expect(hasChanges(p)).toBe(true);
  });

  it('with --prune (Swarm) the stack is redeployed with Prune, its orphans its only reason', () => {
    const swarm: EnvironmentRuntime = {
      kind: 'swarm',
      units: [
        { id: 's1', name: 'web_web', project: 'web', service: 'web', running: 1, desired: 1 },
        { id: 's2', name: 'web_worker', project: 'web', service: 'worker', running: 1, desired: 1 },
        { id: 's3', name: 'web_old', project: 'web', service: 'old', running: 1, desired: 1 },
      ],
    };
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' })], { ...opts, prune: true }, swarm);
    expect(p.items[0]).toMatchObject({ action: 'update', prune: { only: true }, reason: 'in sync, but 1 service no longer in the file still runs: redeploy with Prune (--prune)' });
    expect(p.items[0].payload).toBeDefined();
    expect(plan([desired({ name: 'web' })], [live({ name: 'web' })], opts, swarm).items[0]).toMatchObject({ action: 'noop' });
  });

  it('an update that drops a service from the file removes its containers only with --prune', () => {
    const shorter = 'services:\n  web:\n    image: nginx:1.27\n';
    const p = plan([desired({ name: 'web', composeText: shorter, services: ['web'] })], [live({ name: 'web' })], { ...opts, prune: true }, compose_(...healthy('web')));
    expect(p.items[0]).toMatchObject({ action: 'update', runtime: { removeOrphans: true, orphans: [{ service: 'worker' }] } });
    expect(p.items[0].prune).toBeUndefined(); // compose: containers are removed, no Prune in the PUT
  });

  it.each([
    ['not owned', live({ name: 'web', composeText: compose }), { adopt: false }],
    ['adopted in this run', live({ name: 'web', composeText: compose }), { adopt: true }],
    ['Git-based and adopted', live({ name: 'web', git: true, composeText: undefined }), { adopt: true }],
    ["another VM's", live({ name: 'web', composeText: `${ownershipMarker(7)}\n${compose}` }), { adopt: true }],
  ])('a stack phoenix does not own (%s) never loses a container, with --prune', (_title, stack, extra) => {
    const p = plan([desired({ name: 'web' })], [stack], { ...opts, prune: true, ...extra }, orphanRuntime);
    expect(p.items[0].runtime?.removeOrphans ?? false).toBe(false);
    expect(p.items[0].prune).toBeUndefined();
    expect(p.summary.orphansToRemove).toBe(0);
  });

  it('a project label that differs in any way (web2, Web, "web ") is another project', () => {
    const others = compose_(...healthy('web'), container('web2', 'old'), container('Web', 'old'), container('web ', 'old'), container('web2', 'web', { state: 'exited', exitCode: 1 }));
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' })], { ...opts, prune: true }, others);
    expect(p.items[0]).toMatchObject({ action: 'noop', reason: 'in sync', runtime: { running: 2, problems: [], orphans: [] } });
    expect(hasChanges(p)).toBe(false);
  });
});

describe('plan with runtime: properties', () => {
  const nameArb = fc.stringMatching(/^[a-z][a-z0-9_-]{0,5}$/);
  const serviceArb = fc.constantFrom('web', 'worker', 'db', 'old', 'x');
  const stateArb = fc.constantFrom('running', 'exited', 'restarting', 'dead', 'created', 'paused', 'unknown') as fc.Arbitrary<RuntimeUnitInput['state']>;
  const unitArb = (projects: string[]) =>
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 8 }),
      name: fc.string({ maxLength: 8 }),
      // The stacks' own names, near misses (case, suffix, spaces) and arbitrary strings.
      project: fc.oneof(
        fc.constantFrom(...projects),
        fc.constantFrom(...projects).map((p) => p.toUpperCase()),
        fc.constantFrom(...projects).map((p) => `${p}2`),
        fc.string({ maxLength: 6 }),
      ),
      service: serviceArb,
      state: stateArb,
    });
  const scenario = fc
    .uniqueArray(fc.record({ name: nameArb, owned: fc.boolean(), stopped: fc.boolean(), declared: fc.boolean(), services: fc.uniqueArray(serviceArb, { minLength: 1, maxLength: 3 }) }), {
      selector: (s) => s.name,
      minLength: 1,
      maxLength: 5,
    })
    .chain((stacks) =>
      fc.record({ stacks: fc.constant(stacks), units: fc.array(unitArb(stacks.map((s) => s.name)), { maxLength: 30 }), prune: fc.boolean(), adopt: fc.boolean(), swarm: fc.boolean() }),
    );
  interface Scenario {
    stacks: { name: string; owned: boolean; stopped: boolean; declared: boolean; services: string[] }[];
    units: RuntimeUnitInput[];
    prune: boolean;
    adopt: boolean;
    swarm: boolean;
  }
  const build = ({ stacks, units, prune, adopt, swarm }: Scenario) => {
    const text = (services: string[]) => `services:\n${services.map((s) => `  ${s}:\n    image: x\n`).join('')}`;
    const liveStacks = stacks.map((s, i) => live({ id: i + 1, name: s.name, composeText: s.owned ? owned(text(s.services)) : text(s.services), stopped: s.stopped, running: !s.stopped }));
    const wanted = stacks.filter((s) => s.declared).map((s) => desired({ name: s.name, composeText: text(s.services), services: s.services }));
    const runtime: EnvironmentRuntime = { kind: swarm ? 'swarm' : 'compose', units };
    return { stacks, units, p: plan(wanted, liveStacks, { ...opts, prune, adopt }, runtime) };
  };

  it('an owned, declared, stopped stack whose file and env match always plans start', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { stacks, p } = build(input);
        for (const s of stacks.filter((x) => x.owned && x.declared && x.stopped)) expect(p.items.find((i) => i.stack === s.name)?.action).toBe('start');
      }),
    );
  });

  it('a plan never removes a unit of an unowned stack, nor one whose project label is not the stack name exactly', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { stacks, units, p } = build(input);
        for (const item of p.items) {
          const removes = item.runtime?.removeOrphans === true || item.prune !== undefined;
          if (!removes) continue;
          const stack = stacks.find((s) => s.name === item.stack);
          expect(stack?.owned).toBe(true);
          expect(input.prune).toBe(true);
          for (const orphan of item.runtime?.orphans ?? []) {
            for (const unit of orphan.units) {
              const source = units.filter((u) => u.id === unit.id && u.service === orphan.service);
              expect(source.length).toBeGreaterThan(0);
              expect(source.some((u) => u.project === item.stack)).toBe(true);
              expect(stack?.services).not.toContain(orphan.service);
            }
          }
        }
      }),
    );
  });

  it('services down alone never make a change', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const { p } = build({ ...input, prune: false });
        for (const item of p.items) if ((item.runtime?.problems.length ?? 0) > 0 && item.action !== 'update') expect(['noop', 'conflict']).toContain(item.action);
        expect(p.summary.orphansToRemove).toBe(0);
      }),
    );
  });
});

describe('plan with runtime and --redeploy / --pull (the two meet in one item)', () => {
  const swarm: EnvironmentRuntime = {
    kind: 'swarm',
    units: [
      { id: 's1', name: 'web_web', project: 'web', service: 'web', running: 1, desired: 1 },
      { id: 's2', name: 'web_worker', project: 'web', service: 'worker', running: 1, desired: 1 },
      { id: 's3', name: 'web_old', project: 'web', service: 'old', running: 1, desired: 1 },
    ],
  };

  it('a stopped owned stack under --redeploy is one update (the redeploy starts it), not a start as well', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web', running: false, stopped: true })], { ...opts, redeploy: 'plain' }, compose_());
    expect(p.items.map((i) => i.action)).toEqual(['update']);
    expect(p.items[0]).toMatchObject({ redeploy: true, reason: 'redeploy requested (--redeploy)' });
    expect(p.items[0].previous).toBeUndefined(); // it was not running: nothing to roll back to
    expect(p.summary).toMatchObject({ start: 0, update: 1 });
  });

  it('--pull --prune on Swarm: one update that pulls and prunes, not a prune-only redeploy', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' })], { ...opts, prune: true, redeploy: 'pull' }, swarm);
    expect(p.items).toHaveLength(1);
    expect(p.items[0]).toMatchObject({ action: 'update', pull: true, redeploy: true, prune: { only: false } });
  });

  it('--pull on Swarm without --prune: the orphan is named, no Prune goes with the redeploy', () => {
    const p = plan([desired({ name: 'web' })], [live({ name: 'web' })], { ...opts, redeploy: 'pull' }, swarm);
    expect(p.items[0]).toMatchObject({ action: 'update', pull: true, runtime: { orphans: [{ service: 'old' }] } });
    expect(p.items[0].prune).toBeUndefined();
  });

  it('a changed stack under --pull that Portainer stopped: one update, stopped and pulled both said', () => {
    const p = plan(
      [desired({ name: 'web' })],
      [live({ name: 'web', running: false, stopped: true, composeText: owned('services:\n  web:\n    image: nginx:1.25\n') })],
      { ...opts, redeploy: 'pull' },
      compose_(),
    );
    expect(p.items[0]).toMatchObject({ action: 'update', pull: true, reason: 'compose differs; stopped in Portainer, the update starts it; images pulled first (--pull)' });
  });
});
