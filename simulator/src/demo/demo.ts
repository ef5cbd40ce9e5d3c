/**
 * `npm run demo`: the main job on the built-in Portainer simulator, from a fresh clone with no
 * Portainer anywhere. Starts the simulator on loopback seeded with a realistic state for VM 1002
 * (one stack in sync, one drifted, one missing, one that phoenix does not own), converges the
 * sample config with the real CLI, converges again to show nothing is left, and stops.
 *
 * It lives with the simulator, outside the product's src/ and dist/: package.json `files` does not
 * ship it, and no product code imports the simulator. The phoenix runs get a lock directory of
 * their own (PHOENIX_LOCK_DIR in a temporary folder), so that a demo run as root on a real
 * hypervisor never takes or waits for the host's /run/phoenix locks.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEMO_SERVICE_FAULTS } from './runtime';
import { startSimulator } from '../index';
import { DEMO_CONFIG as CONFIG, DEMO_NEW_VMID as NEW_VMID, DEMO_VMID as VMID, REPO_ROOT as ROOT, demoSeed } from './seed';

const TOKEN = 'ptr_demo_token_for_the_simulator_only';

async function main(): Promise<number> {
  const seed = await demoSeed();
  const vm = { name: seed.vmName };
  const sim = await startSimulator({ version: seed.version, apiKeys: [TOKEN], endpoints: seed.endpoints, stacks: seed.stacks, agents: seed.agents });
  const lockDir = mkdtempSync(join(tmpdir(), 'phoenix-demo-locks-'));
  for (const fault of DEMO_SERVICE_FAULTS) sim.setServiceFault(fault);

  const say = (text: string) => process.stdout.write(`${text}\n`);
  // Asynchronous on purpose: the simulator answers from this same process.
  const cli = (args: string[]) =>
    new Promise<number>((done) => {
      say(`\n$ phoenix ${args.join(' ')}`);
      const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), ...args, '--config', CONFIG, '--url', sim.url], {
        stdio: 'inherit',
        env: { ...process.env, PORTAINER_API_KEY: TOKEN, PHOENIX_LOCK_DIR: lockDir },
      });
      child.on('close', (code) => done(code ?? 1));
    });

  try {
    say(`Portainer simulator (${seed.version}) listening on ${sim.url}, seeded for VM ${VMID} "${vm.name}":`);
    say('  whoami: in sync, its container exited   monitoring: drifted   qdrant: missing   uptime-kuma: stopped   legacy-nginx: not managed by phoenix');
    say(`  VM ${NEW_VMID} (dev-box): a new agent VM, no Portainer environment yet; its agent answers at ${seed.agents[1]}`);
    const first = await cli(['portainer', String(VMID), 'converge', '--yes']);
    if (first !== 0) return first;
    // Onboarding: one converge registers the VM's agent environment and deploys its stacks.
    const onboard = await cli(['portainer', String(NEW_VMID), 'converge', '--yes']);
    if (onboard !== 0) return onboard;
    const writes = sim.writes().length;
    for (const vmid of [VMID, NEW_VMID]) {
      const again = await cli(['portainer', String(vmid), 'converge', '--yes']);
      if (again !== 0) return again;
    }
    const untouched = sim.stacks().find((s) => s.name === 'legacy-nginx');
    say(`\nSecond run sent ${sim.writes().length - writes} write requests. legacy-nginx is ${untouched ? 'still there, untouched' : 'GONE (bug!)'}.`);
    // What runs on the VM now: whoami's container exited before the runs, and converge did not redeploy it.
    say(`\nContainers on ${vm.name} (docker ps -a; whoami's exited before the runs and was not redeployed):`);
    const running = sim.containers(2).filter((c) => c.project !== 'legacy-nginx');
    for (const c of running.sort((a, b) => a.name.localeCompare(b.name))) say(`  ${c.name.padEnd(28)} ${c.status}`);
    say('\nWhere to look next:');
    say('  phoenix --help                              every command');
    say('  phoenix portainer 1002 plan --help          flags and exit codes');
    say('  phoenix config validate                     check phoenix_vm_configs.json offline');
    say('  README.md                                   configuration, tokens, exit codes');
    say('  node simulator/dist/main.js --help          run the simulator yourself');
    return 0;
  } finally {
    await sim.stop();
    rmSync(lockDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
