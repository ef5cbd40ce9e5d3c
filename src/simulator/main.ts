/**
 * Standalone simulator for operators who want to play with it:
 *
 *   node dist/simulator/main.js --version 2.19.4 --tls --port 9443 --seed seed.json --ca-out ca.pem
 *
 * The seed file is JSON with any of the SimulatorOptions fields endpoints,
 * stacks, externalProjects, apiKeys, users, asyncDeploy and faults. The
 * command-line flags win over the file. Stops on SIGINT/SIGTERM.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimulator } from './server';
import type { SimulatorOptions } from './types';

const pair = z.object({ name: z.string(), value: z.string() });
const seedSchema = z.object({
  version: z.string().optional(),
  endpoints: z
    .array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        type: z.union([z.literal(1), z.literal(2), z.literal(4)]),
        url: z.string().optional(),
        status: z.union([z.literal(1), z.literal(2)]).optional(),
        swarm: z.boolean().optional(),
        swarmClusterId: z.string().optional(),
      }),
    )
    .optional(),
  stacks: z
    .array(
      z.object({
        name: z.string(),
        endpointId: z.number().int(),
        composeText: z.string(),
        env: z.array(pair).optional(),
        type: z.union([z.literal(1), z.literal(2)]).optional(),
        git: z.object({ url: z.string(), ref: z.string().optional(), file: z.string().optional() }).optional(),
        status: z.union([z.literal(1), z.literal(2)]).optional(),
      }),
    )
    .optional(),
  externalProjects: z.array(z.object({ endpointId: z.number().int(), name: z.string() })).optional(),
  apiKeys: z.array(z.string()).optional(),
  users: z
    .array(z.object({ id: z.number().int(), username: z.string(), password: z.string(), admin: z.boolean().optional() }))
    .optional(),
  asyncDeploy: z.boolean().optional(),
  faults: z
    .object({
      latencyMs: z.number().optional(),
      errorRate: z.number().min(0).max(1).optional(),
      errorStatuses: z.array(z.number().int()).optional(),
      resetBeforeRate: z.number().min(0).max(1).optional(),
      resetAfterRate: z.number().min(0).max(1).optional(),
      deployMs: z.number().optional(),
      failDeployFor: z.array(z.string()).optional(),
      failDeployWhen: z.string().optional(),
      echoEnvOnFailure: z.boolean().optional(),
      seed: z.number().int().optional(),
    })
    .optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      version: { type: 'string' },
      tls: { type: 'boolean', default: false },
      port: { type: 'string', default: '0' },
      seed: { type: 'string' },
      'ca-out': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        'usage: main.js [--version 2.21.4] [--tls] [--port 0] [--seed seed.json] [--ca-out ca.pem]',
        '',
        'A Portainer simulator on 127.0.0.1 (no Docker). It prints its URL; stop it with Ctrl-C.',
        'API key accepted by default: ptr_simulatortoken (user admin / adminpassword for POST /api/auth).',
        'Seed file (JSON, every key optional):',
        '  { "endpoints": [{ "id": 1, "name": "local", "type": 1, "swarm": false }],',
        '    "stacks": [{ "name": "web", "endpointId": 1, "composeText": "services: ...", "env": [{ "name": "K", "value": "v" }] }],',
        '    "externalProjects": [{ "endpointId": 1, "name": "legacy" }], "apiKeys": ["ptr_..."] }',
        'Try: PORTAINER_API_KEY=ptr_simulatortoken phoenix portainer 1002 plan --url <printed URL>',
      ].join('\n'),
    );
    return;
  }
  let options: SimulatorOptions = {};
  if (values.seed !== undefined) {
    const parsed = seedSchema.safeParse(JSON.parse(readFileSync(values.seed, 'utf8')));
    if (!parsed.success) {
      console.error(`invalid seed file ${values.seed}:\n${z.prettifyError(parsed.error)}`);
      process.exitCode = 64;
      return;
    }
    options = parsed.data;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid --port: ${values.port}`);
    process.exitCode = 64;
    return;
  }
  const sim = await startSimulator({ ...options, version: values.version ?? options.version, tls: values.tls, port });
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
