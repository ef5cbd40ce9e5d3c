/** Shared helpers for the config tests: temp config files and "this throws a ConfigError". */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, ExitCode } from '../../src/errors';

export const FIXTURES = path.resolve(__dirname, '../fixtures/config');
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** A fresh directory with the given files (relative path → text or JSON value). */
export function tempDir(files: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'phoenix-config-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** Runs `action`, asserts it threw a ConfigError with exit code 65, and returns it. */
export async function configError(action: () => unknown): Promise<ConfigError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  if (!(caught instanceof ConfigError)) throw new Error('expected a ConfigError');
  expect(caught.exitCode).toBe(ExitCode.CONFIG);
  expect(caught.exitCode).toBe(65);
  return caught;
}

/** Same as `configError` for code that throws synchronously. */
export function configErrorSync(action: () => unknown): ConfigError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ConfigError);
  if (!(caught instanceof ConfigError)) throw new Error('expected a ConfigError');
  expect(caught.exitCode).toBe(65);
  return caught;
}
