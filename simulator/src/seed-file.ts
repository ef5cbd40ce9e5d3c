/**
 * The simulator's `--seed` file: JSON (comments allowed) with any of the SimulatorOptions fields
 * version, endpoints, stacks, externalProjects, apiKeys, users, asyncDeploy and faults.
 *
 * Every object is strict: a misspelt key (`latency` for `faults.latencyMs`) would otherwise be
 * dropped and the simulator would run without the knob the operator asked for, so it is refused
 * with the closest known key. A file that is not JSON is reported with its line and column.
 */
import { readFileSync } from 'node:fs';
import { type ParseError, parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';
import { z } from 'zod';

import type { SimulatorOptions } from './types';

/** Exit code of a seed that cannot be read or is not a valid seed (65: bad input data). */
export const SEED_DATA_ERROR = 65;

const pair = z.strictObject({ name: z.string(), value: z.string() });
export const seedSchema = z.strictObject({
  version: z.string().optional(),
  endpoints: z
    .array(
      z.strictObject({
        id: z.number().int(),
        name: z.string(),
        type: z.union([z.literal(1), z.literal(2), z.literal(4)]),
        url: z.string().optional(),
        status: z.union([z.literal(1), z.literal(2)]).optional(),
        swarm: z.boolean().optional(),
        swarmClusterId: z.string().optional(),
      }),
    )
    .optional(),
  stacks: z
    .array(
      z.strictObject({
        name: z.string(),
        endpointId: z.number().int(),
        composeText: z.string(),
        env: z.array(pair).optional(),
        type: z.union([z.literal(1), z.literal(2)]).optional(),
        git: z.strictObject({ url: z.string(), ref: z.string().optional(), file: z.string().optional() }).optional(),
        status: z.union([z.literal(1), z.literal(2)]).optional(),
      }),
    )
    .optional(),
  externalProjects: z.array(z.strictObject({ endpointId: z.number().int(), name: z.string() })).optional(),
  apiKeys: z.array(z.string()).optional(),
  users: z.array(z.strictObject({ id: z.number().int(), username: z.string(), password: z.string(), admin: z.boolean().optional() })).optional(),
  asyncDeploy: z.boolean().optional(),
  // What runs (SimulatorOptions serviceFaults and orphans): knobs on containers and Swarm services.
  serviceFaults: z
    .array(
      z.strictObject({
        stack: z.string(),
        service: z.string(),
        endpointId: z.number().int().optional(),
        state: z.enum(['exited', 'restarting', 'unhealthy', 'starting', 'dead', 'paused', 'running']).optional(),
        exitCode: z.number().int().optional(),
        runningTasks: z.number().int().min(0).optional(),
        sticky: z.boolean().optional(),
      }),
    )
    .optional(),
  orphans: z.array(z.strictObject({ endpointId: z.number().int(), stack: z.string(), service: z.string(), image: z.string().optional() })).optional(),
  faults: z
    .strictObject({
      latencyMs: z.number().min(0).optional(),
      errorRate: z.number().min(0).max(1).optional(),
      errorStatuses: z.array(z.number().int()).optional(),
      resetBeforeRate: z.number().min(0).max(1).optional(),
      resetAfterRate: z.number().min(0).max(1).optional(),
      deployMs: z.number().min(0).optional(),
      failDeployFor: z.array(z.string()).optional(),
      failDeployWhen: z.string().optional(),
      echoEnvOnFailure: z.boolean().optional(),
      seed: z.number().int().optional(),
    })
    .optional(),
});

export type SeedResult = { ok: true; options: SimulatorOptions } | { ok: false; message: string; exitCode: number };

/** A file name as typed, or JSON-quoted when it holds control characters (a newline would forge a line). */
function shown(path: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}

/** The known keys of the object the schema expects at `path` (array indexes skipped). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let node: z.ZodType = seedSchema;
  for (const segment of path) {
    while (node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
    if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    while (node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
    if (typeof segment === 'number') continue;
    if (!(node instanceof z.ZodObject)) return [];
    node = (node.shape as Record<string, z.ZodType>)[String(segment)];
    if (node === undefined) return [];
  }
  while (node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
  if (node instanceof z.ZodArray) node = node.element as z.ZodType;
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function closest(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = levenshtein(key.toLowerCase(), name.toLowerCase());
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 2)) ? best.name : undefined;
}

function where(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? 'the top level'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path);
    return issue.keys
      .map((key) => {
        const near = closest(key, known);
        return `unknown key "${key}" at ${where(issue.path)}${near ? `: did you mean "${near}"?` : ''} (known: ${known.join(', ')})`;
      })
      .join('\n');
  }
  return `${where(issue.path)}: ${issue.message}`;
}

/** Parse seed text; `name` is the file name used in messages. */
export function parseSeed(text: string, name: string): SeedResult {
  const file = shown(name);
  const errors: ParseError[] = [];
  const data: unknown = parseJsonc(text, errors, { allowTrailingComma: false, disallowComments: false });
  if (errors.length > 0) {
    const first = errors[0];
    const { line, column } = lineColumn(text, first.offset);
    const what = printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    return {
      ok: false,
      exitCode: SEED_DATA_ERROR,
      message: `${file}:${line}:${column}: the seed file is not valid JSON: ${what}\nhint: fix the file at that position (run with --help for the seed format)`,
    };
  }
  const parsed = seedSchema.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(describeIssue).join('\n');
    return { ok: false, exitCode: SEED_DATA_ERROR, message: `${file}: invalid seed file:\n${lines}\nhint: run with --help for the seed keys the simulator knows` };
  }
  return { ok: true, options: parsed.data };
}

export function readSeedFile(path: string): SeedResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ok: false, exitCode: SEED_DATA_ERROR, message: `cannot read seed file ${shown(path)}: ${code}\nhint: pass --seed a readable JSON file, or --seed demo for the demo's state` };
  }
  return parseSeed(text, path);
}
