import type { Action, EnvChange, EnvChanges } from '../plan';
import { escapeControls } from '../util/printable';

/** The one place that says how each action looks (terraform's symbols; README.md#using-it). */
export const SYMBOL: Record<Action, string> = { create: '+', update: '~', delete: '-', start: '>', noop: '=', conflict: '!' };

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

export const ACTION_COLOUR: Record<Action, Colour> = { create: 'green', update: 'yellow', delete: 'red', start: 'green', noop: 'dim', conflict: 'magenta' };

/** Colour only on a TTY and never with NO_COLOR set (https://no-color.org). */
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

/** The longest env value shown in full in text; a longer one is cut (the JSON document has it whole). */
const SHOWN_VALUE_CHARS = 200;

/**
 * One env change as a plan line: `+ NAME = "value"`, `~ NAME  (secret: value not shown)`,
 * `- NAME`. Values are quoted and escaped, so no value can forge a line of the plan.
 */
export function envChangeLine(change: EnvChange): string {
  const mark = change.change === 'added' ? '+' : change.change === 'removed' ? '-' : '~';
  const name = safeName(change.name);
  if (change.change === 'removed') return `${mark} ${name}`;
  if (change.hidden === 'secret') return `${mark} ${name}  (secret: value not shown)`;
  if (change.hidden === 'sensitive' || change.value === undefined) return `${mark} ${name}  (sensitive: value not shown)`;
  const value = change.value.length > SHOWN_VALUE_CHARS ? `${quote(change.value.slice(0, SHOWN_VALUE_CHARS))}... (${thousands(change.value.length)} characters)` : quote(change.value);
  return `${mark} ${name} = ${value}`;
}

/** The env changes of an item in plan order; from the names alone (no value shown) when no details were given. */
export function envDetails(env: EnvChanges): EnvChange[] {
  return (
    env.details ?? [
      ...env.added.map((name): EnvChange => ({ name, change: 'added', hidden: 'sensitive' })),
      ...env.removed.map((name): EnvChange => ({ name, change: 'removed' })),
      ...env.changed.map((name): EnvChange => ({ name, change: 'changed', hidden: 'sensitive' })),
    ]
  );
}

export const ENV_COLOUR: Record<EnvChange['change'], Colour> = { added: 'green', removed: 'red', changed: 'yellow' };

/**
 * A line of text read from Portainer (a compose diff line), with control characters other than
 * tab escaped: a stack file edited in Portainer must not move the cursor or recolour the plan.
 */
export function printable(line: string): string {
  return escapeControls(line, true);
}
