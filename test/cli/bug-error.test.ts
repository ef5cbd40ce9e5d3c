import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { ExitCode } from '../../src/errors';
import { REPO } from '../helpers/cli';

/**
 * A "cannot happen" is a bug to report, not a user error: it prints with its stack and exits 70
 * (EX_SOFTWARE), and --json reports code INTERNAL. No command can be driven into an impossible
 * state from outside, so a child process runs a command of the built base class that throws.
 */
function runThrowing(throwing: string, argv: string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const script = `
    const { BaseCommand } = require(${JSON.stringify(join(REPO, 'dist/cli/base-command.js'))});
    const errors = require(${JSON.stringify(join(REPO, 'dist/errors.js'))});
    class Throws extends BaseCommand {
      static id = 'test:throws';
      async run() { throw ${throwing}; }
    }
    Throws.run(process.argv.slice(1), ${JSON.stringify(REPO)}).catch((e) => { console.error('escaped:', e); process.exit(99); });
  `;
  const child = spawn(process.execPath, ['-e', script, '--', ...argv], { cwd: REPO, env: { PATH: process.env.PATH, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ stdout, stderr, exitCode: code ?? -1 })));
}

describe('BugError', () => {
  it('is not a user error: exit 70, the stack on stderr, nothing on stdout', async () => {
    const result = await runThrowing("new errors.BugError('plan item without liveId')", []);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('phoenix: internal error: BugError: plan item without liveId');
    expect(result.stderr).toMatch(/\n\s+at /);
    expect(result.stderr).toContain('Please report this');
    expect(result.exitCode).toBe(70);
  });

  it('--json reports code INTERNAL with exit code 70 in the envelope, no stack', async () => {
    const result = await runThrowing("new errors.BugError('plan item without liveId')", ['--json']);
    expect(JSON.parse(result.stdout)).toEqual({
      schemaVersion: 2, // the envelope version since the one converge shape (README, JSON output)
      ok: false,
      exitCode: 70,
      command: 'test:throws',
      error: { code: 'INTERNAL', exitCode: 70, message: 'plan item without liveId' },
    });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(70);
  });

  it('an unexpected exception is a bug too (70 with the stack); a user error stays one paragraph with its own exit code', async () => {
    const bug = await runThrowing('new TypeError("Cannot read properties of undefined (reading \'Id\')")', []);
    expect(bug.stderr).toMatch(/internal error: TypeError: .*\n\s+at /);
    expect(bug.exitCode).toBe(ExitCode.INTERNAL);
    const user = await runThrowing("new errors.ConfigError('bad file', { hint: 'fix it' })", []);
    expect(user.stderr).toBe('Error: bad file\nHint: fix it\n');
    expect(user.exitCode).toBe(65);
  });
});
