// Big configs for the bench: one directory per scenario with phoenix_vm_configs.json, one compose
// file per even stack (odd stacks use inline `compose`), and the simulator seed that matches it:
// every stack already owned by phoenix (marker line + normalised compose, canonical env), so a
// converge of an undrifted fixture must plan nothing.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const TOKEN = 'ptr_bench_token_for_the_simulator_only';
/** endpoint id 1 is the simulator's usual 'local'; VMs get 2, 3, ... */
const FIRST_ENDPOINT = 2;

function composeFor(name, i) {
  return [
    'services:',
    '  app:',
    `    image: ghcr.io/example/${name}:\${APP_TAG:-1.0.0}`,
    '    restart: unless-stopped',
    '    ports:',
    `      - "\${APP_PORT:-${10000 + i}}:8080"`,
    '    environment:',
    `      STACK_NAME: ${name}`,
    '      LOG_LEVEL: ${LOG_LEVEL:-info}',
    '    volumes:',
    `      - ${name}-data:/data`,
    'volumes:',
    `  ${name}-data: {}`,
    '',
  ].join('\n');
}

function envFor(i) {
  return { APP_TAG: '1.0.0', APP_PORT: String(10000 + i), LOG_LEVEL: 'info' };
}

/** What someone changed in the Portainer UI on a drifted stack. */
function drift(composeText) {
  return composeText.replace('restart: unless-stopped', 'restart: always');
}

/**
 * @param plan dist/plan of the build under test (ownershipMarker, normaliseCompose, canonicalEnv)
 * @param spec { dir, vms: [{ vmid, stacks: N }], driftEvery?: k (every k-th stack drifted; 0 = none) }
 */
function makeFixture(plan, spec) {
  mkdirSync(join(spec.dir, 'stacks'), { recursive: true });
  const stacks = {};
  const vms = [];
  const endpoints = [{ id: 1, name: 'local', type: 1 }];
  const seeds = [];
  const drifted = [];
  spec.vms.forEach((vmSpec, v) => {
    const endpointId = FIRST_ENDPOINT + v;
    const envName = `bench-${vmSpec.vmid}`;
    endpoints.push({ id: endpointId, name: envName, type: 2, url: `tcp://10.9.${v}.1:9001` });
    const names = [];
    for (let i = 0; i < vmSpec.stacks; i++) {
      const name = `v${vmSpec.vmid}-app-${String(i).padStart(4, '0')}`;
      const compose = composeFor(name, i);
      const env = envFor(i);
      if (i % 2 === 0) {
        writeFileSync(join(spec.dir, 'stacks', `${name}.yml`), compose);
        stacks[name] = { compose_file: `stacks/${name}.yml`, env };
      } else {
        stacks[name] = { compose, env };
      }
      names.push(name);
      const isDrifted = spec.driftEvery > 0 && i % spec.driftEvery === spec.driftEvery - 1;
      if (isDrifted) drifted.push(name);
      const owned = `${plan.ownershipMarker(vmSpec.vmid)}\n${plan.normaliseCompose(compose)}`;
      seeds.push({
        name,
        endpointId,
        composeText: isDrifted ? drift(owned) : owned,
        env: plan.canonicalEnv(Object.entries(env).map(([k, value]) => ({ name: k, value }))),
      });
    }
    vms.push({ vmid: vmSpec.vmid, name: envName, portainer_environment_name: envName, docker_stacks: names });
  });
  const config = {
    portainer: { url: 'http://127.0.0.1:9' },
    stacks,
    vms,
  };
  const configPath = join(spec.dir, 'phoenix_vm_configs.json');
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  return { configPath, endpoints, seeds, drifted, total: seeds.length };
}

/**
 * A config of `vms` VMs for timing `phoenix config validate` (no simulator): each VM on its own
 * Portainer environment, with `stacksPerVm` stacks drawn from a shared pool of `pool` stacks
 * (half compose files, half inline), one of them with a per-entry env.
 */
function makeValidateFixture(spec) {
  const { dir, vms: count, stacksPerVm = 3, pool = 20 } = spec;
  mkdirSync(join(dir, 'stacks'), { recursive: true });
  const stacks = {};
  for (let i = 0; i < pool; i++) {
    const name = `app-${String(i).padStart(2, '0')}`;
    if (i % 2 === 0) {
      writeFileSync(join(dir, 'stacks', `${name}.yml`), composeFor(name, i));
      stacks[name] = { compose_file: `stacks/${name}.yml`, env: envFor(i) };
    } else {
      stacks[name] = { compose: composeFor(name, i), env: envFor(i) };
    }
  }
  const vms = [];
  for (let v = 0; v < count; v++) {
    const vmid = 10000 + v;
    const docker_stacks = [];
    for (let k = 0; k < stacksPerVm; k++) docker_stacks.push(`app-${String((v + k) % pool).padStart(2, '0')}`);
    docker_stacks[0] = { name: docker_stacks[0], env: { LOG_LEVEL: 'debug' } };
    vms.push({ vmid, name: `vm-${vmid}`, portainer_environment_name: `env-${vmid}`, cores: 2, memory_mb: 4096, network_config: { ip: `10.${v >> 8}.${v & 255}.10/24` }, docker_stacks });
  }
  const configPath = join(dir, 'phoenix_vm_configs.json');
  writeFileSync(configPath, `${JSON.stringify({ portainer: { url: 'http://127.0.0.1:9' }, stacks, vm_defaults: { cores: 2 }, vms }, null, 2)}\n`);
  return { configPath, vms: count, deployments: count * stacksPerVm };
}

/** The simulator options for a fixture. */
function simulatorOptions(fixture, faults) {
  return { version: '2.21.4', apiKeys: [TOKEN], endpoints: fixture.endpoints, stacks: fixture.seeds, faults };
}

module.exports = { makeFixture, makeValidateFixture, simulatorOptions, composeFor, envFor, TOKEN };
