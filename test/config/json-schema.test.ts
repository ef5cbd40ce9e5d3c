/**
 * The generated JSON Schema, checked with a deliberately tiny validator (the keywords zod emits for
 * this schema, nothing more) so no JSON Schema dependency is needed.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { configJsonSchema } from '../../src/config';
import { FIXTURES, REPO_ROOT } from './config-helpers';

type Schema = Record<string, unknown>;

const KNOWN_KEYWORDS = new Set([
  '$schema',
  'title',
  'description',
  'type',
  'properties',
  'additionalProperties',
  'required',
  'propertyNames',
  'items',
  'anyOf',
  'enum',
  'pattern',
  'minLength',
  'exclusiveMinimum',
  'maximum',
  'format',
]);

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeMatches(type: unknown, value: unknown): boolean {
  if (type === undefined) return true;
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return isObject(value);
  return typeof value === type;
}

/** Paths where `value` breaks `schema`; empty when it conforms. */
function check(schema: Schema, value: unknown, at = '$'): string[] {
  for (const keyword of Object.keys(schema)) if (!KNOWN_KEYWORDS.has(keyword)) throw new Error(`validator does not know ${keyword} (${at})`);
  if (!typeMatches(schema.type, value)) return [`${at}: type`];
  if (Array.isArray(schema.anyOf)) {
    return schema.anyOf.some((option: Schema) => check(option, value, at).length === 0) ? [] : [`${at}: anyOf`];
  }
  const errors: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: enum`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: pattern`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errors.push(`${at}: minLength`);
  }
  if (typeof value === 'number') {
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) errors.push(`${at}: exclusiveMinimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: maximum`);
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    const items = schema.items;
    value.forEach((item, i) => errors.push(...check(items, item, `${at}[${i}]`)));
  }
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    for (const key of Array.isArray(schema.required) ? schema.required : []) if (!(key in value)) errors.push(`${at}.${key}: required`);
    for (const [key, child] of Object.entries(value)) {
      if (isObject(schema.propertyNames)) errors.push(...check(schema.propertyNames, key, `${at}.${key} (name)`));
      const own = properties[key];
      if (isObject(own)) errors.push(...check(own, child, `${at}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${key}: additionalProperties`);
      else if (isObject(schema.additionalProperties)) errors.push(...check(schema.additionalProperties, child, `${at}.${key}`));
    }
  }
  return errors;
}

const sample = (): Schema => JSON.parse(readFileSync(path.join(REPO_ROOT, 'phoenix_vm_configs.json'), 'utf8'));

describe('configJsonSchema', () => {
  const schema = configJsonSchema();

  it('carries $schema, a title and a description', () => {
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'phoenix_vm_configs.json',
      description: expect.stringContaining('provisioning'),
    });
  });

  it('accepts the sample file and a file full of provisioning fields', () => {
    expect(check(schema, sample())).toEqual([]);
    expect(check(schema, JSON.parse(readFileSync(path.join(FIXTURES, 'provisioning-zoo.json'), 'utf8')))).toEqual([]);
  });

  it('closes the stacks entry and leaves VMs and the top level open', () => {
    const properties = schema.properties as Record<string, Schema>;
    const stackEntry = (properties.stacks as Schema).additionalProperties as Schema;
    expect(stackEntry.additionalProperties).toBe(false);
    expect((properties.portainer as Schema).additionalProperties).toBe(false);
    const vm = (properties.vms as Schema).items as Schema;
    expect(vm.additionalProperties).not.toBe(false);
    expect(schema.additionalProperties).not.toBe(false);
  });

  it('rejects an unknown phoenix key, a bad stack name and a bad vmid', () => {
    const typo = sample();
    (typo.stacks as Record<string, Schema>).monitoring.compse_file = 'x.yml';
    expect(check(schema, typo)).toEqual(['$.stacks.monitoring.compse_file: additionalProperties']);

    const badName = sample();
    (badName.stacks as Record<string, Schema>)['Web App'] = { compose: 'services: {}' };
    expect(check(schema, badName)).toEqual(['$.stacks.Web App (name): pattern']);

    const badVmid = sample();
    (badVmid.vms as Schema[])[0].vmid = 0;
    expect(check(schema, badVmid)).toEqual(['$.vms[0].vmid: exclusiveMinimum']);
  });

  it('rejects env names and one-line-breaking values wherever env appears', () => {
    const bad = sample();
    const stacks = bad.stacks as Record<string, Schema>;
    const name = Object.keys(stacks)[0];
    stacks[name].env = { 'A=B': 'x', TAG: '1.27\nINJECTED=1', CR: 'a\rb', NUL: 'a\u0000b', OK: 'a=b "c" \\d' };
    expect(check(schema, bad)).toEqual([`$.stacks.${name}.env.A=B (name): pattern`, `$.stacks.${name}.env.TAG: anyOf`, `$.stacks.${name}.env.CR: anyOf`, `$.stacks.${name}.env.NUL: anyOf`]);
    const entry = sample();
    (entry.vms as Schema[])[0].docker_stacks = [{ name, env: { '1ABC': 'x', 'HAS SPACE': 'y', '': 'z' } }];
    // The entry is a string-or-object union, so the tiny validator names the entry, not the key.
    expect(check(schema, entry)).toEqual(['$.vms[0].docker_stacks[0]: anyOf']);
    (entry.vms as Schema[])[0].docker_stacks = [{ name, env: { _OK1: 'x' } }];
    expect(check(schema, entry)).toEqual([]);
  });

  it('is plain JSON (what `phoenix config schema` prints)', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});
