/** The run renderers: the plan header names both environments; one VM and many differ only in the summary table. */
import type { Plan } from '../../src/plan';
import { convergeResultSchema, convergeToJson, headerLine, nothingToDo, painter, renderRun, renderVmPlans } from '../../src/render';
import type { RunView, VmRow } from '../../src/render';

const header = {
  vmid: 1002,
  vmName: 'drphoenix',
  phoenixEnvironment: 'test',
  portainerEnvironmentName: 'drphoenix',
  portainerEnvironmentId: 3,
  portainerVersion: '2.21.4',
  url: 'http://127.0.0.1:9000',
};
const plan: Plan = {
  vmid: 1002,
  items: [{ stack: 'web', action: 'noop', reason: 'in sync', composeDiff: '', env: { added: [], removed: [], changed: [] } } as never],
  orphans: [],
  summary: { create: 0, update: 0, delete: 0, start: 0, noop: 1, conflict: 0, orphansToRemove: 0 },
};
const row: VmRow = { vmid: 1002, name: 'drphoenix', phoenixEnvironment: 'test', portainerEnvironment: { id: 3, name: 'drphoenix', swarm: false }, header, outcome: 'unchanged', exitCode: 0, plan };
const options = { paint: painter(false), markdown: false };

describe('run renderers', () => {
  it('the header says the phoenix environment and the Portainer environment apart', () => {
    expect(headerLine(header)).toBe('VM 1002 (drphoenix), phoenix environment test, on Portainer environment "drphoenix" (id 3), Portainer 2.21.4 at http://127.0.0.1:9000');
    expect(headerLine({ ...header, phoenixEnvironment: undefined })).toBe('VM 1002 (drphoenix), on Portainer environment "drphoenix" (id 3), Portainer 2.21.4 at http://127.0.0.1:9000');
  });

  it('one named VM: the plan and no summary table; many: every plan then the table', () => {
    const one: RunView = { mode: 'plan', named: true, applied: false, vms: [row] };
    expect(renderVmPlans(one, options)[0].split('\n')[0]).toBe(headerLine(header));
    expect(renderRun(one, options)).toEqual([]);
    expect(nothingToDo(one)).toBe('Nothing to do: the VM matches the config.');
    const many: RunView = { ...one, named: false, vms: [row, { ...row, vmid: 1003, name: 'other' }] };
    expect(renderVmPlans(many, options)).toHaveLength(2);
    expect(renderRun(many, options).at(-1)).toContain('VMs: 2 selected, 0 with changes, 2 in sync, 0 skipped, 0 with problems.');
    // Only a converge applies: its line counts applied VMs, a plan's and a status's do not.
    expect(renderRun({ ...many, mode: 'converge' }, options).at(-1)).toContain('VMs: 2 selected, 0 applied, 0 with changes, 2 in sync');
    expect(nothingToDo(many)).toBe('Nothing to do: every selected VM matches the config.');
    expect(renderVmPlans(many, { ...options, markdown: true })).toEqual([]);
  });

  it('the JSON of a run matches its published schema, one VM and many alike', () => {
    const json = convergeToJson({ selection: { vmids: [1002] }, portainer: { url: header.url, version: '2.21.4' } }, false, [row]);
    expect(convergeResultSchema.parse(json)).toEqual(json);
    expect(json.vms[0]).toMatchObject({
      vm: { vmid: 1002, name: 'drphoenix', phoenixEnvironment: 'test' },
      portainerEnvironment: { id: 3, name: 'drphoenix', swarm: false },
      outcome: 'unchanged',
      results: null,
    });
    expect(convergeResultSchema.safeParse({ ...json, vms: [{ ...json.vms[0], vm: { vmid: '1002' } }] }).success).toBe(false);
  });
});
