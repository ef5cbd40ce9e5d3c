import type { Plan, PlanItem } from '../../src/plan';
import { painter, planToJson, renderPlanMarkdown, renderPlanText } from '../../src/render';

const header = { vmid: 1002, vmName: 'drphoenix', environmentName: 'drphoenix', environmentId: 3, portainerVersion: '2.21.4', url: 'http://127.0.0.1:9000' };
const noEnv = { added: [], removed: [], changed: [] };

function planOf(items: PlanItem[], orphans: string[] = []): Plan {
  const summary = { create: 0, update: 0, delete: 0, noop: 0, conflict: 0 };
  for (const item of items) summary[item.action] += 1;
  return { vmid: 1002, items, orphans, summary };
}

const renderings = (p: Plan) => ({ text: renderPlanText(header, p, painter(false)), markdown: renderPlanMarkdown(header, p), json: planToJson(p) });

describe('renderers: a compose diff too large to show', () => {
  const p = planOf([{ stack: 'web', action: 'update', reason: 'compose differs', liveId: 7, composeDiff: '', composeDiffOmitted: { linesChanged: 41203 }, env: noEnv }]);

  it('text and Markdown say how many lines changed and that the diff is not shown', () => {
    const { text, markdown } = renderings(p);
    expect(text).toContain('      compose differs: 41,203 lines changed; diff too large to show');
    expect(markdown).toContain('`web`: compose differs: 41,203 lines changed; diff too large to show');
    expect(markdown).not.toContain('```diff');
  });

  it('JSON says the diff was omitted and carries the count', () => {
    expect(renderings(p).json.items[0]).toMatchObject({ composeDiff: '', composeDiffOmitted: true, composeLinesChanged: 41203 });
  });

  it('JSON says composeDiffOmitted: false when the diff is there', () => {
    const shown = planOf([{ stack: 'web', action: 'update', reason: 'compose differs', liveId: 7, composeDiff: '--- a\n+++ b\n-x\n+y', env: noEnv }]);
    const item = renderings(shown).json.items[0];
    expect(item).toMatchObject({ composeDiffOmitted: false });
    expect(item).not.toHaveProperty('composeLinesChanged');
  });
});

describe('renderers: owned stacks that left the config (plain plan, no --prune)', () => {
  it('one line in text and Markdown, the list in JSON', () => {
    const { text, markdown, json } = renderings(planOf([], ['whoami']));
    expect(text).toContain('  1 owned stack is no longer in the config: whoami (--prune deletes it)');
    expect(markdown).toContain('1 owned stack is no longer in the config: whoami (--prune deletes it)');
    expect(json.orphans).toEqual(['whoami']);
  });

  it('plural, and a name that is not plain is quoted with its control characters escaped', () => {
    const { text } = renderings(planOf([], ['a', 'evil\n  + forged\u001b[2K\u202e']));
    expect(text).toContain('2 owned stacks are no longer in the config: a, "evil\\n  + forged\\u001b[2K\\u202e" (--prune deletes them)');
    expect(text).not.toMatch(/\n\s*\+ forged/);
    expect(text).not.toContain('\u001b');
  });
});
