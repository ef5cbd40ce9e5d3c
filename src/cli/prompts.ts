import { createInterface } from 'node:readline';

import { CancelledError, UsageError } from '../errors';

type Input = NodeJS.ReadStream;
type Output = NodeJS.WriteStream;

/**
 * Every question phoenix asks, in one place. Each one ends the same way when the answer is not
 * "yes": a CancelledError (exit 130 for Ctrl-C, 1 for "no" and Ctrl-D), never a stack trace, and
 * nothing is written. Off a terminal (or with --json) nothing is asked: the caller needs --yes.
 */

/**
 * Asks on the terminal (stderr); true only for "yes". Ctrl-C and Ctrl-D end the question as a
 * cancel (CancelledError: 130 and 1), never as an AbortError with a stack trace.
 */
export function askYes(question: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    let settled = false;
    const settle = (end: () => void) => {
      if (settled) return;
      settled = true;
      end();
      rl.close();
    };
    const cancel = (how: 'ctrl-c' | 'eof') => () =>
      settle(() => {
        process.stderr.write('\n');
        reject(new CancelledError(how));
      });
    // On a terminal readline turns Ctrl-C into its own 'SIGINT' event, and Ctrl-D on an empty line (end of input) into 'close'.
    rl.on('SIGINT', cancel('ctrl-c'));
    rl.on('close', cancel('eof'));
    rl.question(question, (answer) => settle(() => resolve(answer.trim() === 'yes')));
  });
}

/** Asks `question`; anything but "yes" is a CancelledError('declined'). */
async function insistOnYes(question: string): Promise<void> {
  if (!(await askYes(question))) throw new CancelledError('declined');
}

/** Whether a question may be asked: stdin is a terminal and stdout is not JSON. */
export function canAsk(json: boolean): boolean {
  return process.stdin.isTTY === true && !json;
}

/**
 * terraform's rule before converge writes: on a terminal ask, and only "yes" goes on; elsewhere
 * --yes is required (exit 64 with what to run instead).
 */
/** `deletes`: stacks to delete; `orphans`: orphan services --prune removes, asked about with them. */
export async function confirmApply(options: { yes: boolean; json: boolean; vms: number; deletes: number; orphans?: number; redeploys?: number; pulls?: number; lookCommand: string }): Promise<void> {
  if (options.yes) return;
  if (!canAsk(options.json)) {
    throw new UsageError('refusing to apply without confirmation', {
      code: 'CONFIRMATION_REQUIRED',
      hint: `Review the plan above, then run again with --yes (or use \`${options.lookCommand}\` to only look).`,
    });
  }
  const warning = [
    options.deletes > 0 || (options.orphans ?? 0) > 0
      ? ` ${[options.deletes > 0 ? `${options.deletes} stack(s)` : '', (options.orphans ?? 0) > 0 ? `${options.orphans} orphan service(s)` : ''].filter(Boolean).join(' and ')} will be DELETED (volumes are kept).`
      : '',
    (options.redeploys ?? 0) > 0 ? ` ${options.redeploys} stack(s) in sync will be redeployed (their containers may be recreated).` : '',
    (options.pulls ?? 0) > 0 ? ` ${options.pulls} update(s) pull their images first.` : '',
  ].join('');
  const what = options.vms > 1 ? `these plans (${options.vms} VMs)` : 'this plan';
  await insistOnYes(`\nApply ${what}?${warning} Only 'yes' is accepted: `);
}

/** promote --write into a protected phoenix environment: --yes, or "yes" on a terminal. */
export async function confirmProtected(env: string, options: { yes: boolean; json: boolean }): Promise<void> {
  if (options.yes) return;
  if (!canAsk(options.json)) {
    throw new UsageError(`environment "${env}" is protected: promoting into it needs confirmation`, { code: 'CONFIRMATION_REQUIRED', hint: 'Review the diff above, then run again with --yes.' });
  }
  await insistOnYes(`\nWrite this promotion into the protected environment "${env}"? Only 'yes' is accepted: `);
}

/** Everything on a piped stdin, minus one trailing newline (what `echo` or `printf '%s\n'` adds). */
async function readAll(input: Input): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Ask on the terminal without echoing what is typed (like `sudo`), the prompt on stderr (stdout
 * holds results). @inquirer/password handles the keys: cursor keys and other escape sequences
 * edit the line or are ignored, never stored (a hand-rolled raw-mode reader stored `hunter2` +
 * two left-arrows as `hunter2\x1b[D\x1b[D`). Loaded only when prompting: it costs ~24 ms at
 * start-up. Ctrl-C cancels cleanly (exit 130, nothing stored).
 */
export async function readHidden(prompt: string, input: Input = process.stdin, output: Output = process.stderr): Promise<string> {
  const { default: password } = await import('@inquirer/password');
  try {
    return await password({ message: prompt }, { input, output });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') throw new CancelledError('ctrl-c');
    throw error;
  }
}

/**
 * A secret from stdin when it is piped (`printf %s "$TOKEN" | phoenix ...`), else a hidden
 * prompt on the terminal. Never from argv, where `ps` and shell history would see it.
 */
export async function readSecretInput(what: string, input: Input = process.stdin): Promise<string> {
  const value = input.isTTY ? await readHidden(what, input) : await readAll(input);
  if (value.trim() === '') {
    throw new UsageError(`no ${what} given`, {
      code: 'SECRET_INPUT_EMPTY',
      hint: input.isTTY ? `Type or paste the ${what}, then Enter.` : `Pipe it on stdin, e.g. printf '%s' "$VALUE" | phoenix ...; or run on a terminal to be prompted.`,
    });
  }
  return value;
}
