import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');

/** CI runs the suite inside dbus-run-session with an unlocked gnome-keyring and sets this. */
export const KEYRING_REQUIRED = process.env.PHOENIX_TEST_KEYRING === 'required';

/**
 * A real keytar round trip (set, get, delete on a throw-away service), in a child process so
 * it can run synchronously at load time, where jest decides between describe and describe.skip.
 * Returns undefined when the keyring works, else the reason it does not.
 */
export function probeKeyring(): string | undefined {
  const script = `
    const service = 'phoenix-test-probe-' + process.pid;
    (async () => {
      const keytar = require('@github/keytar');
      await keytar.setPassword(service, 'probe', 'probe-value');
      const back = await keytar.getPassword(service, 'probe');
      await keytar.deletePassword(service, 'probe');
      if (back !== 'probe-value') throw new Error('read back ' + JSON.stringify(back));
    })().then(() => process.exit(0), (e) => { process.stdout.write(String(e && e.message || e)); process.exit(1); });`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: REPO, env: process.env, encoding: 'utf8', timeout: 20_000 });
  if (run.status === 0) return undefined;
  return (run.stdout || run.stderr || run.error?.message || `probe exited ${run.status}`).trim().split('\n')[0];
}

let cached: { reason?: string } | undefined;

/**
 * `describe` when a Secret Service is usable, or when PHOENIX_TEST_KEYRING=required (then an
 * unusable keyring fails the tests, with `keyringProblem` saying why); else `describe.skip`
 * with the reason printed once per file.
 */
export function describeKeyring(): { describe: jest.Describe; problem?: string } {
  cached ??= { reason: probeKeyring() };
  const problem = cached.reason;
  if (problem === undefined || KEYRING_REQUIRED) return { describe, problem };
  console.warn(
    `keyring tests skipped: no usable Secret Service (${problem}). Run them inside dbus-run-session with gnome-keyring unlocked, or set PHOENIX_TEST_KEYRING=required to make this a failure.`,
  );
  return { describe: describe.skip, problem };
}
