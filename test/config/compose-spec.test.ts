/**
 * The Compose Specification check: the pinned schema's generated validator is current, real
 * mistakes give one useful line each, and every compose file the repository ships is valid.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { checkCompose } from '../../src/config/compose';
import { REPO_ROOT } from './config-helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generate } = require('../../scripts/compose-spec.js') as { generate: () => string };

const specOf = (text: string) => checkCompose(text, {}).spec.map((p) => `${p.path}: ${p.message}`);
const service = (body: string) => `services:\n  web:\n    image: nginx\n${body}`;

describe('the pinned Compose Specification schema', () => {
  it('is the file of compose-spec commit 58a2548 (git blob ffe60a1) that the README names', () => {
    const dir = path.join(REPO_ROOT, 'src/config/compose-spec');
    const bytes = readFileSync(path.join(dir, 'compose-spec.json'));
    // git's blob id: sha1 over "blob <size>\0" + the bytes.
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const blob = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    expect(blob).toBe('ffe60a11741cd06663e55fc17dbb6361de33ee6b');
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(blob);
    expect(readme).toContain('58a2548c4a5c81454433d91d4da18210d6dc0e46');
    expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toMatch(/^Apache License\s+Version 2\.0, January 2004/);
  });

  it('its checked-in validator is what scripts/compose-spec.js generates now (run npm run compose-spec when this fails)', () => {
    const checkedIn = readFileSync(path.join(REPO_ROOT, 'src/config/compose-spec/validate.js'), 'utf8');
    expect(checkedIn === generate()).toBe(true);
  });
});

describe('compose files against the Compose Specification', () => {
  it.each([
    ['an unknown service key, with the closest one', service('    restrat: always\n'), ['services.web.restrat: unknown key "restrat"; did you mean "restart"?']],
    ['an unknown top-level key', 'servces: {}\nservices:\n  web:\n    image: nginx\n', ['servces: unknown key "servces"; did you mean "services"?']],
    ['a wrong type', service('    mem_limit: [1]\n'), ['services.web.mem_limit: expected a number or a string, got a list']],
    ['a wrong type deep in a union', service('    environment:\n      A: {b: 1}\n'), ['services.web.environment.A: expected a string, a number, a boolean or null, got a mapping']],
    [
      'a port given as a map: one line at the port, not one per oneOf branch',
      service('    ports:\n      - 80: 8080\n'),
      ['services.web.ports[0]: expected a number or a string (or a mapping with the keys name, mode, host_ip, target, published, protocol, app_protocol), got a mapping with the unknown key "80"'],
    ],
    [
      'a bad value in a long-form depends_on',
      'services:\n  db:\n    image: postgres\n  web:\n    image: nginx\n    depends_on:\n      db: {condition: service_health}\n',
      [
        'services.web.depends_on.db.condition: expected one of "service_started", "service_healthy", "service_completed_successfully", got a string ("service_health"); did you mean "service_healthy"?',
      ],
    ],
    [
      'depends_on naming a missing service (a semantic check: the schema cannot see it)',
      'services:\n  db:\n    image: postgres\n  web:\n    image: nginx\n    depends_on: [dbb]\n',
      ['services.web.depends_on[0]: "dbb" is not a service of this file (services: db, web); did you mean "db"?'],
    ],
    [
      'depends_on as a map naming a missing service',
      service('    depends_on:\n      cache: {condition: service_started}\n'),
      ['services.web.depends_on.cache: "cache" is not a service of this file (services: web)'],
    ],
  ])('%s', (_name, text, expected) => {
    expect(specOf(text)).toEqual(expected);
  });

  it('lists every problem of a file at once', () => {
    expect(specOf(service('    restrat: always\n    mem_limit: [1]\n    depends_on: [db]\n'))).toHaveLength(3);
  });

  it('gives the line of each problem', () => {
    const [problem] = checkCompose(service('    restrat: always\n'), {}).spec;
    expect(problem.line).toBe(4);
  });

  it.each([
    ['a Swarm-only key (deploy)', service('    deploy:\n      replicas: 2\n      placement:\n        constraints: [node.role == manager]\n')],
    [
      'standalone-only keys (container_name, restart, depends_on)',
      'services:\n  db:\n    image: postgres\n  web:\n    image: nginx\n    container_name: web\n    restart: unless-stopped\n    depends_on: [db]\n',
    ],
    ['YAML merge keys and x- extensions', 'x-common: &common\n  restart: always\nservices:\n  web:\n    <<: *common\n    image: nginx\n'],
    ['interpolated values where the schema wants numbers', service('    ports:\n      - "${PORT:-80}:80"\n    deploy:\n      replicas: ${REPLICAS:-1}\n')],
  ])('accepts %s', (_name, text) => {
    expect(specOf(text)).toEqual([]);
  });

  it('refuses a file whose aliases expand without bound (billion laughs) instead of hanging', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const spec = checkCompose(`${lines.join('\n')}\nservices:\n  web:\n    image: nginx\n`, {}).spec;
    expect(spec).toHaveLength(1);
    expect(spec[0].message).toMatch(/^cannot be read: /);
  });
});

function composeFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return composeFilesUnder(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

describe('every compose file the repository ships', () => {
  const files = [...composeFilesUnder(path.join(REPO_ROOT, 'stacks')), ...composeFilesUnder(path.join(REPO_ROOT, 'test/fixtures'))]
    // Deliberately broken fixtures of the YAML check, and Portainer's own API description.
    .filter((file) => !file.includes(`${path.sep}bad-compose${path.sep}`) && !file.includes(`${path.sep}portainer-api${path.sep}`));

  it('includes the stacks and the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files.map((file) => [path.relative(REPO_ROOT, file), file]))('%s is valid', (_name, file) => {
    expect(specOf(readFileSync(file, 'utf8'))).toEqual([]);
  });
});
