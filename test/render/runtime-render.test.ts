/** How what runs reads in the plan: one line per stack with its services down, and orphan services listed under it. */
import type { Plan, PlanItem, RuntimeReport } from '../../src/plan';
import { painter, planToJson, renderPlanMarkdown, renderPlanText } from '../../src/render';

const header = { vmid: 1002, vmName: 'drphoenix', portainerEnvironmentName: 'drphoenix', portainerEnvironmentId: 3, portainerVersion: '2.21.4', url: 'http://127.0.0.1:9000' };
const noEnv = { added: [], removed: [], changed: [] };

function planOf(runtime: RuntimeReport, action: PlanItem['action'] = 'noop'): Plan {
  const item: PlanItem = { stack: 'web', action, reason: 'in sync', liveId: 7, composeDiff: '', env: noEnv, runtime };
  return { vmid: 1002, items: [item], orphans: [], summary: { create: 0, update: 0, delete: 0, start: 0, noop: 1, conflict: 0, orphansToRemove: runtime.removeOrphans ? runtime.orphans.length : 0 } };
}

describe('render: what runs', () => {
  it.each<[string, RuntimeReport['problems'], RuntimeReport['kind'], string]>([
    ['exited', [{ service: 'worker', problem: 'exited', exitCode: 1 }], 'compose', 'web: 1/2 services running; worker exited (1)'],
    ['restarting', [{ service: 'worker', problem: 'restarting', exitCode: 137 }], 'compose', 'web: 1/2 services running; worker restarting (137)'],
    ['unhealthy', [{ service: 'worker', problem: 'unhealthy' }], 'compose', 'web: 1/2 services running; worker unhealthy'],
    ['missing', [{ service: 'worker', problem: 'missing' }], 'compose', 'web: 1/2 services running; worker has no container'],
    ['replicas', [{ service: 'worker', problem: 'replicas', running: 0, desired: 3 }], 'swarm', 'web: 1/2 services running; worker 0/3 replicas running'],
  ])('%s', (_title, problems, kind, line) => {
    const p = planOf({ kind, running: 1, total: 2, problems, orphans: [], removeOrphans: false });
    expect(renderPlanText(header, p, painter(false)).split('\n')).toContain(`      ${line}`);
    expect(renderPlanMarkdown(header, p)).toContain(`- ${line}`);
    expect(planToJson(p).items[0].runtime).toEqual({ kind, running: 1, total: 2, problems, orphans: [] });
  });

  it('every service running prints no runtime line', () => {
    const text = renderPlanText(header, planOf({ kind: 'compose', running: 2, total: 2, problems: [], orphans: [], removeOrphans: false }), painter(false));
    expect(text).not.toContain('services running');
  });

  it('orphans: what stays, or what --prune removes, and the summary counts them', () => {
    const orphans = [{ service: 'old', units: [{ id: 'c1', name: 'web-old-1' }] }];
    const staying = renderPlanText(header, planOf({ kind: 'compose', running: 1, total: 1, problems: [], orphans, removeOrphans: false }), painter(false));
    expect(staying).toContain('        orphan service old: not in the file, 1 container still running (--prune removes it)');
    const going = renderPlanText(header, planOf({ kind: 'compose', running: 1, total: 1, problems: [], orphans, removeOrphans: true }), painter(false));
    expect(going).toContain('      - orphan service old: 1 container removed (--prune), volumes kept');
    expect(going).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 orphan service to remove, 1 unchanged.');
  });

  it('a start item: the > marker and the start count in the summary', () => {
    const p: Plan = {
      vmid: 1002,
      items: [{ stack: 'web', action: 'start', reason: 'in sync, but stopped in Portainer: start it', liveId: 7, composeDiff: '', env: noEnv }],
      orphans: [],
      summary: { create: 0, update: 0, delete: 0, start: 1, noop: 0, conflict: 0, orphansToRemove: 0 },
    };
    const text = renderPlanText(header, p, painter(false));
    expect(text).toContain('  > web  in sync, but stopped in Portainer: start it');
    expect(text).toContain('Plan: 0 to create, 0 to update, 0 to delete, 1 to start, 0 unchanged.');
    expect(renderPlanMarkdown(header, p)).toContain('| `>` | `web` | start |');
  });
});
