import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
const BIN = join(REPO, 'bin/run.js');

/** The simulator's default API key, and any other value a test registers: must never be printed. */
const SECRETS = new Set<string>(['ptr_simulatortoken']);

export function registerSecret(value: string): void {
  SECRETS.add(value);
}

let testLockDir: string | undefined;

/** One lock directory per test file: its CLI runs contend with each other, never with other files or a real /run/phoenix. */
export function lockDir(): string {
  testLockDir ??= mkdtempSync(join(tmpdir(), 'phoenix-locks-'));
  return testLockDir;
}

/** The environment every CLI run of the tests starts from (no colour, the test lock dir). */
export function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', PHOENIX_LOCK_DIR: lockDir() };
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  input?: string;
  /** Stdin that is a secret (a token, a password, a secret value): registered with the guard, then piped. */
  secretInput?: string;
  /** Pass the D-Bus session of the test run through, so the CLI can reach a real Secret Service. */
  keyring?: boolean;
}

/**
 * Run the built CLI as an operator would (a subprocess, real argv, no TTY) and return stdout,
 * stderr and the exit code separately. Every run is checked against the suite-wide guard: a
 * registered token or secret value in either stream, raw, escaped (JSON, percent) or inside a
 * JSON string once decoded, fails the test that caused it.
 */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...baseEnv(), ...options.env };
  if (options.keyring && process.env.DBUS_SESSION_BUS_ADDRESS) env.DBUS_SESSION_BUS_ADDRESS = process.env.DBUS_SESSION_BUS_ADDRESS;
  if (env.PORTAINER_API_KEY) SECRETS.add(env.PORTAINER_API_KEY);
  if (options.secretInput !== undefined) for (const line of options.secretInput.split('\n')) if (line.trim() !== '') registerSecret(line.trim());
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.secretInput ?? options.input ?? '');
  const exitCode = await new Promise<number>((done) => child.on('close', (code) => done(code ?? -1)));
  const leak = findLeak(stdout, stderr);
  if (leak) throw new Error(`secret leak: "${leak.secret.slice(0, 6)}..." appeared ${leak.how} in the output of phoenix ${args.join(' ')}`);
  return { stdout, stderr, exitCode };
}

/**
 * The forms a secret takes once encoded (written here independently of phoenix's redactor, so a
 * bug there cannot hide itself): raw, JSON/Go-quoted, quoted twice, percent-encoded.
 */
function leakForms(secret: string): Array<[string, string]> {
  const quoted = JSON.stringify(secret).slice(1, -1);
  return [
    [secret, 'raw'],
    [quoted, 'JSON-escaped'],
    [JSON.stringify(quoted).slice(1, -1), 'JSON-escaped twice'],
    [encodeURIComponent(secret), 'percent-encoded'],
  ];
}

/** Every string (keys too) of a decoded JSON value. */
function decodedStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) decodedStrings(item, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      decodedStrings(item, out);
    }
  }
  return out;
}

/** JSON documents in a stream: the whole of it (--json), or any line that is one (JSON lines). */
function jsonDocuments(stream: string): unknown[] {
  const docs: unknown[] = [];
  const tryParse = (text: string) => {
    try {
      docs.push(JSON.parse(text));
      return true;
    } catch {
      return false;
    }
  };
  if (stream.trim() !== '' && tryParse(stream)) return docs;
  for (const line of stream.split('\n')) if (/^\s*[[{"]/.test(line)) tryParse(line);
  return docs;
}

/** The first registered secret found in either stream, in any encoded form or decoded from JSON output. */
export function findLeak(stdout: string, stderr: string): { secret: string; how: string } | undefined {
  const decoded = [...jsonDocuments(stdout), ...jsonDocuments(stderr)].flatMap((doc) => decodedStrings(doc));
  for (const secret of SECRETS) {
    for (const [form, how] of leakForms(secret)) if (stdout.includes(form) || stderr.includes(form)) return { secret, how };
    if (decoded.some((text) => text.includes(secret))) return { secret, how: 'in a decoded JSON string' };
  }
  return undefined;
}

export interface FixtureStack {
  compose: string;
  env?: Record<string, string | { secret: string }>;
  environments?: Record<string, { env: Record<string, string> }>;
}

export interface FixtureVm {
  vmid: number;
  name: string;
  portainer_environment_name?: string;
  environment?: string;
  docker_stacks: (string | { name: string; environment?: string; env?: Record<string, string> })[];
  [provisioning: string]: unknown;
}

/** Write a config (compose files on disk, as operators keep them) into a fresh temp dir. */
export function writeConfig(stacks: Record<string, FixtureStack>, vms: FixtureVm[], extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-cli-'));
  const catalogue: Record<string, unknown> = {};
  for (const [name, stack] of Object.entries(stacks)) {
    const file = join(dir, 'stacks', name, 'docker-compose.yml');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, stack.compose);
    catalogue[name] = { compose_file: `stacks/${name}/docker-compose.yml`, env: stack.env ?? {}, ...(stack.environments ? { environments: stack.environments } : {}) };
  }
  const config = {
    portainer: {},
    environments: { dev: {}, test: {}, prod: { protected: true } },
    stacks: catalogue,
    vm_defaults: { cores: 2, memory_mb: 2048 },
    vms: vms.map((vm) => ({ features: { nesting: true }, network_config: { ip: '10.0.0.2/24' }, ...vm })),
    ...extra,
  };
  const path = join(dir, 'phoenix_vm_configs.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}
