import { printable } from './style';
import type { Paint } from './style';

export interface EnvironmentsView {
  url: string;
  version: string;
  environments: Array<{ id: number; name: string; type: string; url: string; status: string; swarm: boolean; vms: Array<{ vmid: number; name: string }> }>;
  unmatched: Array<{ vmid: number; name: string; wanted?: string; closest?: string }>;
  toRegister: Array<{ vmid: number; name: string; environment: string; url?: string; problem?: string }>;
}

/** A table of Portainer's environments with the VMs mapped to each, then the VMs that map to none. */
export function renderEnvironmentsText(view: EnvironmentsView, paint: Paint): string {
  const header = ['ID', 'NAME', 'TYPE', 'URL', 'STATUS', 'SWARM', 'VMS'];
  const table = view.environments.map((e) => [String(e.id), e.name, e.type, e.url || '-', e.status, e.swarm ? 'yes' : 'no', e.vms.map((vm) => `${vm.vmid} (${vm.name})`).join(', ') || '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const lines = [`Portainer ${view.version} at ${view.url}`, '', paint('bold', line(header)), ...table.map((row, i) => (view.environments[i].status === 'down' ? paint('red', line(row)) : line(row)))];
  if (view.environments.length === 0) lines.push('  (Portainer has no environments)');
  if (view.unmatched.length > 0) {
    lines.push('', 'VMs whose Portainer environment was not found:');
    for (const vm of view.unmatched) {
      const what = vm.wanted === undefined ? 'names no portainer_environment_name or portainer_endpoint_id' : `wants "${vm.wanted}"`;
      lines.push(`  ${paint('magenta', `${vm.vmid} (${vm.name})`)}: ${what}${vm.closest ? `; closest: "${vm.closest}"` : ''}`);
    }
  }
  if (view.toRegister.length > 0) {
    lines.push('', 'Agent VMs with no environment yet (converge registers each):');
    for (const vm of view.toRegister) {
      const where = vm.url === undefined ? `cannot be registered: ${vm.problem ?? 'no agent address'}` : `agent at ${vm.url}`;
      lines.push(`  ${paint('green', `+ ${vm.vmid} (${vm.name})`)}: environment "${printable(vm.environment)}", ${printable(where)}`);
    }
  }
  return lines.join('\n');
}
