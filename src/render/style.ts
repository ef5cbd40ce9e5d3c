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
