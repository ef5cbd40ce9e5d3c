/**
 * Compose's variable interpolation, as far as phoenix needs it to refuse a file before sending it:
 * Portainer hands the stack's env to Compose (as `--env-file stack.env`, or as the process env of
 * `docker stack deploy`), and Compose quietly puts an empty string where a variable is unset.
 *
 * The rules, from the Compose Specification's interpolation chapter and compose-go's template
 * parser: `$$` is a literal `$`; `$NAME` and `${NAME}` substitute NAME (`[_A-Za-z][_A-Za-z0-9]*`);
 * `${NAME:-x}` / `${NAME-x}` use x when NAME is unset or empty / unset; `${NAME:?msg}` /
 * `${NAME?msg}` fail with msg in the same cases; `${NAME:+x}` / `${NAME+x}` use x when NAME is set
 * and not empty / set. Operands may hold further references (`${A:-${B}}`). A `$` followed by
 * anything else is kept as it is; a `${` that does not form one of these shapes is an error.
 */

export type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';

export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'ref'; name: string; raw: string; braced: boolean; operator?: Operator; operand?: Part[] }
  | { kind: 'invalid'; raw: string };

const NAME_START = /[_A-Za-z]/;
const NAME_CHAR = /[_A-Za-z0-9]/;
const OPERATORS: readonly Operator[] = [':-', ':?', ':+', '-', '?', '+'];

/** Index of the `}` closing the `{` at `open`, counting nested braces; -1 when unclosed. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function nameLength(text: string, from: number): number {
  if (!NAME_START.test(text[from] ?? '')) return 0;
  let end = from + 1;
  while (end < text.length && NAME_CHAR.test(text[end])) end++;
  return end - from;
}

/** The template split into literal text, references and invalid `${...}` pieces. */
export function parseTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  const flush = () => {
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      literal += '$';
      i = dollar + 2;
      continue;
    }
    if (next !== '{') {
      const length = nameLength(text, dollar + 1);
      if (length === 0) {
        literal += '$';
        i = dollar + 1;
        continue;
      }
      flush();
      const name = text.slice(dollar + 1, dollar + 1 + length);
      parts.push({ kind: 'ref', name, raw: `$${name}`, braced: false });
      i = dollar + 1 + length;
      continue;
    }
    flush();
    const close = closingBrace(text, dollar + 1);
    if (close < 0) {
      parts.push({ kind: 'invalid', raw: text.slice(dollar) });
      break;
    }
    const raw = text.slice(dollar, close + 1);
    parts.push(bracedPart(text.slice(dollar + 2, close), raw));
    i = close + 1;
  }
  flush();
  return parts;
}

function bracedPart(inner: string, raw: string): Part {
  const length = nameLength(inner, 0);
  if (length === 0) return { kind: 'invalid', raw };
  const name = inner.slice(0, length);
  const rest = inner.slice(length);
  if (rest === '') return { kind: 'ref', name, raw, braced: true };
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (operator === undefined) return { kind: 'invalid', raw };
  return { kind: 'ref', name, raw, braced: true, operator, operand: parseTemplate(rest.slice(operator.length)) };
}

/** What the check knows of a variable: unset, or set (a secret's value is not needed, only that it is set). */
export type Lookup = (name: string) => { set: false } | { set: true; empty: boolean };

export type InterpolationIssue =
  | { kind: 'unset'; name: string; raw: string }
  | { kind: 'required'; name: string; raw: string; message: string }
  | { kind: 'invalid'; raw: string };

/**
 * The problems Compose would meet substituting `parts` with `lookup`: a plain reference to an
 * unset variable (Compose substitutes an empty string), a `${NAME:?msg}` / `${NAME?msg}` whose
 * condition fails (Compose refuses), an invalid `${...}`. An unset variable in an operand counts
 * only where Compose uses the operand (`${A:-${B}}` needs B only when A is unset or empty); an
 * invalid or failing piece counts everywhere, because compose-go substitutes every operand before
 * it looks at the variable.
 */
export function interpolationIssues(parts: readonly Part[], lookup: Lookup): InterpolationIssue[] {
  const issues: InterpolationIssue[] = [];
  for (const part of parts) {
    if (part.kind === 'invalid') issues.push({ kind: 'invalid', raw: part.raw });
    if (part.kind !== 'ref') continue;
    const found = lookup(part.name);
    const unsetOrEmpty = !found.set || found.empty;
    const inOperand = interpolationIssues(part.operand ?? [], lookup);
    const used = (yes: boolean) => issues.push(...(yes ? inOperand : inOperand.filter((issue) => issue.kind !== 'unset')));
    switch (part.operator) {
      case undefined:
        if (!found.set) issues.push({ kind: 'unset', name: part.name, raw: part.raw });
        break;
      case ':-':
        used(unsetOrEmpty);
        break;
      case '-':
        used(!found.set);
        break;
      case ':+':
        used(!unsetOrEmpty);
        break;
      case '+':
        used(found.set);
        break;
      case ':?':
      case '?':
        used(false);
        if (part.operator === ':?' ? unsetOrEmpty : !found.set) {
          issues.push({ kind: 'required', name: part.name, raw: part.raw, message: renderText(part.operand ?? []) });
        }
        break;
    }
  }
  return issues;
}

/** Every variable name the parts mention, operands included, whether or not it would be used. */
export function referencedNames(parts: readonly Part[], into = new Set<string>()): Set<string> {
  for (const part of parts) {
    if (part.kind !== 'ref') continue;
    into.add(part.name);
    if (part.operand !== undefined) referencedNames(part.operand, into);
  }
  return into;
}

/** The template with every reference shown as written (for the text of a `:?` message). */
function renderText(parts: readonly Part[]): string {
  return parts.map((part) => (part.kind === 'text' ? part.text : part.raw)).join('');
}

/**
 * What Compose would substitute, given concrete values (undefined = unset); undefined when it
 * would refuse (an invalid template or a failed `:?` / `?`). Used by the tests to hold the parser
 * to a reference model of Compose's rules.
 */
export function substitute(parts: readonly Part[], values: Record<string, string | undefined>): string | undefined {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    if (part.kind === 'invalid') return undefined;
    const value = Object.prototype.hasOwnProperty.call(values, part.name) ? values[part.name] : undefined;
    const unsetOrEmpty = value === undefined || value === '';
    // compose-go substitutes the operand first, whether or not it is used: a failure in it fails all.
    const operand = substitute(part.operand ?? [], values);
    if (operand === undefined) return undefined;
    let piece: string | undefined;
    switch (part.operator) {
      case undefined:
        piece = value ?? '';
        break;
      case ':-':
        piece = unsetOrEmpty ? operand : value;
        break;
      case '-':
        piece = value === undefined ? operand : value;
        break;
      case ':+':
        piece = unsetOrEmpty ? (value ?? '') : operand;
        break;
      case '+':
        piece = value === undefined ? '' : operand;
        break;
      case ':?':
        piece = unsetOrEmpty ? undefined : value;
        break;
      case '?':
        piece = value;
        break;
    }
    if (piece === undefined) return undefined;
    out += piece;
  }
  return out;
}
