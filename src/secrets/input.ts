import { ExitCode, PhoenixError, UsageError } from '../errors';

type Input = NodeJS.ReadStream;
type Output = NodeJS.WriteStream;

/** Everything on a piped stdin, minus one trailing newline (what `echo` or `printf '%s\n'` adds). */
async function readAll(input: Input): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * Ask on the terminal without echoing what is typed (like `sudo`): raw mode, the prompt on
 * stderr, Enter ends, Backspace edits, Ctrl-C aborts. The value never reaches stdout or argv.
 */
export function readHidden(prompt: string, input: Input = process.stdin, output: Output = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    output.write(prompt);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new PhoenixError('interrupted; nothing was stored', { code: 'INTERRUPTED', exitCode: ExitCode.INTERRUPTED }));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else if (char >= ' ') value += char;
      }
    };
    input.on('data', onData);
  });
}

/**
 * A secret from stdin when it is piped (`printf %s "$TOKEN" | phoenix ...`), else a hidden
 * prompt on the terminal. Never from argv, where `ps` and shell history would see it.
 */
export async function readSecretInput(what: string, input: Input = process.stdin): Promise<string> {
  const value = input.isTTY ? await readHidden(`${what}: `, input) : await readAll(input);
  if (value.trim() === '') {
    throw new UsageError(`no ${what} given`, {
      code: 'SECRET_INPUT_EMPTY',
      hint: input.isTTY ? `Type or paste the ${what}, then Enter.` : `Pipe it on stdin, e.g. printf '%s' "$VALUE" | phoenix ...; or run on a terminal to be prompted.`,
    });
  }
  return value;
}
