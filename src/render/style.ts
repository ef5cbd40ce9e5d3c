import type { Action } from '../plan';

/** The one place that says how each action looks (terraform's symbols, SPEC section 4). */
export const SYMBOL: Record<Action, string> = { create: '+', update: '~', delete: '-', noop: '=', conflict: '!' };

const ANSI: Record<'green' | 'yellow' | 'red' | 'magenta' | 'dim' | 'bold', [number, number]> = {
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  magenta: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export type Colour = keyof typeof ANSI;
export type Paint = (colour: Colour, text: string) => string;

export const ACTION_COLOUR: Record<Action, Colour> = { create: 'green', update: 'yellow', delete: 'red', noop: 'dim', conflict: 'magenta' };

/** Colour only on a TTY and never with NO_COLOR set (SPEC section 1). */
export function painter(enabled: boolean): Paint {
  if (!enabled) return (_colour, text) => text;
  return (colour, text) => `\u001B[${ANSI[colour][0]}m${text}\u001B[${ANSI[colour][1]}m`;
}

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** 41203 → `41,203`, the same on every host (no locale). */
export function thousands(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** What the plan says instead of a compose diff that was too large to compute or show. */
export function omittedDiffLine(omitted: { linesChanged: number }): string {
  return `compose differs: ${thousands(omitted.linesChanged)} line${omitted.linesChanged === 1 ? '' : 's'} changed; diff too large to show`;
}

/**
 * A name read from Portainer, safe to print on a line of its own: a plain name as it is, any
 * other quoted with control and bidirectional characters escaped, so it cannot forge lines.
 */
export function safeName(name: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) ? name : quote(name);
}

/** A value in double quotes, JSON-escaped, plus the characters JSON leaves raw that a terminal acts on. */
export function quote(value: string): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `1 owned stack is no longer in the config: whoami (--prune deletes it)`; '' when there is none. */
export function orphansLine(orphans: readonly string[]): string {
  if (orphans.length === 0) return '';
  const one = orphans.length === 1;
  return `${plural(orphans.length, 'owned stack')} ${one ? 'is' : 'are'} no longer in the config: ${orphans.map(safeName).join(', ')} (--prune deletes ${one ? 'it' : 'them'})`;
}
