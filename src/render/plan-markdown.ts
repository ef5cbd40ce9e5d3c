import type { ActionResult } from '../apply';
import type { Plan } from '../plan';
import type { PlanHeader } from './plan-text';
import { summaryLine } from './plan-text';
import { SYMBOL, omittedDiffLine, orphansLine } from './style';

/** The plan as Markdown, for a merge-request comment in CI. */
export function renderPlanMarkdown(header: PlanHeader, plan: Plan, results?: readonly ActionResult[]): string {
  const lines = [
    `### phoenix: VM ${header.vmid} (${header.vmName})`,
    '',
    `Portainer ${header.portainerVersion}, environment \`${header.environmentName}\` (id ${header.environmentId})`,
    '',
    '| | stack | action | reason |',
    '| --- | --- | --- | --- |',
    ...plan.items.map((i) => `| \`${SYMBOL[i.action]}\` | \`${i.stack}\` | ${i.action} | ${escape(i.reason)} |`),
    '',
    `**${summaryLine(plan)}**`,
    ...(plan.orphans.length > 0 ? ['', escape(orphansLine(plan.orphans))] : []),
  ];
  for (const item of plan.items) {
    if (item.composeDiffOmitted && item.action !== 'noop') lines.push('', `\`${item.stack}\`: ${omittedDiffLine(item.composeDiffOmitted)}`);
  }
  for (const item of plan.items.filter((i) => i.composeDiff && i.action !== 'noop')) {
    lines.push('', `<details><summary>${item.stack}: compose diff</summary>`, '', '```diff', item.composeDiff, '```', '', '</details>');
  }
  if (results) {
    lines.push('', '| stack | action | outcome |', '| --- | --- | --- |');
    lines.push(...results.map((r) => `| \`${r.stack}\` | ${r.action} | ${r.outcome}${r.error ? `: ${escape(r.error.message)}` : ''} |`));
  }
  return lines.join('\n');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
