import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Ajv2020 from 'ajv/dist/2020';

import { schemaFileName } from '../../src/cli/json-envelope';
import { startSimulator } from '../../simulator/src';
import type { Simulator } from '../../simulator/src';
import { registerSecret, REPO, runCli, writeConfig } from '../helpers/cli';

/**
 * Every command's `--json` output, once as a success and once as an error, validated against the
 * JSON Schema shipped in schemas/ (the contract scripts rely on), with the exit code the envelope
 * reports being the process's own.
 */

const TOKEN = 'ptr_simulatortoken';
const WRONG = 'ptr_wrong_token_for_the_json_contract';
registerSecret(WRONG);
registerSecret('adminpassword');
registerSecret('s3cr3t-value');

const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as { commands: Record<string, { flags: Record<string, unknown> }> };
const jsonCommands = Object.keys(manifest.commands)
  .filter((id) => 'json' in manifest.commands[id].flags)
  .sort();

const ajv = new Ajv2020({ allErrors: true, strict: false });
const shipped = (file: string) => JSON.parse(readFileSync(join(REPO, 'schemas', file), 'utf8')) as object;
const errorSchema = ajv.compile(shipped('error.json'));

let sim: Simulator;
let dir: string;
let config: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sim = await startSimulator({
    endpoints: [
      { id: 2, name: 'prod-box', type: 2 },
      { id: 3, name: 'test-box', type: 2 },
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'phoenix-json-contract-'));
  config = writeConfig(
    { web: { compose: 'services:\n  web:\n    image: nginx:${NGINX_TAG}\n', env: { NGINX_TAG: '1.27' }, environments: { test: { env: { NGINX_TAG: '1.28' } }, prod: { env: {} } } } },
    [
      { vmid: 2001, name: 'prod-box', portainer_environment_name: 'prod-box', environment: 'prod', docker_stacks: ['web'] },
      { vmid: 3001, name: 'test-box', portainer_environment_name: 'test-box', environment: 'test', docker_stacks: ['web'] },
    ],
  );
  writeFileSync(config, readFileSync(config, 'utf8').replace('"compose_file": "stacks/web/docker-compose.yml",', '"compose_file": "stacks/web/docker-compose.yml",\n      "promote": ["NGINX_TAG"],'));
  env = { PORTAINER_API_KEY: TOKEN, PHOENIX_TOKEN_FILE: join(dir, 'token'), PHOENIX_SECRETS_DIR: join(dir, 'secrets') };
});

afterAll(async () => {
  await sim?.stop();
});

interface Case {
  args: () => string[];
  exitCode: number;
  env?: () => NodeJS.ProcessEnv;
  secretInput?: string;
  /** The error code of an error case. */
  code?: string;
}

const portainer = () => ['--config', config, '--url', sim.url];
const unreachable = () => ['--config', config, '--url', 'http://127.0.0.1:9'];

/** Per command: one success, one error. They run in the order of the sorted ids and share the token file and secrets directory (token create stores, delete removes, set stores again, status reads). */
const CASES: Record<string, { success: Case; error: Case }> = {
  'config:validate': {
    success: { args: () => ['config', 'validate', '--config', config], exitCode: 0 },
    error: { args: () => ['config', 'validate', '--config', join(dir, 'missing.json')], exitCode: 65, code: 'CONFIG_NOT_FOUND' },
  },
  'portainer:environments': {
    success: { args: () => ['portainer', 'environments', ...portainer()], exitCode: 0 },
    error: { args: () => ['portainer', 'environments', ...unreachable()], exitCode: 69, code: 'PORTAINER_NETWORK' },
  },
  'portainer:plan': {
    success: { args: () => ['portainer', '2001', 'plan', ...portainer()], exitCode: 0 },
    error: { args: () => ['portainer', '4242', 'plan', ...portainer()], exitCode: 65, code: 'UNKNOWN_VMID' },
  },
  'portainer:converge': {
    success: { args: () => ['portainer', '3001', 'converge', '--yes', ...portainer()], exitCode: 0 },
    error: { args: () => ['portainer', '3001', 'converge', '--yes', '--timeout', '5', ...portainer()], exitCode: 64, code: 'DURATION_INVALID' },
  },
  'portainer:status': {
    success: { args: () => ['portainer', '3001', 'status', ...portainer()], exitCode: 0 },
    error: { args: () => ['portainer', '3001', 'status', ...unreachable()], exitCode: 69, code: 'PORTAINER_NETWORK' },
  },
  'portainer:promote': {
    success: { args: () => ['portainer', 'promote', '--from', 'test', '--to', 'prod', '--write', '--converge', '--yes', '--force', ...portainer()], exitCode: 0 },
    error: { args: () => ['portainer', 'promote', '--from', 'staging', '--to', 'prod', ...portainer()], exitCode: 65, code: 'UNKNOWN_ENVIRONMENT' },
  },
  'portainer:token:set': {
    success: { args: () => ['portainer', 'token', 'set', '--store', 'file', ...portainer()], exitCode: 0, secretInput: `${TOKEN}\n` },
    error: { args: () => ['portainer', 'token', 'set', '--store', 'file', ...portainer()], exitCode: 77, secretInput: WRONG, code: 'TOKEN_REJECTED' },
  },
  'portainer:token:status': {
    success: { args: () => ['portainer', 'token', 'status', ...portainer()], exitCode: 0, env: () => ({ PORTAINER_API_KEY: undefined }) },
    // A refused token is a result with an error beside it, not an error alone.
    error: { args: () => ['portainer', 'token', 'status', ...portainer()], exitCode: 77, env: () => ({ PORTAINER_API_KEY: WRONG }), code: 'TOKEN_REJECTED' },
  },
  'portainer:token:create': {
    success: { args: () => ['portainer', 'token', 'create', '--username', 'admin', '--password-stdin', '--store', 'file', ...portainer()], exitCode: 0, secretInput: 'adminpassword\n' },
    error: { args: () => ['portainer', 'token', 'create', '--username', 'admin', ...portainer()], exitCode: 64, code: 'PASSWORD_INPUT' },
  },
  'portainer:token:delete': {
    success: { args: () => ['portainer', 'token', 'delete', '--store', 'file', ...portainer()], exitCode: 0 },
    error: { args: () => ['portainer', 'token', 'delete', '--config', config, '--url', 'portainer.internal:9443'], exitCode: 64, code: 'URL_INVALID' },
  },
  'secret:set': {
    success: { args: () => ['secret', 'set', 'grafana_admin', '--store', 'file', '--config', config], exitCode: 0, secretInput: 's3cr3t-value' },
    error: { args: () => ['secret', 'set', 'bad name', '--store', 'file', '--config', config], exitCode: 64, secretInput: 's3cr3t-value', code: 'SECRET_NAME_INVALID' },
  },
  'secret:list': {
    success: { args: () => ['secret', 'list', '--config', config], exitCode: 0 },
    error: { args: () => ['secret', 'list', '--config', join(dir, 'missing.json')], exitCode: 65, code: 'CONFIG_NOT_FOUND' },
  },
  'secret:delete': {
    success: { args: () => ['secret', 'delete', 'grafana_admin', '--store', 'file', '--config', config], exitCode: 0 },
    error: { args: () => ['secret', 'delete', 'bad name', '--config', config], exitCode: 64, code: 'SECRET_NAME_INVALID' },
  },
};

describe('every --json command has a success and an error case here', () => {
  it('lists them all', () => {
    expect(Object.keys(CASES).sort()).toEqual(jsonCommands);
  });
});

/** Commands whose schema is not shipped yet are reported, not validated (see json-schemas.test.ts). */
const withSchema = jsonCommands.filter((id) => existsSync(join(REPO, 'schemas', schemaFileName(id))));

describe.each(withSchema)('phoenix %s --json matches schemas/', (id) => {
  const validate = ajv.compile(shipped(schemaFileName(id)));

  it.each(['success', 'error'] as const)('%s', async (kind) => {
    const c = CASES[id][kind];
    const result = await runCli([...c.args(), '--json'], { env: { ...env, ...c.env?.() }, secretInput: c.secretInput });
    let doc: { ok: boolean; exitCode: number; command: string; error?: { code: string } };
    try {
      doc = JSON.parse(result.stdout);
    } catch {
      throw new Error(`stdout is not one JSON document (exit ${result.exitCode}):\n${result.stdout}\nstderr:\n${result.stderr}`);
    }
    expect({ valid: validate(doc), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
    expect(doc.command).toBe(id);
    expect(doc.exitCode).toBe(c.exitCode);
    expect(result.exitCode).toBe(c.exitCode);
    if (kind === 'success') {
      expect(doc.ok).toBe(true);
      expect(doc.error).toBeUndefined();
    } else {
      expect(doc.ok).toBe(false);
      expect(doc.error?.code).toBe(c.code);
      // An error alone must also match the shared error envelope; a result with an error is the command's own.
      if (!('result' in doc)) expect({ valid: errorSchema(doc), errors: errorSchema.errors ?? null }).toEqual({ valid: true, errors: null });
    }
  });
});
