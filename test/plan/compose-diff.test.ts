import { composeDiff, DIFF_LIMITS, linesChanged } from '../../src/plan/compose-diff';
import { ownershipMarker, plan } from '../../src/plan';

/** A compose file of `lines` environment lines; `salt` changes every value. */
function bigCompose(lines: number, salt: string): string {
  const env = Array.from({ length: lines }, (_, i) => `      - VARIABLE_${i}=${salt}-${(i * 7919) % 10007}`);
  return `services:\n  web:\n    image: nginx:1.27\n    environment:\n${env.join('\n')}\n`;
}

describe('compose diff bounds', () => {
  it('diffs a small change in full', () => {
    const diff = composeDiff('web', 'services:\n  web:\n    image: a\n', 'services:\n  web:\n    image: b\n');
    expect(diff.omitted).toBeUndefined();
    expect(diff.text).toContain('-    image: a');
    expect(diff.text).toContain('+    image: b');
  });

  it('omits the diff of a rewrite beyond the edit bound (under the size bound) and counts the lines', () => {
    const before = bigCompose(2000, 'a');
    const after = bigCompose(2000, 'b');
    expect(before.length + after.length).toBeLessThan(DIFF_LIMITS.maxInputChars);
    const diff = composeDiff('web', before, after);
    expect(diff).toEqual({ text: '', omitted: { linesChanged: 4000 } });
  });

  it('does not diff texts above the size bound at all, even for a one-line change', () => {
    const before = bigCompose(5, 'a');
    const after = bigCompose(5, 'b');
    const diff = composeDiff('web', before, after, { ...DIFF_LIMITS, maxInputChars: before.length });
    expect(diff).toEqual({ text: '', omitted: { linesChanged: 10 } });
  });

  it('counts changed lines as a multiset: a moved line is not counted, duplicates are', () => {
    expect(linesChanged('a\nb\nc\n', 'c\nb\na\n')).toBe(0);
    expect(linesChanged('a\na\nb\n', 'a\nb\n')).toBe(1);
    expect(linesChanged('a\n', 'b\nc\n')).toBe(3);
  });

  it('a multi-MB file rewritten live: the plan completes, updates, and carries the summary instead of a diff', () => {
    const vmid = 1002;
    const live = bigCompose(160_000, 'live');
    expect(live.length).toBeGreaterThan(5_000_000);
    // Both sides multi-MB and every line different: without a bound this diff runs for hours.
    const p = plan([{ name: 'web', composeText: bigCompose(160_000, 'desired'), env: [] }], [{ id: 1, name: 'web', composeText: `${ownershipMarker(vmid)}\n${live}`, env: [], git: false }], {
      vmid,
      prune: false,
      adopt: false,
    });
    expect(p.items[0]).toMatchObject({ action: 'update', reason: 'compose differs', composeDiff: '' });
    expect(p.items[0].composeDiffOmitted?.linesChanged).toBe(320_000);
  }, 60_000);

  it('equality does not depend on the diff: equal huge texts are in sync', () => {
    const vmid = 1002;
    const text = bigCompose(160_000, 'same');
    const p = plan([{ name: 'web', composeText: text, env: [] }], [{ id: 1, name: 'web', composeText: `${ownershipMarker(vmid)}\n${text}`, env: [], git: false }], {
      vmid,
      prune: false,
      adopt: false,
    });
    expect(p.items[0]).toMatchObject({ action: 'noop', composeDiff: '' });
    expect(p.items[0].composeDiffOmitted).toBeUndefined();
  }, 60_000);
});
