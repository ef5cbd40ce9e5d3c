/**
 * Validation of a parsed document: zod for shapes, `rules.ts` for cross-field rules, all problems
 * collected and thrown at once as one ConfigError, because fixing a file one error per run is
 * the experience this tool exists to avoid.
 */
import { ConfigError } from '../errors';
import { formatPath, Problem, problemsFromIssues } from './problems';
import { ruleProblems } from './rules';
import { ConfigDocument, configSchema } from './schema';

export const VALIDATE_HINT = 'fix the file and run phoenix config validate';

/** The one error for a file with problems: `<file> has N problems`, one `file: path: message` detail each. */
export function problemsError(file: string, lines: string[]): ConfigError {
  const count = lines.length === 1 ? '1 problem' : `${lines.length} problems`;
  return new ConfigError(`${file} has ${count}`, { code: 'CONFIG_INVALID', hint: VALIDATE_HINT, details: lines });
}

function check(data: unknown): { document?: ConfigDocument; problems: Problem[] } {
  const result = configSchema.safeParse(data, { reportInput: true });
  const shape = result.success ? [] : problemsFromIssues(result.error.issues, configSchema);
  return { document: result.success ? result.data : undefined, problems: [...shape, ...ruleProblems(data)] };
}

/** Every problem of the document, unsorted. Empty means valid. */
export function documentProblems(data: unknown): Problem[] {
  return check(data).problems;
}

/**
 * Documents already validated, keyed by the parsed data object: every VM of a run asks for the
 * typed document, and validating the whole file once per VM made `config validate` and
 * `plan --all` quadratic in the number of VMs (500 VMs took 30 s).
 */
const validated = new WeakMap<object, ConfigDocument>();

/**
 * Validates `data` and returns it typed. `order` maps a problem to its position in the file so
 * lines come out in document order; without it they keep the order found.
 */
export function validateDocument(data: unknown, file: string, extra: Problem[] = [], order: (problem: Problem) => number = () => 0): ConfigDocument {
  const { document, problems: found } = check(data);
  const problems = [...extra, ...found];
  if (problems.length > 0 || document === undefined) {
    const sorted = problems
      .map((problem, index) => ({ problem, index, at: order(problem) }))
      .sort((a, b) => a.at - b.at || a.index - b.index)
      .map(({ problem }) => `${file}: ${formatPath(problem.path)}: ${problem.message}`);
    throw problemsError(file, [...new Set(sorted)]);
  }
  if (typeof data === 'object' && data !== null) validated.set(data, document);
  return document;
}

/**
 * The typed document of `data`, validated at most once per data object (the loader validates it
 * while loading; later calls reuse that result). The parsed data is never mutated after loading.
 */
export function validDocument(data: unknown, file: string): ConfigDocument {
  const known = typeof data === 'object' && data !== null ? validated.get(data) : undefined;
  return known ?? validateDocument(data, file);
}
