import { CancelledError, UsageError } from '../errors';

type Input = NodeJS.ReadStream;
type Output = NodeJS.WriteStream;

/** Everything on a piped stdin, minus one trailing newline (what `echo` or `printf '%s\n'` adds). */
async function readAll(input: Input): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
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
