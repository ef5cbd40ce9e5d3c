import type { PromotionChange, PromotionPlan } from '../config';
import type { Paint } from './style';

function shown(value: PromotionChange['after']): string {
  if (value === undefined) return '(unset)';
  return typeof value === 'string' ? JSON.stringify(value) : `{ secret: ${JSON.stringify(value.secret)} }`;
}

function describe(change: PromotionChange, to: string): string {
  const where = `stacks.${change.stack}.environments.${to}.${change.setting === 'env' ? `env.${change.key}` : change.setting}`;
  if (change.action === 'removed') return `${where} removed (${to} runs the stack's own compose, as the source does)`;
  const verb = change.action === 'added' ? 'added' : 'changed in place';
  return `${where} ${verb}: ${shown(change.before)} -> ${shown(change.after)}`;
}

/** What promotion changes: one line per setting, then the unified diff of the config file. */
export function renderPromotionText(plan: PromotionPlan, diff: string, paint: Paint): string {
  const lines = [`Promote ${plan.from} -> ${plan.to}: ${plan.stacks.length === 0 ? 'no stacks' : plan.stacks.join(', ')}`, ''];
  if (plan.changes.length === 0) lines.push(`  (${plan.to} already has what ${plan.from} has)`);
  for (const change of plan.changes)
    lines.push(
      `  ${paint(change.action === 'removed' ? 'red' : change.action === 'added' ? 'green' : 'yellow', change.action === 'removed' ? '-' : change.action === 'added' ? '+' : '~')} ${describe(change, plan.to)}`,
    );
  if (diff !== '') {
    lines.push('');
    for (const line of diff.split('\n')) {
      if (line.startsWith('+') && !line.startsWith('+++')) lines.push(paint('green', line));
      else if (line.startsWith('-') && !line.startsWith('---')) lines.push(paint('red', line));
      else lines.push(line);
    }
  }
  lines.push('', `Promotion: ${plan.changes.length} setting(s) to change in ${plan.stacks.length} stack(s).`);
  return lines.join('\n');
}

/** The `promote --json` result (config values are in Git already; secret references stay references). */
export function promotionToJson(plan: PromotionPlan, diff: string, sourceCheck: 'matched' | 'forced' | 'not-needed') {
  return {
    from: plan.from,
    to: plan.to,
    stacks: plan.stacks,
    sourceCheck,
    changes: plan.changes.map((c) => ({
      stack: c.stack,
      setting: c.setting,
      ...(c.key === undefined ? {} : { key: c.key }),
      path: c.path,
      action: c.action,
      before: c.before ?? null,
      after: c.after ?? null,
    })),
    diff,
  };
}
