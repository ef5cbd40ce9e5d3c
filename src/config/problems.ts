/**
 * Config problems as data: a path into the document and a message. The loader turns them into
 * `file: path: message` lines, sorted in document order, and throws them all at once.
 */
import { z } from 'zod';
import { closest } from './suggest';

export type PathSegment = string | number;

export interface Problem {
  path: PathSegment[];
  message: string;
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** `vms[1].docker_stacks[0].name`; keys that would be ambiguous are quoted: `stacks["a.b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** `; did you mean "x"?` or nothing. */
export function didYouMean(word: string, candidates: string[]): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`;
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  return typeof value;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** The keys a strict object at `path` accepts, for "did you mean" on unknown keys. */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    current = current === undefined ? undefined : childSchema(current, segment);
  }
  const object = current === undefined ? undefined : objectOf(current);
  return object === undefined ? [] : Object.keys(object.shape);
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}

function objectOf(schema: z.ZodType): z.ZodObject | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return inner;
  if (inner instanceof z.ZodUnion) {
    const options = (inner.options as z.ZodType[]).map(objectOf).filter((o) => o !== undefined);
    return options[0];
  }
  return undefined;
}

function childSchema(schema: z.ZodType, segment: PathSegment): z.ZodType | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodArray) return typeof segment === 'number' ? (inner.element as z.ZodType) : undefined;
  if (inner instanceof z.ZodRecord) return inner.valueType as z.ZodType;
  const object = objectOf(inner);
  if (object !== undefined && typeof segment === 'string') return object.shape[segment] as z.ZodType | undefined;
  return undefined;
}

/** True when a union branch failed only because the value is of another kind altogether. */
function isKindMismatch(issues: readonly z.core.$ZodIssue[]): boolean {
  return issues.length === 1 && issues[0].code === 'invalid_type' && issues[0].path.length === 0;
}

/**
 * Zod issues (parsed with `reportInput: true`) as problems with our wording. A union failure is
 * reported through the one branch that matches the value's kind, so `{"sercet": "x"}` gets
 * "unknown key" rather than "expected a string or an object".
 */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, prefix: readonly PathSegment[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path: PathSegment[] = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    const input: unknown = 'input' in issue ? issue.input : undefined;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          problems.push({ path: [...path, key], message: `unknown key "${key}"${didYouMean(key, knownKeysAt(schema, path))}` });
        }
        break;
      case 'invalid_type':
        problems.push({
          path,
          message: input === undefined ? `missing (expected ${article(issue.expected)})` : `expected ${article(issue.expected)}, got ${describe(input)}`,
        });
        break;
      case 'invalid_union': {
        const matching = issue.errors.filter((branch) => !isKindMismatch(branch));
        if (matching.length === 1) problems.push(...problemsFromIssues(matching[0], schema, path));
        else problems.push({ path, message: `${issue.message}, got ${describe(input)}` });
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => JSON.stringify(v));
        const hint = typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : '';
        problems.push({ path, message: `expected one of ${values.join(', ')}, got ${describe(input)}${hint}` });
        break;
      }
      case 'invalid_key':
        // A record key that breaks its pattern (an env name): report the key's own problem.
        problems.push({ path, message: issue.issues[0]?.message ?? issue.message });
        break;
      case 'too_small':
        problems.push({
          path,
          message: issue.origin === 'string' ? 'must not be empty' : issue.origin === 'number' ? 'expected a positive integer' : issue.message,
        });
        break;
      default:
        problems.push({ path, message: issue.message });
    }
  }
  return problems;
}
