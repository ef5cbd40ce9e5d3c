/**
 * "Did you mean" suggestions. Shared by the config validator (unknown keys), vmid and stack
 * lookups, so every typo the user makes gets the same kind of help.
 */

/** Edit distance (insert, delete, substitute, each costing 1) between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
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
