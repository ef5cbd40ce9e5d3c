/**
 * "Did you mean" suggestions. Shared by the config validator (unknown keys), vmid and stack
 * lookups, so every typo the user makes gets the same kind of help.
 */

/**
 * Edit distance where inserting, deleting or substituting a character, or swapping two
 * neighbours, costs 1 (optimal string alignment): "tset" is one slip away from "test".
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0][j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2][j - 2] + 1);
      rows[i][j] = best;
    }
  }
  return rows[a.length][b.length];
}

/**
 * The candidate nearest to `word` (case-insensitively), or undefined when none is near enough to
 * be a plausible typo: suggesting an unrelated name is worse than suggesting nothing. A
 * candidate is near enough within max(1, a third of the word's length) edits. Ties go to the
 * earlier candidate, so callers order candidates by preference.
 */
export function closest(word: string, candidates: string[]): string | undefined {
  const needle = word.toLowerCase();
  const limit = Math.max(1, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = levenshtein(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit && bestDistance < needle.length ? best : undefined;
}
