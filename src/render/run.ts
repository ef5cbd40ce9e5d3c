import { renderManyMarkdown, renderManySummary } from './many';
import type { VmRow } from './many';
import { renderPlanMarkdown } from './plan-markdown';
import { renderPlanText, renderResultText } from './plan-text';
import { renderStatusText } from './status';
import type { Paint } from './style';

/** A plan, converge or status run of one VM or many, as the renderers see it. */
export interface RunView {
  mode: 'plan' | 'converge' | 'status';
  /** The run named its VMs (`phoenix portainer 1002 plan`): no summary table then. */
  named: boolean;
  applied: boolean;
  vms: readonly VmRow[];
}

export interface RenderOptions {
  paint: Paint;
  markdown: boolean;
}

/** What is shown before the confirmation: every plan (or status) in text. Markdown waits for the end. */
export function renderVmPlans(view: RunView, { paint, markdown }: RenderOptions): string[] {
  if (markdown) return [];
  const blocks: string[] = [];
  for (const row of view.vms) {
    if (row.header === undefined || row.plan === undefined) continue;
    const text = row.status ? renderStatusText(row.header, row.status.stacks, row.status.outOfSync, paint, row.plan.register) : renderPlanText(row.header, row.plan, paint);
    blocks.push(view.named ? text : `${text}\n`);
  }
  return blocks;
}

/** What is shown after the run: the apply results, then (many VMs) the summary table, or the Markdown. */
export function renderRun(view: RunView, { paint, markdown }: RenderOptions): string[] {
  const blocks: string[] = [];
  const planned = view.vms.filter((row) => row.header !== undefined && row.plan !== undefined);
  if (markdown) {
    for (const row of planned)
      if (row.header && row.plan) {
        const text = renderPlanMarkdown(row.header, row.plan, row.results, row.registered);
        blocks.push(view.named ? text : `${text}\n`);
      }
    if (!view.named) blocks.push(renderManyMarkdown(view.vms));
    return blocks;
  }
  for (const row of view.vms) {
    if (row.results === undefined) continue;
    const text = renderResultText(row.results, paint, row.registered);
    blocks.push(view.named && view.vms.length === 1 ? `\n${text}` : `VM ${row.vmid} (${row.name}):\n${text}\n`);
  }
  if (!view.named) blocks.push(renderManySummary(view.vms, paint, view.mode === 'converge'));
  return blocks;
}

/** stderr lines of the run: VMs held back as protected, and "nothing to do". */
export function runNotes(view: RunView): string[] {
  return view.vms
    .filter((row) => row.outcome === 'protected')
    .map((row) => {
      const envs = row.protectedEnvironments ?? [];
      return (
        `Not applied: VM ${row.vmid} (${row.name}) writes to protected environment ${envs.map((env) => `"${env}"`).join(', ')}, which this run does not name. ` +
        `To apply it: --env ${envs[0]}, or phoenix portainer ${row.vmid} converge, or add --include-protected.`
      );
    });
}

/** "Nothing to do" when no VM has changes, a conflict or a problem (never for status: its count line says it). */
export function nothingToDo(view: RunView): string | undefined {
  if (view.mode === 'status') return undefined;
  if (!view.vms.every((row) => row.exitCode === 0 && (row.outcome === 'unchanged' || row.outcome === 'skipped'))) return undefined;
  return view.named && view.vms.length === 1 ? 'Nothing to do: the VM matches the config.' : 'Nothing to do: every selected VM matches the config.';
}
