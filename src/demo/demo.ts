/**
 * `npm run demo`: the main job on the built-in Portainer simulator, from a fresh clone with no
 * Portainer anywhere. Starts the simulator on loopback seeded with a realistic state for VM 1002
 * (one stack in sync, one drifted, one missing, one that phoenix does not own), converges the
 * sample config with the real CLI, converges again to show nothing is left, and stops.
 *
 * This is the one production entry point allowed to import the simulator (STYLE.md).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

import { loadConfig, resolveVm } from '../config';
import { canonicalEnv, normaliseCompose, ownershipMarker } from '../plan';
import { startSimulator } from '../simulator';
import type { SimStackSeed } from '../simulator';

const ROOT = resolve(__dirname, '../..');
const CONFIG = join(ROOT, 'phoenix_vm_configs.json');
const VMID = 1002;
const TOKEN = 'ptr_demo_token_for_the_simulator_only';

async function main(): Promise<number> {
  const config = await loadConfig(CONFIG);
  const vm = await resolveVm(config, VMID);
  const byName = new Map(vm.stacks.map((s) => [s.name, s]));
  const envOf = (name: string) => canonicalEnv(Object.entries(byName.get(name)!.env).map(([k, v]) => ({ name: k, value: String(v) })));
  const owned = (text: string) => `${ownershipMarker(VMID)}\n${normaliseCompose(text)}`;

  const endpoints = [
    { id: 1, name: 'local', type: 1 as const },
    { id: 2, name: vm.portainerEnvironmentName ?? 'drphoenix', type: 2 as const, url: 'tcp://10.0.0.102:9001' },
    { id: 3, name: 'dev-box', type: 2 as const, url: 'tcp://10.0.0.103:9001' },
  ];
  const seed: SimStackSeed[] = [
    // In sync: exactly what the config wants, already marked as phoenix's.
    { name: 'whoami', endpointId: 2, composeText: owned(byName.get('whoami')!.composeText), env: envOf('whoami') },
    // Drifted: someone edited the image tag in the Portainer UI and dropped a variable.
    {
      name: 'monitoring',
      endpointId: 2,
      composeText: owned(byName.get('monitoring')!.composeText.replace(/\$\{GRAFANA_TAG[^}]*\}/, '10.4.2')),
      env: envOf('monitoring').filter((pair) => pair.name !== 'RETENTION'),
    },
    // Not phoenix's: a stack somebody deployed by hand. phoenix leaves it alone.
    { name: 'legacy-nginx', endpointId: 2, composeText: 'services:\n  nginx:\n    image: nginx:1.25\n', env: [] },
    // uptime-kuma is declared too, and qdrant is missing: both get created.
  ];
  const sim = await startSimulator({ version: '2.21.4', apiKeys: [TOKEN], endpoints, stacks: seed });

  const say = (text: string) => process.stdout.write(`${text}\n`);
  // Asynchronous on purpose: the simulator answers from this same process.
  const cli = (args: string[]) =>
    new Promise<number>((done) => {
      say(`\n$ phoenix ${args.join(' ')}`);
      const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args, '--config', CONFIG, '--url', sim.url], {
        stdio: 'inherit',
        env: { ...process.env, PORTAINER_API_KEY: TOKEN },
      });
      child.on('close', (code) => done(code ?? 1));
    });

  try {
    say(`Portainer simulator (2.21.4) listening on ${sim.url}, seeded for VM ${VMID} "${vm.name}":`);
    say('  whoami: in sync   monitoring: drifted   qdrant, uptime-kuma: missing   legacy-nginx: not managed by phoenix');
    const first = await cli(['portainer', String(VMID), 'converge', '--yes']);
    if (first !== 0) return first;
    const writes = sim.writes().length;
    const second = await cli(['portainer', String(VMID), 'converge', '--yes']);
    if (second !== 0) return second;
    const untouched = sim.stacks().find((s) => s.name === 'legacy-nginx');
    say(`\nSecond run sent ${sim.writes().length - writes} write requests. legacy-nginx is ${untouched ? 'still there, untouched' : 'GONE (bug!)'}.`);
    say('\nWhere to look next:');
    say('  phoenix --help                              every command');
    say('  phoenix portainer 1002 plan --help          flags and exit codes');
    say('  phoenix config validate                     check phoenix_vm_configs.json offline');
    say('  README.md                                   configuration, tokens, exit codes');
    say('  node dist/simulator/main.js --help          run the simulator yourself');
    return 0;
  } finally {
    await sim.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
