/**
 * Promotion as a config edit (docs/promotion.md), pure: from the parsed document and the file text
 * to the list of setting changes and the new text. The edit is minimal: jsonc-parser's `modify`
 * touches only the values that change, so comments, formatting and key order stay.
 *
 * What "the source environment's settings" are, with compose per stack and env per environment:
 * - compose: the source environment's own `compose_file`/`compose` in `stacks.<s>.environments`
 *   when it sets one, else the stack's. The target gets the same override, or loses its own
 *   when the source runs the stack's compose.
 * - env: for each key of `stacks.<s>.promote`, the source environment's resolved value (its
 *   environment env, else the stack's env). Where the target environment sets the key, the
 *   value changes in place; otherwise it is added to `stacks.<s>.environments.<to>.env`. Keys
 *   whose resolved values already agree are left alone.
 */
import { applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import type { Edit, FormattingOptions, JSONPath } from 'jsonc-parser';
import { ConfigError } from '../errors';
import { didYouMean } from './problems';
import type { ConfigDocument, StackDocument } from './schema';
import type { EnvValue } from './types';

export interface PromotionChange {
  stack: string;
  /** `env` for a promoted key, else the compose setting. */
  setting: 'env' | 'compose_file' | 'compose';
  /** The env key, for `env`. */
  key?: string;
  /** Where the value lives in the file. */
  path: JSONPath;
  action: 'changed' | 'added' | 'removed';
  /** The target's value before (its resolved one for env), undefined when it had none. */
  before?: EnvValue;
  /** The new value; undefined for `removed`. */
  after?: EnvValue;
}

export interface PromotionPlan {
  from: string;
  to: string;
  /** The stacks considered, sorted. */
  stacks: string[];
  changes: PromotionChange[];
}

type Compose = { setting: 'compose_file' | 'compose'; value: string } | undefined;

function overrideOf(stack: StackDocument, env: string): Compose {
  const block = stack.environments?.[env];
  if (block?.compose_file !== undefined) return { setting: 'compose_file', value: block.compose_file };
  if (block?.compose !== undefined) return { setting: 'compose', value: block.compose };
  return undefined;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function composeChanges(name: string, stack: StackDocument, from: string, to: string): PromotionChange[] {
  const source = overrideOf(stack, from);
  const target = overrideOf(stack, to);
  if (same(source, target)) return [];
  const at = (setting: string): JSONPath => ['stacks', name, 'environments', to, setting];
  const changes: PromotionChange[] = [];
  if (target !== undefined && target.setting !== source?.setting) {
    changes.push({ stack: name, setting: target.setting, path: at(target.setting), action: 'removed', before: target.value });
  }
  if (source !== undefined) {
    const before = target?.setting === source.setting ? target.value : undefined;
    changes.push({ stack: name, setting: source.setting, path: at(source.setting), action: before === undefined ? 'added' : 'changed', before, after: source.value });
  }
  return changes;
}

function envChanges(name: string, stack: StackDocument, from: string, to: string): PromotionChange[] {
  const changes: PromotionChange[] = [];
  const missing: string[] = [];
  for (const key of [...new Set(stack.promote ?? [])].sort()) {
    const sourceValue = stack.environments?.[from]?.env?.[key] ?? stack.env?.[key];
    if (sourceValue === undefined) {
      missing.push(key);
      continue;
    }
    const own = stack.environments?.[to]?.env?.[key];
    const targetValue = own ?? stack.env?.[key];
    if (same(sourceValue, targetValue)) continue;
    changes.push({
      stack: name,
      setting: 'env',
      key,
      path: ['stacks', name, 'environments', to, 'env', key],
      action: own === undefined ? 'added' : 'changed',
      before: targetValue,
      after: sourceValue,
    });
  }
  if (missing.length > 0) {
    throw new ConfigError(`stacks.${name}.promote lists ${missing.join(', ')}, which ${missing.length === 1 ? 'has' : 'have'} no value in environment "${from}"`, {
      code: 'PROMOTE_KEY_UNSET',
      hint: `Set ${missing.join(', ')} in stacks.${name}.env or stacks.${name}.environments.${from}.env, or drop ${missing.length === 1 ? 'it' : 'them'} from stacks.${name}.promote.`,
    });
  }
  return changes;
}

/**
 * The setting changes that make environment `to` run what `from` runs, for `stacks` (names
 * from the `stacks` block, any case). A stack that is not in the `stacks` block cannot be
 * promoted: the Phoenix layout's files are never edited.
 */
export function planPromotion(document: ConfigDocument, from: string, to: string, stacks: readonly string[]): PromotionPlan {
  const defined = Object.keys(document.stacks ?? {});
  const names: string[] = [];
  for (const wanted of stacks) {
    const key = defined.find((name) => name.toLowerCase() === wanted.toLowerCase());
    if (key === undefined) {
      throw new ConfigError(`cannot promote "${wanted}": it is not in the config's stacks block${didYouMean(wanted, defined)}`, {
        code: 'UNKNOWN_STACK',
        hint: 'Promotion edits stacks.<name> of phoenix_vm_configs.json; stacks defined only by the Phoenix layout (phoenix_stacks_config.json) are not edited by phoenix.',
      });
    }
    if (!names.includes(key)) names.push(key);
  }
  names.sort();
  const changes = names.flatMap((name) => {
    const stack = (document.stacks ?? {})[name];
    return [...composeChanges(name, stack, from, to), ...envChanges(name, stack, from, to)];
  });
  return { from, to, stacks: names, changes };
}

/** Indentation and line ends as the file already has them, so added keys look like their neighbours. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/**
 * The file text with the changes made, and nothing else touched: every byte outside the changed
 * values stays as it was. jsonc-parser's `modify` with formatting options re-formats every line
 * the edit touches (so a compact one-line sibling on that line became five lines); it is
 * called without them, and an inserted key is then laid out like its neighbours: on its own
 * line, indented like the previous key, in a multi-line object; inline in a one-line object.
 */
export function applyPromotion(text: string, changes: readonly PromotionChange[]): string {
  const formattingOptions = formattingOf(text);
  let result = text;
  for (const change of changes) {
    const value = change.action === 'removed' ? undefined : change.after;
    const edits = modify(result, change.path, value, {}).map((edit) => (edit.length === 0 ? styledInsert(result, edit, change.path, value, formattingOptions) : edit));
    result = applyEdits(result, edits);
  }
  return result;
}

/** An insertion rewritten in the surrounding object's layout (same offset, same JSON value). */
function styledInsert(text: string, edit: Edit, path: JSONPath, value: unknown, options: FormattingOptions): Edit {
  const tree = parseTree(text);
  if (tree === undefined) return edit;
  // The deepest object of the path that exists receives the key; the rest of the path becomes nested objects.
  let depth = path.length - 1;
  let parent = findNodeAtLocation(tree, path.slice(0, depth));
  while (parent === undefined && depth > 0) parent = findNodeAtLocation(tree, path.slice(0, --depth));
  if (parent === undefined || parent.type !== 'object') return edit;
  const nested = path.slice(depth + 1).reduceRight<unknown>((inner, key) => ({ [String(key)]: inner }), value);
  const property = (layout: (v: unknown) => string) => `${JSON.stringify(String(path[depth]))}: ${layout(nested)}`;
  const children = parent.children ?? [];
  const multiLine = /\r?\n/.test(text.slice(parent.offset, parent.offset + parent.length));
  if (children.length === 0) return { ...edit, content: ` ${property(inline)} ` };
  if (!multiLine) return { ...edit, content: `, ${property(inline)}` };
  const previous = children[children.length - 1];
  const lineStart = Math.max(text.lastIndexOf('\n', previous.offset) + 1, 0);
  const indent = /^[ \t]*/.exec(text.slice(lineStart, previous.offset))?.[0] ?? '';
  const unit = options.insertSpaces === false ? '\t' : ' '.repeat(options.tabSize ?? 2);
  const eol = options.eol ?? '\n';
  const pretty = (v: unknown) => JSON.stringify(v, null, unit).split('\n').join(`${eol}${indent}`);
  return { ...edit, content: `,${eol}${indent}${property(pretty)}` };
}

/** `{ "a": "1", "b": { "c": "2" } }`: the compact style of one-line blocks in hand-written configs. */
function inline(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const entries = Object.entries(value);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(', ')} }`;
}
