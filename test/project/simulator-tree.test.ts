import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { REPO } from '../helpers/cli';

/**
 * The Portainer simulator and the demo live in simulator/, with their own tsconfig and build
 * (simulator/dist/): they are test tools, not the product. No product code may import them (the
 * package would then need the simulator and its devDependencies, node-forge among them), and the
 * simulator shares no code with the product's Portainer client: a bug they shared would hide
 * itself in every test that runs one against the other.
 */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every module specifier a file imports, exports from or requires. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('the simulator and the demo are a tree of their own', () => {
  it('no file under src/ imports the simulator or the demo', () => {
    const offenders = sources(join(REPO, 'src')).flatMap((file) =>
      specifiers(file)
        .filter((spec) => /(^|\/)(simulator|demo)(\/|$)/.test(spec))
        .map((spec) => `${relative(REPO, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no simulator file imports product sources (src/), least of all src/portainer', () => {
    const root = join(REPO, 'simulator/src');
    const offenders = sources(root).flatMap((file) =>
      specifiers(file)
        .filter((spec) => spec.startsWith('.') && !join(file, '..', spec).startsWith(root))
        .map((spec) => `${relative(REPO, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the product's build compiles src/ only, and the simulator's build compiles simulator/src to simulator/dist", () => {
    const product = JSON.parse(readFileSync(join(REPO, 'tsconfig.build.json'), 'utf8'));
    expect(product.include).toEqual(['src']);
    const simulator = JSON.parse(readFileSync(join(REPO, 'simulator/tsconfig.json'), 'utf8'));
    expect(simulator.include).toEqual(['src']);
    expect(simulator.compilerOptions.outDir).toBe('dist');
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.scripts.build).toContain('tsc -p simulator/tsconfig.json');
    expect(pkg.scripts.prepack).not.toContain('simulator');
    expect(pkg.scripts.demo).toContain('node simulator/dist/demo/demo.js');
  });
});
