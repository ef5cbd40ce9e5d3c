import type { ActionResult } from '../apply';
import type { Plan } from '../plan';
import type { PlanHeader, RegisteredView } from './plan-text';
import { summaryLine } from './plan-text';
import { SYMBOL, envChangeLine, envDetails, omittedDiffLine, orphansLine, printable } from './style';
import { orphanLines, runtimeLine } from './runtime';

/** The plan as Markdown, for a merge-request comment in CI. */
export function renderPlanMarkdown(header: PlanHeader, plan: Plan, results?: readonly ActionResult[], registered?: RegisteredView): string {
  const lines = [
    `### phoenix: VM ${header.vmid} (${escape(printable(header.vmName))})`,
    '',
    `${header.phoenixEnvironment === undefined ? '' : `phoenix environment \`${escape(printable(header.phoenixEnvironment))}\`, `}Portainer environment \`${escape(printable(header.portainerEnvironmentName))}\` (${plan.register === undefined ? `id ${header.portainerEnvironmentId}` : 'not registered yet'}), Portainer ${header.portainerVersion}`,
    '',
    '| | stack | action | reason |',
    '| --- | --- | --- | --- |',
    ...(plan.register === undefined
      ? []
      : [`| \`+\` | environment \`${escape(printable(plan.register.name))}\` | register | agent at ${escape(printable(plan.register.url))}; converge registers it first |`]),
    ...plan.items.map((i) => `| \`${SYMBOL[i.action]}\` | \`${i.stack}\` | ${i.action} | ${escape(i.reason)} |`),
    '',
    `**${summaryLine(plan)}**`,
    ...(plan.orphans.length > 0 ? ['', escape(orphansLine(plan.orphans))] : []),
  ];
  for (const item of plan.items) {
    if (item.composeDiffOmitted && item.action !== 'noop') lines.push('', `\`${item.stack}\`: ${omittedDiffLine(item.composeDiffOmitted)}`);
  }
  // What runs: services down and orphan services, one bullet each (names quoted by the text helpers, then escaped).
  const runtime = plan.items.flatMap((item) => (item.runtime ? [runtimeLine(item.stack, item.runtime), ...orphanLines(item.runtime).map((l) => `${item.stack}: ${l.trim()}`)] : []));
  if (runtime.some((line) => line !== undefined)) lines.push('', ...runtime.filter((l): l is string => l !== undefined).map((l) => `- ${escape(printable(l)).replace(/</g, '&lt;')}`));
  for (const item of plan.items.filter((i) => i.composeDiff && i.action !== 'noop')) {
    const body = item.composeDiff.split('\n').map(printable).join('\n');
    lines.push('', `<details><summary>${item.stack}: compose diff</summary>`, '', `${fence(body)}diff`, body, fence(body), '', '</details>');
  }
  for (const item of plan.items.filter((i) => i.action !== 'noop' && i.action !== 'delete')) {
    const env = envDetails(item.env).map(envChangeLine);
    if (env.length > 0) {
      const body = env.join('\n');
      lines.push('', `<details><summary>${item.stack}: env</summary>`, '', `${fence(body)}text`, body, fence(body), '', '</details>');
    }
  }
  if (results) {
    lines.push('', '| stack | action | outcome |', '| --- | --- | --- |');
    if (registered) lines.push(`| environment \`${escape(printable(registered.name))}\` | register | done (id ${registered.environmentId}) |`);
    lines.push(...results.map((r) => `| \`${r.stack}\` | ${r.action} | ${r.outcome}${r.error ? `: ${escape(r.error.message)}` : ''} |`));
  }
  return lines.join('\n');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A code fence longer than any run of backticks in the body, so the body cannot close it. */
function fence(body: string): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}
