import type { Plan, PlanItem } from '../../src/plan';
import { painter, planToJson, renderPlanMarkdown, renderPlanText } from '../../src/render';

const header = { vmid: 1002, vmName: 'drphoenix', portainerEnvironmentName: 'drphoenix', portainerEnvironmentId: 3, portainerVersion: '2.21.4', url: 'http://127.0.0.1:9000' };
const noEnv = { added: [], removed: [], changed: [] };

function planOf(items: PlanItem[], orphans: string[] = []): Plan {
  const summary = { create: 0, update: 0, delete: 0, start: 0, noop: 0, conflict: 0, orphansToRemove: 0 };
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

describe('renderers: env values', () => {
  const env = {
    added: ['NEW'],
    removed: ['GONE\n      env + FORGED = "1"'],
    changed: ['ADMIN', 'DB_PASSWORD', 'GRAFANA_PORT', 'QUOTED'],
    details: [
      { name: 'NEW', change: 'added' as const, value: 'a "quoted" \\ value' },
      { name: 'GONE\n      env + FORGED = "1"', change: 'removed' as const },
      { name: 'ADMIN', change: 'changed' as const, hidden: 'secret' as const },
      { name: 'DB_PASSWORD', change: 'changed' as const, hidden: 'sensitive' as const },
      { name: 'GRAFANA_PORT', change: 'changed' as const, value: '3301' },
      { name: 'QUOTED', change: 'changed' as const, value: 'line1\nline2\u001b[31m\u202e```' },
    ],
  };
  const p = planOf([{ stack: 'web', action: 'update', reason: 'env differs', liveId: 7, composeDiff: '', env }]);

  it('text: one line per name, literal values quoted and escaped, secrets and sensitive names masked', () => {
    const lines = renderings(p).text.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        '      env + NEW = "a \\"quoted\\" \\\\ value"',
        '      env - "GONE\\n      env + FORGED = \\"1\\""',
        '      env ~ ADMIN  (secret: value not shown)',
        '      env ~ DB_PASSWORD  (sensitive: value not shown)',
        '      env ~ GRAFANA_PORT = "3301"',
        '      env ~ QUOTED = "line1\\nline2\\u001b[31m\\u202e```"',
      ]),
    );
    expect(lines.filter((l) => l.includes('FORGED'))).toHaveLength(1);
    for (const c of ['\u001b', '\u202e']) expect(renderings(p).text).not.toContain(c);
  });

  it('Markdown: the same lines in a fence that a value cannot close', () => {
    const { markdown } = renderings(p);
    expect(markdown).toContain('<summary>web: env</summary>');
    expect(markdown).toContain('````text\n+ NEW = ');
    expect(markdown).toContain('~ GRAFANA_PORT = "3301"');
    for (const c of ['\u001b', '\u202e']) expect(markdown).not.toContain(c);
  });

  it('JSON: details carry value only for showable literals, hidden otherwise', () => {
    expect(renderings(p).json.items[0].env.details).toEqual([
      { name: 'NEW', change: 'added', value: 'a "quoted" \\ value' },
      { name: 'GONE\n      env + FORGED = "1"', change: 'removed' },
      { name: 'ADMIN', change: 'changed', hidden: 'secret' },
      { name: 'DB_PASSWORD', change: 'changed', hidden: 'sensitive' },
      { name: 'GRAFANA_PORT', change: 'changed', value: '3301' },
      { name: 'QUOTED', change: 'changed', value: 'line1\nline2\u001b[31m\u202e```' },
    ]);
  });

  it('a long literal is cut in text (whole in JSON); a plan without details shows names only', () => {
    const long = planOf([
      {
        stack: 'web',
        action: 'update',
        reason: 'env differs',
        liveId: 7,
        composeDiff: '',
        env: { added: ['BIG'], removed: [], changed: [], details: [{ name: 'BIG', change: 'added', value: 'x'.repeat(5000) }] },
      },
    ]);
    expect(renderings(long).text).toContain(`env + BIG = "${'x'.repeat(200)}"... (5,000 characters)`);
    const bare = planOf([{ stack: 'web', action: 'update', reason: 'env differs', liveId: 7, composeDiff: '', env: { added: ['A'], removed: [], changed: [] } }]);
    expect(renderings(bare).text).toContain('env + A  (sensitive: value not shown)');
  });

  it('a compose diff line with control characters from a file edited in Portainer is escaped', () => {
    const diff = planOf([
      { stack: 'web', action: 'update', reason: 'compose differs', liveId: 7, composeDiff: '--- live/web\n+++ desired/web\n-    image: x\u001b[2K\r+ forged\n+    image: y', env: noEnv },
    ]);
    const { text, markdown } = renderings(diff);
    expect(text).toContain('-    image: x\\u001b[2K\\u000d+ forged');
    expect(text).not.toContain('\u001b');
    expect(markdown).not.toContain('\u001b');
  });
});
