/**
 * Run the built CLI on a real pseudo-terminal, as an operator at a keyboard would: stdin and
 * stderr (prompts, progress) are the terminal, stdout stays a pipe so results are asserted on
 * their own. There is no node-pty here, so python3's `pty` module drives the terminal: it waits
 * for each expected text on the terminal, then types the keys of that step.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { baseEnv, REPO } from './cli';

export interface PtyStep {
  /** Text to wait for on the terminal (stderr and the echo of what was typed) before typing. */
  wait: string;
  /** Keys to type: '\r' is Enter, '\x03' Ctrl-C, '\x04' Ctrl-D, '\x1b[D' the left arrow. */
  send: string;
}

export interface PtyResult {
  stdout: string;
  /** Everything the terminal showed: stderr, prompts, and the echo of the keys. */
  terminal: string;
  exitCode: number;
  /** A step whose text never came, or a CLI that did not exit in time. */
  timedOut: boolean;
}

const DRIVER = String.raw`
import fcntl, json, os, pty, select, subprocess, sys, termios, time
spec = json.loads(sys.argv[1])
master, slave = pty.openpty()
def controlling_tty():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
child = subprocess.Popen(spec['cmd'], stdin=slave, stdout=subprocess.PIPE, stderr=slave, cwd=spec['cwd'], env=spec['env'], preexec_fn=controlling_tty)
os.close(slave)
terminal, stdout, seen = b'', b'', 0
steps = list(spec['steps'])
deadline = time.time() + spec['timeoutS']
open_fds = [master, child.stdout.fileno()]
timed_out = False
while open_fds:
    if time.time() > deadline:
        timed_out = True
        child.kill()
        break
    ready, _, _ = select.select(open_fds, [], [], 0.05)
    for fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            open_fds.remove(fd)
        elif fd == master:
            terminal += data
        else:
            stdout += data
    while steps:
        at = terminal.find(steps[0]['wait'].encode(), seen)
        if at < 0:
            break
        seen = at + len(steps[0]['wait'].encode())
        time.sleep(0.1)
        os.write(master, steps.pop(0)['send'].encode())
code = child.wait()
print(json.dumps({'stdout': stdout.decode('utf-8', 'replace'), 'terminal': terminal.decode('utf-8', 'replace'), 'exitCode': 128 - code if code < 0 else code, 'timedOut': timed_out or bool(steps)}))
`;

export async function runPty(args: string[], options: { env?: NodeJS.ProcessEnv; steps: PtyStep[]; timeoutMs?: number }): Promise<PtyResult> {
  const spec = {
    cmd: [process.execPath, join(REPO, 'bin/run.js'), ...args],
    cwd: REPO,
    env: { ...baseEnv(), TERM: 'xterm', ...options.env },
    steps: options.steps,
    timeoutS: (options.timeoutMs ?? 20_000) / 1000,
  };
  const child = spawn('python3', ['-c', DRIVER, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  if (code !== 0) throw new Error(`pty driver failed (${code}): ${err}`);
  return JSON.parse(out) as PtyResult;
}
