/**
 * The layers hold by reading the sources: only src/portainer/ knows Portainer (its URLs and its
 * numbers: stack Status 1-4, environment Type and Status, HTTP statuses), and apply/ learns
 * failure kinds from its writer instead of importing the client. A test, because a type check
 * cannot see a number compared where a word was meant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { REPO } from '../helpers/cli';

const SRC = join(REPO, 'src');
/** Test doubles of Portainer, not production code that talks to it. */
const NOT_PRODUCT = ['simulator', 'demo'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const area = (file: string) => relative(SRC, file).split('/')[0];
const product = sources(SRC).filter((f) => !NOT_PRODUCT.includes(area(f)));
const abovePortainer = product.filter((f) => area(f) !== 'portainer');

/** The src-relative paths a file imports (relative specifiers only: packages are not layers). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)'(\.{1,2}\/[^']*)'/g)].map((m) => m[1]);
  return specifiers.map((s) => relative(SRC, resolve(dirname(file), s)));
}

const FIELD = String.raw`\.(?:status|type|state|kind|Status|Type)\b`;
const OP = String.raw`\s*(?:===?|!==?|<=?|>=?)\s*`;
const FORWARD = new RegExp(`${FIELD}${OP}-?\\d`);
const BACKWARD = new RegExp(`\\b\\d+${OP}[\\w.?]*${FIELD}`);

/** Lines of `text` that compare a status/type/state/kind field with a number, in either order. */
function comparisonsIn(text: string, name: string): string[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), at: `${name}:${i + 1}` }))
    .filter(({ line }) => !line.startsWith('//') && !line.startsWith('*') && (FORWARD.test(line) || BACKWARD.test(line)))
    .map(({ line, at }) => `${at}: ${line}`);
}

describe('layering: src/portainer/ is the only code that knows Portainer', () => {
  it('finds the sources it checks', () => {
    expect(product.some((f) => area(f) === 'apply')).toBe(true);
    expect(abovePortainer.length).toBeGreaterThan(20);
  });

  it('src/apply imports nothing from src/portainer (the writer reports failure kinds)', () => {
    const offending = product
      .filter((f) => area(f) === 'apply')
      .flatMap((f) =>
        imports(f)
          .filter((i) => i === 'portainer' || i.startsWith('portainer/'))
          .map((i) => `${relative(REPO, f)} imports ${i}`),
      );
    expect(offending).toEqual([]);
  });

  it('no code outside src/portainer compares a status, type, state or kind with a number', () => {
    expect(abovePortainer.flatMap((f) => comparisonsIn(readFileSync(f, 'utf8'), relative(REPO, f)))).toEqual([]);
  });

  it('no code outside src/portainer builds a Portainer URL', () => {
    const offending = abovePortainer.filter((f) => /['"`]\/api\//.test(readFileSync(f, 'utf8'))).map((f) => relative(REPO, f));
    expect(offending).toEqual([]);
  });

  it('the number check catches the comparisons it replaced, and passes their words', () => {
    const old = [
      'return { git: stack.git !== null, failed: stack.status === 4 };',
      'for (let attempt = 0; current.status === 3; attempt++) {',
      "status: e.status === 1 ? 'up' : e.status === 2 ? 'down' : 'unknown',",
      'if (4 === written?.status) throw error;',
      'if (error.status >= 500) return;',
    ];
    expect(old.map((line) => comparisonsIn(line, 'x').length)).toEqual([1, 1, 1, 1, 1]);
    const words = ["failed: stack.status === 'failed'", "current.status === 'deploying'", "if (result.status === 'fulfilled') {", '// Status 3 is deploying'];
    expect(words.flatMap((line) => comparisonsIn(line, 'x'))).toEqual([]);
  });
});
