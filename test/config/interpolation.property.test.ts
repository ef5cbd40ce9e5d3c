/**
 * The interpolation parser against a small reference model of Compose's rules (the Compose
 * Specification's interpolation chapter, compose-go's template parser), by example and with
 * fast-check: generated templates, generated envs, the same answer from both.
 */
import fc from 'fast-check';
import { checkCompose } from '../../src/config/compose';
import { interpolationIssues, parseTemplate, referencedNames, substitute } from '../../src/config/compose-spec/interpolation';

/** The model's template: a tree that prints to Compose syntax. */
type Node = { t: 'text'; s: string } | { t: 'dollar' } | { t: 'named'; name: string } | { t: 'braced'; name: string; op?: string; arg: Node[] };

const print = (nodes: Node[]): string =>
  nodes.map((n) => (n.t === 'text' ? n.s : n.t === 'dollar' ? '$$' : n.t === 'named' ? `$${n.name}` : `\${${n.name}${n.op ?? ''}${n.op === undefined ? '' : print(n.arg)}}`)).join('');

/** Compose's substitution, written from the rules: undefined when Compose refuses the file. */
function model(nodes: Node[], env: Record<string, string>): string | undefined {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.s;
    else if (n.t === 'dollar') out += '$';
    else if (n.t === 'named') out += env[n.name] ?? '';
    else {
      const has = Object.prototype.hasOwnProperty.call(env, n.name);
      const value = has ? env[n.name] : undefined;
      const arg = model(n.arg, env); // compose-go substitutes the operand before looking at the name
      if (arg === undefined) return undefined;
      const nonEmpty = value !== undefined && value !== '';
      const table: Record<string, string | undefined> = {
        '': value ?? '',
        ':-': nonEmpty ? value : arg,
        '-': has ? value : arg,
        ':+': nonEmpty ? arg : (value ?? ''),
        '+': has ? arg : '',
        ':?': nonEmpty ? value : undefined,
        '?': has ? value : undefined,
      };
      const piece = table[n.op ?? ''];
      if (piece === undefined) return undefined;
      out += piece;
    }
  }
  return out;
}

/** Names whose absence the model would substitute with an empty string (the check's "unset"). */
function modelUnset(nodes: Node[], env: Record<string, string>, into = new Set<string>()): Set<string> {
  for (const n of nodes) {
    if (n.t === 'named' && !(n.name in env)) into.add(n.name);
    if (n.t !== 'braced') continue;
    const has = Object.prototype.hasOwnProperty.call(env, n.name);
    const nonEmpty = has && env[n.name] !== '';
    if (n.op === undefined && !has) into.add(n.name);
    const used = { ':-': !nonEmpty, '-': !has, ':+': nonEmpty, '+': has, ':?': false, '?': false }[n.op ?? ''] ?? false;
    if (used) modelUnset(n.arg, env, into);
  }
  return into;
}

const NAMES = ['A', 'B', 'c_1', '_X'];
// Text without `$`, `{` or `}`, so it never forms syntax on its own; a trailing name character
// after `$NAME` would extend the name, so text never starts with one.
const text = fc.stringMatching(/^[ :./@!-]{1,4}$/).map((s): Node => ({ t: 'text', s }));
const tree: fc.Arbitrary<Node[]> = fc
  .letrec<{ nodes: Node[]; node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      text,
      fc.constant<Node>({ t: 'dollar' }),
      fc.constantFrom(...NAMES).map((name): Node => ({ t: 'named', name })),
      fc
        .record({ t: fc.constant('braced' as const), name: fc.constantFrom(...NAMES), op: fc.constantFrom(undefined, ':-', '-', ':?', '?', ':+', '+'), arg: tie('nodes') })
        .map((n): Node => (n.op === undefined ? { t: 'braced', name: n.name, arg: [] } : n)),
    ),
    nodes: fc.array(tie('node'), { maxLength: 4 }),
  }))
  .nodes.map((nodes) => nodes.filter((n, i) => !(n.t === 'text' && nodes[i - 1]?.t === 'named' && /^[_A-Za-z0-9]/.test(n.s))));
const env = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom('', 'v', 'x y'), { maxKeys: 4 });

const lookupOf = (values: Record<string, string>) => (name: string) =>
  Object.prototype.hasOwnProperty.call(values, name) ? { set: true as const, empty: values[name] === '' } : { set: false as const };

describe('interpolation parser against a reference model of Compose', () => {
  it('substitutes what Compose substitutes, and refuses what Compose refuses', () => {
    fc.assert(
      fc.property(tree, env, (nodes, values) => {
        expect(substitute(parseTemplate(print(nodes)), values)).toBe(model(nodes, values));
      }),
      { numRuns: 500 },
    );
  });

  it('reports as unset exactly the names Compose would replace with an empty string, and a refusal exactly when Compose refuses', () => {
    fc.assert(
      fc.property(tree, env, (nodes, values) => {
        const issues = interpolationIssues(parseTemplate(print(nodes)), lookupOf(values));
        const unset = new Set(issues.flatMap((i) => (i.kind === 'unset' ? [i.name] : [])));
        expect([...unset].sort()).toEqual([...modelUnset(nodes, values)].sort());
        expect(issues.some((i) => i.kind !== 'unset')).toBe(model(nodes, values) === undefined);
      }),
      { numRuns: 500 },
    );
  });

  it('knows every name a template mentions, whatever the env', () => {
    fc.assert(
      fc.property(tree, (nodes) => {
        const names = new Set<string>();
        const walk = (ns: Node[]) => ns.forEach((n) => (n.t === 'named' ? names.add(n.name) : n.t === 'braced' ? (names.add(n.name), walk(n.arg)) : undefined));
        walk(nodes);
        expect([...referencedNames(parseTemplate(print(nodes)))].sort()).toEqual([...names].sort());
      }),
    );
  });

  it.each([
    ['$$HOME', {}, '$HOME'],
    ['$$$A', { A: 'a' }, '$a'],
    ['cost: 5$', {}, 'cost: 5$'],
    ['$1 $- $ {', {}, '$1 $- $ {'],
    ['${A:-${B:-deep}}', {}, 'deep'],
    ['${A-x}', { A: '' }, ''],
    ['${A:-x}', { A: '' }, 'x'],
    ['${A:+set}', { A: 'v' }, 'set'],
    ['${A+set}', { A: '' }, 'set'],
    ['$A_B', { A: 'no', A_B: 'yes' }, 'yes'],
  ])('%j with %j is %j', (template, values: Record<string, string>, expected) => {
    expect(substitute(parseTemplate(template), values)).toBe(expected);
  });

  it.each(['${}', '${1A}', '${A/x/y}', '${A:x}', '${A', '${A:-${B}'])('%j is an invalid template', (template) => {
    expect(interpolationIssues(parseTemplate(template), () => ({ set: true, empty: false }))).toEqual([expect.objectContaining({ kind: 'invalid' })]);
  });
});

describe('interpolation check of a compose file', () => {
  const compose = (image: string, extra = '') => `# \${IN_A_COMMENT} is not a value\nservices:\n  web:\n    image: "${image}"\n${extra}`;

  it('names the unset variable and its line; keys and comments are not interpolated', () => {
    const check = checkCompose(compose('nginx:${TAG}', '    labels:\n      $KEY_NOT_INTERPOLATED: x\n'), {});
    expect(check.interpolation).toEqual([expect.objectContaining({ line: 4, message: expect.stringMatching(/^\$\{TAG\} is not set by the stack's env/) })]);
  });

  it('treats ${VAR:?msg} as required and shows the message', () => {
    const [problem] = checkCompose(compose('nginx:${TAG:?pick an nginx tag}'), {}).interpolation;
    expect(problem.message).toContain('TAG is required (pick an nginx tag)');
  });

  it('counts a secret-valued env var as set, and an empty value as set but empty', () => {
    expect(checkCompose(compose('nginx:${TAG:?x}'), { TAG: { secret: 'tag' } }).interpolation).toEqual([]);
    expect(checkCompose(compose('nginx:${TAG}'), { TAG: '' }).interpolation).toEqual([]);
    expect(checkCompose(compose('nginx:${TAG:?x}'), { TAG: '' }).interpolation).toHaveLength(1);
  });

  it('warns about env the file never references, unless a service has env_file: stack.env', () => {
    expect(checkCompose(compose('nginx:${TAG:-1}'), { TAG: '1', EXTRA: 'x', B: 'y' }).unusedEnv).toEqual(['B', 'EXTRA']);
    expect(checkCompose(compose('nginx', '    env_file: stack.env\n'), { EXTRA: 'x' }).unusedEnv).toEqual([]);
    expect(checkCompose(compose('nginx', '    env_file:\n      - path: ./stack.env\n'), { EXTRA: 'x' }).unusedEnv).toEqual([]);
  });

  it('takes the line from the reference, also in a multi-line block scalar', () => {
    const [problem] = checkCompose('services:\n  web:\n    image: nginx\n    command: |\n      echo one\n      echo "${GONE}"\n', {}).interpolation;
    expect(problem.line).toBe(6);
  });
});
