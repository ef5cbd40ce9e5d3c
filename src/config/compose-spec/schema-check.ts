/**
 * A compose document checked against the pinned Compose Specification schema (compose-spec.json,
 * compiled at build time to validate.js), with ajv's errors turned into one useful line per
 * mistake, plus the one rule a JSON Schema cannot express: `depends_on` naming a service of the
 * same file.
 */
import type { PathSegment, Problem } from '../problems';
import { closest } from '../suggest';
import type { ComposeSchemaError } from './validate';

type Validate = typeof import('./validate').default;

let loaded: Validate | undefined;

/** Loaded on first use, so commands that check no compose file do not pay for the validator. */
function validator(): Validate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= (require('./validate') as { default: Validate }).default;
  return loaded;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)})`;
  return `a ${typeof value} (${String(value)})`;
}

const TYPE_WORDS: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', integer: 'an integer', boolean: 'a boolean', null: 'null' };

function typeWords(types: readonly string[]): string {
  const words = [...new Set(types.map((t) => TYPE_WORDS[t] ?? t))];
  return words.length <= 1 ? (words[0] ?? 'another value') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function typesOf(error: ComposeSchemaError): string[] {
  const type = error.params.type;
  return Array.isArray(type) ? type.map(String) : [String(type)];
}

/** `/services/web/ports/0` → ['services', 'web', 'ports', 0], numbers where the data is a list. */
function pathOf(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      path.push(Number(key));
      current = current[Number(key)];
    } else {
      path.push(key);
      current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

function propertiesOf(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const properties = (schema as { properties?: unknown }).properties;
  return properties !== null && typeof properties === 'object' ? Object.keys(properties) : [];
}

function isUnder(pointer: string, parent: string): boolean {
  return pointer.startsWith(`${parent}/`);
}

/**
 * ajv reports every branch of a failed oneOf/anyOf. A port given as a mapping fails the number
 * branch, the string branch and the object branch at once. Keep the branch that fits the value's
 * kind: where some error says more than "wrong type" (an unknown key, a bad value, anything
 * deeper), the bare type errors at that place are the other branches and are dropped; where only
 * type errors remain, they become one "expected a number, a string or a mapping".
 */
function usefulErrors(errors: readonly ComposeSchemaError[]): ComposeSchemaError[] {
  const unions = new Set(errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => e.instancePath));
  const kept = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const out: ComposeSchemaError[] = [];
  const mergedTypeAt = new Set<string>();
  for (const error of kept) {
    const at = error.instancePath;
    if (error.keyword === 'type' && unions.has(at)) {
      const substantive = kept.some((other) => (other.instancePath === at && other.keyword !== 'type') || isUnder(other.instancePath, at));
      if (substantive || mergedTypeAt.has(at)) continue;
      mergedTypeAt.add(at);
      const types = kept.filter((other) => other.instancePath === at && other.keyword === 'type').flatMap(typesOf);
      out.push({ ...error, params: { type: types } });
      continue;
    }
    out.push(error);
  }
  return out;
}

function messageOf(error: ComposeSchemaError, scalarTypes: readonly string[]): { message: string; key?: string } {
  const data = (error as { data?: unknown }).data;
  const params = error.params;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = propertiesOf((error as { parentSchema?: unknown }).parentSchema);
      const suggestion = closest(key, known);
      const help = suggestion !== undefined ? `; did you mean "${suggestion}"?` : known.length > 0 && known.length <= 12 ? `; known keys: ${known.join(', ')}` : '';
      // A value that may be a plain value or a mapping (a port, a volume): the mistake is the
      // whole value, so it is reported at the value's own path.
      if (scalarTypes.length > 0 && suggestion === undefined) {
        return { message: `expected ${typeWords(scalarTypes)} (or a mapping with the keys ${known.join(', ')}), got a mapping with the unknown key "${key}"` };
      }
      return { key, message: `unknown key "${key}"${help}` };
    }
    case 'type':
      return { message: `expected ${typeWords(typesOf(error))}, got ${describe(data)}` };
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String) : [];
      const hint = typeof data === 'string' ? closest(data, allowed) : undefined;
      return { message: `expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(data)}${hint === undefined ? '' : `; did you mean "${hint}"?`}` };
    }
    case 'required':
      return { key: String(params.missingProperty), message: 'missing (required)' };
    case 'uniqueItems':
      return { message: `items ${String(params.j)} and ${String(params.i)} are the same; each may appear once` };
    case 'propertyNames':
      return { message: `key "${String(params.propertyName)}" is not allowed here` };
    default:
      return { message: `${error.message ?? error.keyword}, got ${describe(data)}` };
  }
}

/** Every place where `data` (a parsed compose file) breaks the Compose Specification, in file order. */
export function composeSchemaProblems(data: unknown): Problem[] {
  const validate = validator();
  const problems: Problem[] = [];
  if (!validate(data)) {
    const errors = validate.errors ?? [];
    const kinds = new Map<string, string[]>();
    for (const e of errors) if (e.keyword === 'type') kinds.set(e.instancePath, [...(kinds.get(e.instancePath) ?? []), ...typesOf(e)]);
    for (const error of usefulErrors(errors)) {
      const scalarTypes = (kinds.get(error.instancePath) ?? []).filter((t) => t !== 'object' && t !== 'array' && t !== 'null');
      const { message, key } = messageOf(error, scalarTypes);
      const path = pathOf(error.instancePath, data);
      problems.push({ path: key === undefined ? path : [...path, key], message });
    }
  }
  return [...problems, ...dependsOnProblems(data)];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `depends_on` must name services of the same file: the schema sees only its shape, and Compose
 * refuses the file at deploy time ("depends on undefined service").
 */
function dependsOnProblems(data: unknown): Problem[] {
  if (!isRecord(data) || !isRecord(data.services)) return [];
  const names = Object.keys(data.services);
  const problems: Problem[] = [];
  for (const [service, definition] of Object.entries(data.services)) {
    if (!isRecord(definition)) continue;
    const dependsOn = definition.depends_on;
    const entries: Array<[string, PathSegment]> = Array.isArray(dependsOn)
      ? dependsOn.flatMap((d, i): Array<[string, PathSegment]> => (typeof d === 'string' ? [[d, i]] : []))
      : isRecord(dependsOn)
        ? Object.keys(dependsOn).map((d): [string, PathSegment] => [d, d])
        : [];
    for (const [name, at] of entries) {
      if (names.includes(name)) continue;
      const others = names.filter((n) => n !== service);
      const suggestion = closest(name, others);
      problems.push({
        path: ['services', service, 'depends_on', at],
        message: `"${name}" is not a service of this file (services: ${names.join(', ')})${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`,
      });
    }
  }
  return problems;
}
