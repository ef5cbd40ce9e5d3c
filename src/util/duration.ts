import { UsageError } from '../errors';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const MAX_MS = 24 * 3_600_000;

const FORMAT_HINT = 'Give a positive number with a unit: 500ms, 90s, 15m, 1h or 1h30m (a bare number is refused: seconds or minutes?).';

/**
 * Parse `15m`, `90s`, `1h30m` or `500ms` into milliseconds, for every duration flag. A bare
 * number is refused (`--timeout 10` could mean seconds or minutes), and so is a zero length: a
 * zero deploy timeout would report a write that landed as failed, a zero read timeout fails
 * every request.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    throw new UsageError(`${flag}: "${text}" has no unit`, { code: 'DURATION_INVALID', hint: `${FORMAT_HINT} For example: ${flag} ${trimmed}s.` });
  }
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`${flag}: "${text}" is not a duration`, { code: 'DURATION_INVALID', hint: FORMAT_HINT });
  }
  const ms = Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]], 0));
  if (ms <= 0) throw new UsageError(`${flag}: "${text}" is zero`, { code: 'DURATION_INVALID', hint: FORMAT_HINT });
  // Node's timers hold at most 2^31-1 ms and fire at once beyond that; a day is plenty anyway.
  if (ms > MAX_MS) throw new UsageError(`${flag}: "${text}" is longer than 24h`, { code: 'DURATION_INVALID', hint: `${FORMAT_HINT} At most 24h.` });
  return ms;
}
