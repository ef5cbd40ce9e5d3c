import type { ActionResult } from '../apply';
import type { EnvironmentRegistration, Plan, PlanItem } from '../plan';
import { ACTION_COLOUR, ENV_COLOUR, SYMBOL, envChangeLine, envDetails, omittedDiffLine, orphansLine, plural, printable } from './style';
import type { Paint } from './style';
import { orphanLines, runtimeLine } from './runtime';

/** An environment converge registered (the first line of its results). */
export interface RegisteredView {
  name: string;
  environmentId: number;
  recovered: boolean;
}

/**
 * Who the plan is for. Two kinds of environment meet here: the VM's phoenix environment
 * (dev/test/prod, from the config) and its Portainer environment (the endpoint it deploys to).
 */
export interface PlanHeader {
  vmid: number;
  vmName: string;
  phoenixEnvironment?: string;
  portainerEnvironmentName: string;
  portainerEnvironmentId: number;
  portainerVersion: string;
  url: string;
}

/** `VM 1002 (drphoenix), phoenix environment test, on Portainer environment "drphoenix" (id 3), Portainer 2.21.4 at <url>` */
export function headerLine(header: PlanHeader, register?: EnvironmentRegistration): string {
  const phoenix = header.phoenixEnvironment === undefined ? '' : `, phoenix environment ${header.phoenixEnvironment}`;
  const id = register === undefined ? `id ${header.portainerEnvironmentId}` : 'not registered yet';
  return `VM ${header.vmid} (${header.vmName})${phoenix}, on Portainer environment "${printable(header.portainerEnvironmentName)}" (${id}), Portainer ${header.portainerVersion} at ${header.url}`;
}

/** `+ environment newvm (agent at tcp://10.0.0.13:9001)`: registered before the stacks. */
export function registerLine(register: EnvironmentRegistration): string {
  return `${SYMBOL.create} environment ${printable(register.name)} (agent at ${printable(register.url)})`;
}

/** The human plan, like terraform: one line per stack, diffs under updates, a summary line. */
export function renderPlanText(header: PlanHeader, plan: Plan, paint: Paint): string {
  const lines = [headerLine(header, plan.register), ''];
  if (plan.register !== undefined) lines.push(`  ${paint(ACTION_COLOUR.create, registerLine(plan.register))}  not in Portainer: converge registers it first`);
  if (plan.items.length === 0) lines.push('  (no stacks declared for this VM)');
  const width = Math.max(0, ...plan.items.map((item) => item.stack.length));
  for (const item of plan.items) {
    const colour = ACTION_COLOUR[item.action];
    lines.push(`  ${paint(colour, `${SYMBOL[item.action]} ${item.stack.padEnd(width)}`)}  ${item.reason}`);
    lines.push(...detailLines(item, paint).map((line) => `      ${line}`));
  }
  if (plan.orphans.length > 0) lines.push('', `  ${paint('dim', orphansLine(plan.orphans))}`);
  lines.push('', summaryLine(plan));
  return lines.join('\n');
}

function detailLines(item: PlanItem, paint: Paint): string[] {
  const lines: string[] = [];
  if (item.action === 'update' || item.action === 'conflict') {
    if (item.composeDiffOmitted) lines.push(paint('yellow', omittedDiffLine(item.composeDiffOmitted)));
    for (const line of item.composeDiff ? item.composeDiff.split('\n').map(printable) : []) {
      if (line.startsWith('+') && !line.startsWith('+++')) lines.push(paint('green', line));
      else if (line.startsWith('-') && !line.startsWith('---')) lines.push(paint('red', line));
      else lines.push(line);
    }
  }
  if (item.action !== 'noop' && item.action !== 'delete' && item.action !== 'start') {
    for (const change of envDetails(item.env)) lines.push(`env ${paint(ENV_COLOUR[change.change], envChangeLine(change))}`);
  }
  if (item.runtime) {
    const down = runtimeLine(item.stack, item.runtime);
    if (down !== undefined) lines.push(paint('yellow', down));
    for (const line of orphanLines(item.runtime)) lines.push(paint(item.runtime.removeOrphans ? 'red' : 'yellow', line));
  }
  return lines;
}

/**
 * `Plan: 1 to create, 2 to update, 0 to delete, 5 unchanged.`, terraform's line; stacks to start
 * and orphan services to remove join it only when there are any, and so do conflicts.
 */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const conflicts = s.conflict > 0 ? `, ${plural(s.conflict, 'conflict')}` : '';
  const register = plan.register === undefined ? '' : '1 environment to register, ';
  const start = s.start > 0 ? `, ${s.start} to start` : '';
  const orphans = s.orphansToRemove > 0 ? `, ${plural(s.orphansToRemove, 'orphan service')} to remove` : '';
  return `Plan: ${register}${s.create} to create, ${s.update} to update, ${s.delete} to delete${start}${orphans}, ${s.noop} unchanged${conflicts}.`;
}

/** What apply did, one line per action, and what is left to do when something failed. */
export function renderResultText(results: readonly ActionResult[], paint: Paint, registered?: RegisteredView): string {
  const registration =
    registered === undefined
      ? []
      : [`  ${paint('green', 'done  ')} register environment ${printable(registered.name)} (id ${registered.environmentId})${registered.recovered ? ' (confirmed by re-reading Portainer)' : ''}`];
  const lines = results.map((r) => {
    const mark = r.outcome === 'done' ? paint('green', 'done  ') : r.outcome === 'failed' ? paint('red', 'FAILED') : paint('yellow', 'skipped');
    const why = r.error ? `: ${r.error.message}` : r.outcome === 'not-attempted' ? ': not attempted' : r.recovered ? ' (confirmed by re-reading Portainer after a lost answer)' : '';
    return `  ${mark} ${r.action} ${r.stack}${why}`;
  });
  const done = results.filter((r) => r.outcome === 'done').length;
  const failed = results.filter((r) => r.outcome === 'failed').length;
  const skipped = results.length - done - failed;
  lines.unshift(...registration);
  lines.push('', `Apply: ${done} done, ${failed} failed, ${skipped} not attempted.`);
  if (failed + skipped > 0) lines.push('Run the same converge again to finish: it re-plans from what Portainer has now.');
  return lines.join('\n');
}
