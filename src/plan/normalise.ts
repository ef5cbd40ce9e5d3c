import { hiddenReason } from './env-display';
import type { EnvChange, EnvChanges, EnvPair } from './types';

/**
 * What "equal" means, said in one place. Compose texts are equal when they
 * match after: CRLF → LF, trailing whitespace removed from each line, trailing blank lines
 * removed (one final newline kept). The ownership marker is stripped by the caller.
 */
export function normaliseCompose(text: string): string {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Stack names compare case-insensitively (Portainer lower-cases them). */
export function stackKey(name: string): string {
  return name.toLowerCase();
}

/** Env as a name → value map; when a name repeats, the last one wins, as in an env file. */
export function envMap(env: readonly EnvPair[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of env) map.set(pair.name, pair.value);
  return map;
}

/**
 * Env differences by name only: values are never part of the answer. Sorted. A name that the
 * live env holds more than once is changed whatever its values: Portainer keeps every pair and
 * which one a deploy uses is not ours to guess, while phoenix sends each name once.
 */
export function diffEnv(live: readonly EnvPair[], desired: readonly EnvPair[], secretNames: readonly string[] = []): EnvChanges {
  const before = envMap(live);
  const after = envMap(desired);
  const repeated = repeatedNames(live);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [name, value] of after) {
    if (!before.has(name)) added.push(name);
    else if (before.get(name) !== value || repeated.has(name)) changed.push(name);
  }
  for (const name of before.keys()) if (!after.has(name)) removed.push(name);
  const secret = new Set(secretNames);
  const shown = (name: string, change: EnvChange['change']): EnvChange => {
    const value = after.get(name) ?? '';
    const hidden = hiddenReason(name, value, secret.has(name));
    return hidden === undefined ? { name, change, value } : { name, change, hidden };
  };
  added.sort();
  removed.sort();
  changed.sort();
  const details = [...added.map((n) => shown(n, 'added')), ...removed.map((name): EnvChange => ({ name, change: 'removed' })), ...changed.map((n) => shown(n, 'changed'))];
  return { added, removed, changed, details };
}

function repeatedNames(env: readonly EnvPair[]): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { name } of env) (seen.has(name) ? repeated : seen).add(name);
  return repeated;
}

export function envChanged(changes: EnvChanges): boolean {
  return changes.added.length + changes.removed.length + changes.changed.length > 0;
}

/** The env phoenix sends: one pair per name, sorted by name, so payloads are deterministic. */
export function canonicalEnv(env: readonly EnvPair[]): EnvPair[] {
  return [...envMap(env)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value }));
}

/** Code-unit order of names: the same on every machine and locale (plans are deterministic). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
