import { createTwoFilesPatch } from 'diff';

/**
 * How much work a compose diff may take. The diff is Myers' O(N·D): a multi-MB file rewritten in
 * Portainer took hours. Above these bounds the plan shows a count of changed lines instead; the
 * decision to update never depends on the diff (equality is `normaliseCompose`).
 * - `maxInputChars`: both texts together; larger ones are not diffed at all.
 * - `maxEditLines`: the diff gives up beyond this many added plus removed lines (deterministic).
 * - `timeoutMs`: a backstop only; the two bounds above keep a diff well under it on a slow host.
 */
export const DIFF_LIMITS = { maxInputChars: 1024 * 1024, maxEditLines: 1000, timeoutMs: 5000 };

export type DiffLimits = typeof DIFF_LIMITS;

export interface ComposeDiff {
  /** Unified diff, live → desired; '' when omitted. */
  text: string;
  /** Present when the diff was too large to compute or show. */
  omitted?: { linesChanged: number };
}

/** The unified diff of two normalised compose texts that differ, or a summary when it is too large. */
export function composeDiff(name: string, before: string, after: string, limits: DiffLimits = DIFF_LIMITS): ComposeDiff {
  if (before.length + after.length <= limits.maxInputChars) {
    const patch = createTwoFilesPatch(`live/${name}`, `desired/${name}`, before, after, undefined, undefined, {
      context: 3,
      maxEditLength: limits.maxEditLines,
      timeout: limits.timeoutMs,
    });
    if (patch !== undefined) {
      return {
        text: patch
          .split('\n')
          .filter((line) => !line.startsWith('====='))
          .join('\n')
          .trimEnd(),
      };
    }
  }
  return { text: '', omitted: { linesChanged: linesChanged(before, after) } };
}

/**
 * Lines removed plus lines added, counting each side's lines as a multiset: linear time, and
 * exact for a rewrite; a line that only moved is not counted, so it never overstates the change.
 */
export function linesChanged(before: string, after: string): number {
  const counts = new Map<string, number>();
  for (const line of before.split('\n')) counts.set(line, (counts.get(line) ?? 0) + 1);
  let added = 0;
  for (const line of after.split('\n')) {
    const left = counts.get(line) ?? 0;
    if (left > 0) counts.set(line, left - 1);
    else added += 1;
  }
  let removed = 0;
  for (const left of counts.values()) removed += left;
  return added + removed;
}
