/**
 * Standalone simulator for operators who want to play with it:
 *
 *   node simulator/dist/main.js --seed demo
 *   node simulator/dist/main.js --version 2.19.4 --tls --port 9443 --seed seed.json --ca-out ca.pem
 *
 * `--seed demo` is the demo's state; any other `--seed` is a JSON file (see seed-file.ts). The
 * command-line flags win over the seed. Stops on SIGINT/SIGTERM. Exit codes: 64 for a bad flag,
 * 65 for a seed that cannot be read or is not valid.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { DEMO_SERVICE_FAULTS } from './demo/runtime';
import { demoSeed } from './demo/seed';
import { SEED_DATA_ERROR, readSeedFile } from './seed-file';
import { startSimulator } from './server';
import type { SimulatorOptions } from './types';

const USAGE_ERROR = 64;
const ME = 'node simulator/dist/main.js';

const HELP = [
  `usage: ${ME} [--seed demo|FILE] [--version 2.21.4] [--tls] [--port 0] [--ca-out ca.pem]`,
  '',
  'A Portainer simulator on 127.0.0.1 (no Docker). It prints its URL; stop it with Ctrl-C.',
  'API key accepted by default: ptr_simulatortoken (user admin / adminpassword for POST /api/auth).',
  '',
  '  --seed demo      the demo\'s state for VM 1002 of phoenix_vm_configs.json: environment "drphoenix"',
  '                   with whoami in sync (its container exited), monitoring drifted, qdrant and',
  "                   uptime-kuma missing and legacy-nginx not phoenix's (needs `npm run build`;",
  '                   a file named demo: ./demo)',
  '  --seed FILE      a JSON seed (comments allowed, unknown keys refused), every key optional:',
  '    { "version": "2.21.4", "endpoints": [{ "id": 1, "name": "local", "type": 1, "swarm": false }],',
  '      "stacks": [{ "name": "web", "endpointId": 1, "composeText": "services: ...", "env": [{ "name": "K", "value": "v" }] }],',
  '      "externalProjects": [{ "endpointId": 1, "name": "legacy" }], "apiKeys": ["ptr_..."],',
  '      "users": [{ "id": 1, "username": "admin", "password": "...", "admin": true }], "asyncDeploy": false,',
  '      "faults": { "latencyMs": 20, "errorRate": 0.1, "seed": 1 } }',
  '  --version V      the Portainer version to behave as (default 2.21.4; 2.36+ deploys asynchronously)',
  '  --tls            HTTPS with a CA generated at start; --ca-out FILE writes that CA (PEM)',
  '  --port N         the port on 127.0.0.1 (default 0: any free port)',
  '',
  'Latency and fault knobs (seed key "faults"):',
  '  latencyMs         milliseconds added to every request (default 0)',
  '  deployMs          how long a create or update deploys (default 50)',
  '  errorRate         0..1 chance of an injected error answer (nothing changes)',
  '  errorStatuses     the statuses it picks from, e.g. [500, 502, 503, 429] (429 sends Retry-After: 1)',
  '  resetBeforeRate   0..1 chance the connection is cut before the request is handled',
  '  resetAfterRate    0..1 chance it is cut after the request was handled (a lost answer)',
  '  failDeployFor     names of stacks whose deploy fails',
  '  failDeployWhen    a text: a stack file containing it fails to deploy',
  '  echoEnvOnFailure  a failing deploy echoes the stack env in its error, as compose does',
  '  seed              seed of the random numbers behind the rates (a run repeats exactly)',
  '',
  'What runs (each active stack runs one container per service, or one Swarm service per service;',
  'a stack seeded with "status": 2 is stopped and runs nothing). Seed keys "serviceFaults", "orphans":',
  '  serviceFaults     [{ "stack": "web", "service": "db", "state": "exited", "exitCode": 1 }]: the',
  '                    containers of that service go into state exited (default), restarting,',
  '                    unhealthy, starting (health: starting), dead, paused or running (clears it);',
  '                    on Swarm "runningTasks": N of the desired tasks run, the others fail with',
  '                    exitCode; "sticky": true keeps the fault through later deploys, otherwise',
  '                    the next deploy that starts the service clears it; "endpointId" narrows it',
  '  orphans           [{ "endpointId": 1, "stack": "web", "service": "old", "image": "x:1" }]: a',
  '                    container (a service on a Swarm environment) of that stack whose service is',
  '                    not in its file, as a service removed from the file leaves behind',
  'From tests (startSimulator): sim.setServiceFault(f) and sim.addOrphan(o) do the same at run time;',
  'sim.containers(), sim.services(), sim.containerRemovals() and sim.deployments() (each deploy with',
  'its pull and prune flags) read what runs.',
  '',
  'Exit codes: 0 stopped by Ctrl-C or SIGTERM, 64 bad flag, 65 seed unreadable or invalid.',
  '',
  'Try:',
  `  ${ME} --seed demo`,
  '  PORTAINER_API_KEY=ptr_simulatortoken phoenix portainer 1002 plan --url <printed URL>',
].join('\n');

function fail(message: string, exitCode: number): void {
  console.error(message);
  process.exitCode = exitCode;
}

async function seedOptions(seed: string | undefined): Promise<SimulatorOptions | undefined> {
  if (seed === undefined) return {};
  if (seed === 'demo') {
    try {
      const demo = await demoSeed();
      return { version: demo.version, endpoints: demo.endpoints, stacks: demo.stacks };
    } catch (error) {
      fail(`cannot build the demo seed: ${error instanceof Error ? error.message : String(error)}`, SEED_DATA_ERROR);
      return undefined;
    }
  }
  const read = readSeedFile(seed);
  if (!read.ok) {
    fail(read.message, read.exitCode);
    return undefined;
  }
  return read.options;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        version: { type: 'string' },
        tls: { type: 'boolean', default: false },
        port: { type: 'string', default: '0' },
        seed: { type: 'string' },
        'ca-out': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)}\nhint: run ${ME} --help for the flags`, USAGE_ERROR);
    return;
  }
  if (values.help) {
    console.log(HELP);
    return;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535) {
    fail(`invalid --port: ${JSON.stringify(values.port)}\nhint: pass a port from 0 (any free port) to 65535`, USAGE_ERROR);
    return;
  }
  const options = await seedOptions(values.seed);
  if (options === undefined) return;
  const sim = await startSimulator({ ...options, version: values.version ?? options.version, tls: values.tls, port });
  if (values.seed === 'demo') for (const fault of DEMO_SERVICE_FAULTS) sim.setServiceFault(fault);
  if (values['ca-out'] !== undefined && sim.caCertPem !== undefined) writeFileSync(values['ca-out'], sim.caCertPem);
  console.log(sim.url);
  const shutdown = (): void => {
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
