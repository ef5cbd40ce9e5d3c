/**
 * Holds every route the client uses against the published spec (EE 2.31.2, a superset of CE),
 * so a typo in a path, method or query parameter name fails here instead of against a live
 * Portainer. Routes the spec knowingly lacks must say so in routes.ts (`notInSwagger`), and the
 * list of such exceptions is pinned below so that nothing is skipped silently.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { ROUTES_USED } from '../../src/portainer';

const SWAGGER = path.resolve(__dirname, '../fixtures/portainer-api/swagger.yaml');

const parameter = z.looseObject({ in: z.string(), name: z.string() });
const operation = z.looseObject({ parameters: z.array(parameter).optional() });
const spec = z.looseObject({
  basePath: z.literal('/api'),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

const swagger = spec.parse(parse(fs.readFileSync(SWAGGER, 'utf8')));

/** docs/portainer-api.md#spec-gaps: absent from the spec on purpose, still served by Portainer. */
const DOCUMENTED_EXCEPTIONS = [
  'GET /endpoints/{id}/docker/swarm',
  'GET /endpoints/{id}/docker/containers/json',
  'GET /endpoints/{id}/docker/services',
  'DELETE /endpoints/{id}/docker/containers/{containerId}',
  'POST /stacks',
];

const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

describe('swagger drift', () => {
  const checked = ROUTES_USED.filter((r) => r.notInSwagger === undefined);

  it('lists exactly the documented exceptions, each with its reason', () => {
    const exceptions = ROUTES_USED.filter((r) => r.notInSwagger !== undefined);
    expect(exceptions.map(key).sort()).toEqual([...DOCUMENTED_EXCEPTIONS].sort());
    // Each reason cites the project's own docs (a reader of the repository can follow it), at a
    // section that exists.
    const doc = fs.readFileSync(path.join(__dirname, '../../docs/portainer-api.md'), 'utf8');
    const anchors = new Set(
      [...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const r of exceptions) {
      expect(r.notInSwagger).toMatch(/docs\/portainer-api\.md#/);
      expect(r.notInSwagger).not.toMatch(/REFERENCE\.md|SPEC/);
      for (const [, anchor] of (r.notInSwagger ?? '').matchAll(/docs\/portainer-api\.md#([a-z0-9-]+)/g)) expect([...anchors]).toContain(anchor);
    }
  });

  it('the exceptions really are absent from the spec (else they should be checked)', () => {
    for (const r of ROUTES_USED.filter((x) => x.notInSwagger !== undefined)) {
      const item = swagger.paths[r.path];
      expect(item?.[r.method.toLowerCase()]).toBeUndefined();
    }
  });

  it('checks a meaningful number of routes', () => {
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });

  it.each(checked.map((r) => [key(r), r] as const))('%s exists with its query parameters', (_name, r) => {
    const item = swagger.paths[r.path];
    expect(item).toBeDefined();
    const op = operation.parse(item?.[r.method.toLowerCase()]);
    const shared = z.array(parameter).optional().parse(item?.parameters) ?? [];
    const queryNames = [...shared, ...(op.parameters ?? [])].filter((p) => p.in === 'query').map((p) => p.name);
    for (const q of r.query) expect(queryNames).toContain(q);
  });
});
