/**
 * The bad-input catalogue's cases (not a test file): each names what goes wrong, how to provoke
 * it (a config, flags, a simulator or a tiny fake server), and what phoenix must answer: the
 * exit code and the first line of its message (stderr, or the FAILED line of stdout for an
 * apply failure). The runner is bad-input.test.ts.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { SimulatorOptions } from '../../simulator/src';

export interface CaseContext {
  /** A temp dir holding a valid config (`config`) with VM 1002 → stack web, plus its compose file. */
  dir: string;
  config: string;
  /** The simulator's or fake server's URL when the case asks for one. */
  url: string;
  /** A path that is surely closed (a stopped server's port). */
  closedUrl: string;
}

export interface Case {
  name: string;
  /** Arguments after `phoenix`; by default the config and URL flags are added by the runner. */
  args: (ctx: CaseContext) => string[];
  /** Rewrite files of the temp config dir before the run. */
  files?: (ctx: CaseContext) => void;
  env?: (ctx: CaseContext) => NodeJS.ProcessEnv;
  /** Start a simulator with these options (the default when neither sim nor fake is set). */
  sim?: SimulatorOptions;
  /** Or a fake HTTP server: path → [status, content-type, body, extra headers]. */
  fake?: Record<string, [number, string, string, Record<string, string>?]>;
  exit: number;
  /** Exactly the first line, or a pattern for it. */
  first: string | RegExp;
  /** A pattern the rest of stderr must match too (e.g. the line and column under a summary). */
  also?: RegExp;
  /**
   * Where the line is read: stderr's first line that is not a `Warning:` (default; a warning
   * such as "no usable OS keyring" depends on the machine), the first FAILED line of stdout, or
   * the first detail of the `--json` error document.
   */
  from?: 'stderr' | 'stdout-failed' | 'json';
}

export const TOKEN = 'ptr_simulatortoken';

const write = (ctx: CaseContext, rel: string, text: string) => {
  const path = join(ctx.dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};
const config = (ctx: CaseContext, doc: unknown) => write(ctx, 'phoenix_vm_configs.json', typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
const vm = (extra: Record<string, unknown> = {}) => ({ vmid: 1002, name: 'drphoenix', portainer_environment_name: 'local', docker_stacks: ['web'], ...extra });
const good = (patch: (doc: { stacks: Record<string, unknown>; vms: unknown[] }) => void) => (ctx: CaseContext) => {
  const doc = { stacks: { web: { compose_file: 'stacks/web/docker-compose.yml' } } as Record<string, unknown>, vms: [vm()] as unknown[] };
  patch(doc);
  config(ctx, doc);
};
const plan = (ctx: CaseContext, ...extra: string[]) => ['portainer', '1002', 'plan', '--config', ctx.config, '--url', ctx.url, ...extra];
const converge = (ctx: CaseContext, ...extra: string[]) => ['portainer', '1002', 'converge', '--yes', '--config', ctx.config, '--url', ctx.url, ...extra];

export const CASES: Case[] = [
  // ---- the config file (65) ----
  {
    name: 'broken JSON: a missing comma, with line and column',
    files: (c) => config(c, '{\n  "stacks": {}\n  "vms": []\n}\n'),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problem$/,
    also: /phoenix_vm_configs\.json:3:3: syntax error: expected ","/,
  },
  {
    name: 'broken JSON: an unclosed object',
    files: (c) => config(c, '{ "stacks": { "web": {} }'),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problem$/,
    also: /phoenix_vm_configs\.json:1:\d+: syntax error/,
  },
  {
    name: 'an empty config file',
    files: (c) => config(c, ''),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problem$/,
    also: /phoenix_vm_configs\.json:1:1: syntax error: the file is empty/,
  },
  {
    name: 'a config file that does not exist',
    args: (c) => ['portainer', '1002', 'plan', '--config', join(c.dir, 'nope.json'), '--url', c.url],
    exit: 65,
    first: /^Error: config file not found: \/tmp\/.*\/nope\.json \(from --config\)$/,
  },
  {
    name: 'a config that is a JSON array',
    files: (c) => config(c, '[]'),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problems?$/,
    also: /: \(top level\): expected an object, got an array/,
  },
  {
    name: 'a misspelt key, with the right one suggested',
    files: good((d) => (d.stacks.web = { compse_file: 'stacks/web/docker-compose.yml' })),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 2 problems?$/,
    also: /stacks\.web\.compse_file: unknown key "compse_file"; did you mean "compose_file"\?/,
  },
  {
    name: 'a stack name with capitals',
    files: good((d) => {
      d.stacks = { Web: { compose_file: 'stacks/web/docker-compose.yml' } };
      d.vms = [vm({ docker_stacks: ['Web'] })];
    }),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 2 problems?$/,
    also: /stacks\.Web: invalid stack name "Web": use lower-case letters, digits, "-" and "_", starting with a letter or digit \(Portainer would silently store it as "web"\)/,
  },
  {
    name: 'a stack name with a dot',
    files: good((d) => {
      d.stacks = { 'my.app': { compose_file: 'stacks/web/docker-compose.yml' } };
      d.vms = [vm({ docker_stacks: ['my.app'] })];
    }),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 2 problems?$/,
    also: /invalid stack name "my\.app".*\(Portainer would silently store it as "myapp"\)/,
  },
  {
    name: 'a stack name starting with a dash',
    files: good((d) => {
      d.stacks = { '-web': { compose_file: 'stacks/web/docker-compose.yml' } };
      d.vms = [vm({ docker_stacks: ['-web'] })];
    }),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 2 problems?$/,
    also: /stacks\.-web: invalid stack name "-web": use lower-case letters, digits, "-" and "_", starting with a letter or digit/,
  },
  {
    name: 'a VM naming a stack that is not declared',
    files: good((d) => (d.vms = [vm({ docker_stacks: ['web', 'wbe2'] })])),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json: vms\[0\]\.docker_stacks\[1\]: unknown stack "wbe2"; defined: web$/,
  },
  {
    name: 'vms is not a list',
    files: good((d) => ((d as Record<string, unknown>).vms = { 1002: {} })),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problems?$/,
    also: /: vms: expected an array, got an object/,
  },
  {
    name: 'a vmid that is a string',
    files: good((d) => (d.vms = [vm({ vmid: 'abc' })])),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problems?$/,
    also: /: vms\[0\]\.vmid: expected a number, got a string \("abc"\)/,
  },
  {
    name: 'a vmid declared twice',
    files: good((d) => (d.vms = [vm(), vm()])),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problems?$/,
    also: /: vms\[1\]\.vmid: duplicate vmid 1002 \(also vms\[0\]\)/,
  },
  {
    name: 'the same stack twice on one VM',
    files: good((d) => (d.vms = [vm({ docker_stacks: ['web', 'web'] })])),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problems?$/,
    also: /: vms\[0\]\.docker_stacks\[1\]: stack "web" is listed twice on vm 1002 \(also docker_stacks\[0\]\)/,
  },
  {
    name: 'a compose file that is missing',
    files: good((d) => (d.stacks.web = { compose_file: 'stacks/gone/docker-compose.yml' })),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json: stacks\.web\.compose_file: compose file \/tmp\/.*\/stacks\/gone\/docker-compose\.yml: not found$/,
  },
  {
    name: 'a compose file that is not YAML',
    files: (c) => write(c, 'stacks/web/docker-compose.yml', 'services: [\n  web: {\n'),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/stacks\/web\/docker-compose\.yml:3:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a \}$/,
  },
  {
    name: 'a compose file without services',
    files: (c) => write(c, 'stacks/web/docker-compose.yml', 'version: "3"\nvolumes: {}\n'),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/stacks\/web\/docker-compose\.yml: not a compose file: no "services" mapping$/,
  },
  {
    name: 'a compose file whose services is a list',
    files: (c) => write(c, 'stacks/web/docker-compose.yml', 'services:\n  - web\n'),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/stacks\/web\/docker-compose\.yml: not a compose file: "services" must be a mapping of service names$/,
  },
  {
    name: 'an env value that is a number',
    files: good((d) => (d.stacks.web = { compose_file: 'stacks/web/docker-compose.yml', env: { PORT: 80 } })),
    args: plan,
    exit: 65,
    first: /^Error: \/tmp\/.*\/phoenix_vm_configs\.json has 1 problems?$/,
    also: /: stacks\.web\.env\.PORT: expected a string or \{"secret": "<name>"\}, got a number \(80\)/,
  },
  {
    name: 'an unknown vmid, the closest one suggested',
    args: (c) => ['portainer', '1003', 'plan', '--config', c.config, '--url', c.url],
    exit: 65,
    first: 'Error: unknown vmid 1003; known: 1002; did you mean 1002?',
  },
  {
    name: 'an unknown stack argument, the closest one suggested',
    args: (c) => ['portainer', '1002', 'plan', 'wbe', '--config', c.config, '--url', c.url],
    exit: 65,
    first: 'Error: stack "wbe" is not declared on vm 1002 (drphoenix); declared: web; did you mean "web"?',
  },
  {
    name: 'an environment name Portainer does not have',
    files: good((d) => (d.vms = [vm({ portainer_environment_name: 'loacl' })])),
    args: plan,
    exit: 65,
    first: /^Error: .*loacl.*did you mean "local"/,
  },
  {
    name: 'an environment id Portainer does not have (404 on an unknown environment)',
    files: good((d) => (d.vms = [{ vmid: 1002, name: 'drphoenix', portainer_endpoint_id: 99, docker_stacks: ['web'] }])),
    args: plan,
    exit: 65,
    first: /^Error: .*no environment with id 99/,
  },

  // ---- flags and arguments (64) ----
  { name: 'an unknown flag', args: (c) => plan(c, '--frobnicate'), exit: 64, first: 'Error: Nonexistent flag: --frobnicate' },
  {
    name: '--prune together with a stack argument',
    args: (c) => ['portainer', '1002', 'converge', 'web', '--prune', '--config', c.config, '--url', c.url],
    exit: 64,
    first: /^Error: --prune cannot be combined with a stack argument$/,
  },
  { name: 'a vmid that is not a number', args: (c) => ['portainer', 'abc', 'plan', '--config', c.config, '--url', c.url], exit: 64, first: 'Error: "abc" is not a vmid' },
  { name: 'vmid 0', args: (c) => ['portainer', '0', 'plan', '--config', c.config, '--url', c.url], exit: 64, first: /^Error: "0" is not a vmid$/ },
  { name: 'a --timeout that is not a duration', args: (c) => plan(c, '--timeout', 'soon'), exit: 64, first: /^Error: --timeout: "soon" is not a duration$/ },
  { name: 'a --wait-lock that is not a duration', args: (c) => converge(c, '--wait-lock', 'forever'), exit: 64, first: /^Error: --wait-lock: "forever" is not a duration$/ },
  { name: '--concurrency 0', args: (c) => plan(c, '--concurrency', '0'), exit: 64, first: 'Error: Parsing --concurrency: Expected an integer greater than or equal to 1 but received: 0' },
  { name: '--json with --markdown', args: (c) => plan(c, '--json', '--markdown'), exit: 64, from: 'json', first: '--json=true cannot also be provided when using --markdown' },
  {
    name: 'converge without --yes and no terminal',
    args: (c) => ['portainer', '1002', 'converge', '--config', c.config, '--url', c.url],
    exit: 64,
    first: /^Error: refusing to apply without confirmation$/,
    from: 'stderr',
  },
  {
    name: 'a URL without a scheme',
    args: (c) => ['portainer', '1002', 'plan', '--config', c.config, '--url', 'portainer.internal:9443'],
    exit: 64,
    first: 'Error: "portainer.internal:9443" is not an http(s) URL',
  },
  {
    name: 'a URL that is not http(s)',
    args: (c) => ['portainer', '1002', 'plan', '--config', c.config, '--url', 'ftp://portainer.internal'],
    exit: 64,
    first: /^Error: "ftp:\/\/portainer\.internal" is not an http\(s\) URL$/,
  },
  {
    name: 'plain http to a remote host without --insecure',
    args: (c) => ['portainer', '1002', 'plan', '--config', c.config, '--url', 'http://portainer.example:9000'],
    exit: 64,
    first: /^Error: refusing to send the API token in clear text to portainer\.example:9000$/,
  },

  // ---- reaching Portainer (69) ----
  {
    name: 'an unreachable host (connection refused)',
    args: (c) => ['portainer', '1002', 'plan', '--config', c.config, '--url', c.closedUrl],
    exit: 69,
    first: /^Error: Connection refused by http:\/\/127\.0\.0\.1:\d+ \(GET \/api\/status\)$/,
  },
  {
    name: 'TLS with a self-signed CA and no --ca-file',
    sim: { tls: true },
    args: plan,
    exit: 69,
    first: /^Error: The TLS certificate of https:\/\/127\.0\.0\.1:\d+ was not trusted \(\w+, GET \/api\/status\)$/,
  },
  {
    name: 'http spoken to an https port',
    sim: { tls: true },
    args: (c) => plan({ ...c, url: c.url.replace('https:', 'http:') }),
    exit: 69,
    first: /^Error: Could not talk to Portainer at http:\/\/127\.0\.0\.1:\d+ \(UND_ERR_SOCKET, GET \/api\/status\)$/,
    also: /Hint: .*https:\/\//,
  },
  {
    name: 'a reverse proxy answering an HTML login page',
    fake: { '/api/status': [200, 'text/html', '<!doctype html><html><body>Sign in</body></html>'] },
    args: plan,
    exit: 69,
    first:
      /^Error: The server at http:\/\/127\.0\.0\.1:\d+ did not answer like Portainer: GET \/api\/status answered with something that is not JSON: "<!doctype html><html><body>Sign in<\/body><\/html>"$/,
  },
  {
    name: 'a reverse proxy redirecting to a login page',
    fake: { '/api/status': [302, 'text/html', '', { Location: 'https://sso.example/login' }] },
    args: plan,
    exit: 69,
    first: /^Error: The server at http:\/\/127\.0\.0\.1:\d+ answered GET \/api\/status with a redirect \(302\) to https:\/\/sso\.example\/login$/,
  },
  {
    name: 'a truncated JSON answer',
    fake: {
      '/api/status': [200, 'application/json', '{"Version":"2.21.4"}'],
      '/api/endpoints': [200, 'application/json', '[{"Id":1,"Name":"local","Type":1'],
      '/api/stacks': [200, 'application/json', '[]'],
    },
    args: plan,
    exit: 69,
    first: /^Error: The server at http:\/\/127\.0\.0\.1:\d+ did not answer like Portainer: GET \/api\/endpoints\?excludeSnapshotRaw=true answered with something that is not JSON/,
  },
  {
    name: 'null instead of the environments list',
    fake: { '/api/status': [200, 'application/json', '{"Version":"2.21.4"}'], '/api/endpoints': [200, 'application/json', 'null'], '/api/stacks': [200, 'application/json', '[]'] },
    args: plan,
    exit: 65,
    first: 'Error: VM 1002: Portainer has no environment named "local"',
    also: /Portainer's environments: none/,
  },

  // ---- credentials (77) ----
  { name: 'a token Portainer refuses (401)', env: () => ({ PORTAINER_API_KEY: 'ptr_not_the_right_one' }), args: plan, exit: 77, first: /^Error: Portainer answered 401 to GET \/api\/\w+.*: / },
  {
    name: 'a token whose user may not do this (403)',
    fake: {
      '/api/status': [200, 'application/json', '{"Version":"2.21.4"}'],
      '/api/endpoints': [403, 'application/json', '{"message":"Access denied to resource","details":"Access denied to resource"}'],
      '/api/stacks': [403, 'application/json', '{"message":"Access denied to resource"}'],
    },
    args: plan,
    exit: 77,
    first: /^Error: Portainer answered 403 to GET \/api\/\w+.*: Access denied to resource$/,
  },
  {
    name: 'no token from any source',
    env: (c) => ({ PHOENIX_TOKEN_FILE: join(c.dir, 'no-such-token') }),
    args: plan,
    exit: 77,
    first: 'Error: no Portainer API token found',
    also: /PORTAINER_API_KEY/,
  },
  {
    name: 'a token file readable by others',
    files: (c) => {
      write(c, 'token', 'ptr_simulatortoken\n');
      chmodSync(join(c.dir, 'token'), 0o644);
    },
    env: (c) => ({ PHOENIX_TOKEN_FILE: join(c.dir, 'token') }),
    args: plan,
    exit: 77,
    first: /^Error: .*token.* is readable or writable by others \(mode 0644\)$/,
  },
  {
    name: 'a token file that is a directory',
    files: (c) => mkdirSync(join(c.dir, 'tokendir')),
    env: (c) => ({ PHOENIX_TOKEN_FILE: join(c.dir, 'tokendir') }),
    args: plan,
    exit: 77,
    first: /^Error: .*tokendir is not a regular file$/,
  },
  {
    name: 'an empty token file',
    files: (c) => {
      write(c, 'token', '');
      chmodSync(join(c.dir, 'token'), 0o600);
    },
    env: (c) => ({ PHOENIX_TOKEN_FILE: join(c.dir, 'token') }),
    args: plan,
    exit: 77,
    first: /^Error: token file \/tmp\/.*\/token is empty$/,
  },

  // ---- what Portainer refuses during apply (1, 73) ----
  {
    name: 'a stack of that name that phoenix does not own',
    sim: { stacks: [{ name: 'web', endpointId: 1, composeText: 'services:\n  x:\n    image: y\n' }] },
    args: converge,
    exit: 73,
    first: /^Error: 1 stack\(s\) need a decision; nothing was written$/,
  },
  {
    name: '409 on create: a compose project of that name runs outside Portainer',
    sim: { externalProjects: [{ endpointId: 1, name: 'web' }] },
    args: converge,
    exit: 1,
    from: 'stdout-failed',
    first: /^ {2}FAILED create web: Portainer answered 409 to POST \/api\/stacks\/create\/standalone\/string\?endpointId=1: A stack with the normalized name 'web' already exists$/,
  },
  {
    name: '500 with the compose output',
    sim: { faults: { failDeployFor: ['web'] } },
    args: converge,
    exit: 1,
    from: 'stdout-failed',
    first:
      /^ {2}FAILED create web: Portainer answered 500 to POST \/api\/stacks\/create\/standalone\/string\?endpointId=1: Failed to deploy a stack: compose up operation failed: Error response from daemon: simulated deploy failure for stack 'web'$/,
  },
];
