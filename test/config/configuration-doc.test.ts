import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { configJsonSchema } from '../../src/config';
import { REPO_ROOT } from './config-helpers';

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every property path of the schema: `a.b`, `<*>` for a record's keys, `[]` for an array's items. */
function schemaPaths(schema: Node): Set<string> {
  const defs = (isNode(schema.$defs) ? schema.$defs : isNode(schema.definitions) ? schema.definitions : {}) as Record<string, Node>;
  const paths = new Set<string>();
  const walk = (node: unknown, at: string, depth: number): void => {
    if (!isNode(node) || depth > 20) return;
    if (typeof node.$ref === 'string') return walk(defs[node.$ref.split('/').pop() ?? ''], at, depth + 1);
    if (isNode(node.properties)) {
      for (const [key, value] of Object.entries(node.properties)) {
        const next = at === '' ? key : `${at}.${key}`;
        paths.add(next);
        walk(value, next, depth + 1);
      }
    }
    if (isNode(node.additionalProperties)) walk(node.additionalProperties, `${at}.<*>`, depth + 1);
    if (node.items !== undefined) walk(node.items, `${at}[]`, depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(node[key])) for (const part of node[key]) walk(part, at, depth + 1);
  };
  walk(schema, '', 0);
  return paths;
}

/** The key paths the reference tables document: the first cell of a table row, in backticks. */
function documentedPaths(markdown: string): Set<string> {
  const paths = new Set<string>();
  for (const line of markdown.split('\n')) {
    const match = /^\| `([^`]+)` \|/.exec(line);
    if (match) paths.add(match[1].replace(/<[^>]+>/g, '<*>'));
  }
  return paths;
}

describe('docs/configuration.md is the reference of the schema', () => {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs/configuration.md'), 'utf8');
  const schema = schemaPaths(configJsonSchema());
  const documented = documentedPaths(doc);

  it('finds the keys on both sides (a walker that finds nothing would prove nothing)', () => {
    expect(schema.size).toBeGreaterThan(25);
    expect(schema).toContain('stacks.<*>.environments.<*>.env');
    expect(documented.size).toBeGreaterThan(25);
  });

  it('documents every property of the blocks phoenix owns', () => {
    expect([...schema].filter((p) => !documented.has(p)).sort()).toEqual([]);
  });

  it('names no key the schema lacks', () => {
    expect([...documented].filter((p) => !schema.has(p)).sort()).toEqual([]);
  });
});
