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

/** Every problem of the document, unsorted. Empty means valid. */
export function documentProblems(data: unknown): Problem[] {
  const result = configSchema.safeParse(data, { reportInput: true });
  const shape = result.success ? [] : problemsFromIssues(result.error.issues, configSchema);
  return [...shape, ...ruleProblems(data)];
}

/**
 * Validates `data` and returns it typed. `order` maps a problem to its position in the file so
 * lines come out in document order; without it they keep the order found.
 */
export function validateDocument(
  data: unknown,
  file: string,
  extra: Problem[] = [],
  order: (problem: Problem) => number = () => 0,
): ConfigDocument {
  const problems = [...extra, ...documentProblems(data)];
  if (problems.length > 0) {
    const sorted = problems
      .map((problem, index) => ({ problem, index, at: order(problem) }))
      .sort((a, b) => a.at - b.at || a.index - b.index)
      .map(({ problem }) => `${file}: ${formatPath(problem.path)}: ${problem.message}`);
    throw problemsError(file, [...new Set(sorted)]);
  }
  return configSchema.parse(data);
}
