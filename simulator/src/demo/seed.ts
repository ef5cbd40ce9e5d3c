/**
 * The demo's Portainer state for VM 1002 of the sample phoenix_vm_configs.json: one stack in
 * sync, one drifted, one missing, one that phoenix does not own. Used by `npm run demo` and by
 * the simulator's `--seed demo`.
 *
 * "In sync" must be byte for byte what phoenix would deploy, so the seed is computed with the
 * product's own config loader and normaliser, loaded from the product's build (`dist/`, made by
 * `npm run build`) at run time: the simulator's build never compiles product code into itself.
 */
import { join, resolve } from 'node:path';

import type { SimEndpoint, SimStackSeed } from '../types';
import { DEMO_STOPPED_STACK } from './runtime';

/** The repository root, from simulator/src/demo (ts-jest) and simulator/dist/demo (the build) alike. */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const DEMO_CONFIG = join(REPO_ROOT, 'phoenix_vm_configs.json');
export const DEMO_VMID = 1002;
export const DEMO_VERSION = '2.21.4';

interface EnvPair {
  name: string;
  value: string;
}

/** The few product functions the seed needs (the shapes of src/config and src/plan). */
export interface DemoProduct {
  loadConfig(path: string): Promise<unknown>;
  resolveVm(config: unknown, vmid: number): Promise<{ name: string; portainerEnvironmentName?: string; stacks: Array<{ name: string; composeText: string; env: Record<string, unknown> }> }>;
  canonicalEnv(env: readonly EnvPair[]): EnvPair[];
  normaliseCompose(text: string): string;
  ownershipMarker(vmid: number): string;
}

/** The product's config and plan modules from its build; says what to run when it is missing. */
export function loadProduct(root: string = REPO_ROOT): DemoProduct {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { ...require(join(root, 'dist/config')), ...require(join(root, 'dist/plan')) } as DemoProduct;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`the demo seed needs phoenix's build in ${join(root, 'dist')} (${reason}); run \`npm run build\` first`);
  }
}

export interface DemoSeed {
  vmName: string;
  version: string;
  endpoints: SimEndpoint[];
  stacks: SimStackSeed[];
}

/** `stoppedStack` (default DEMO_STOPPED_STACK): uptime-kuma is seeded in sync but stopped, instead of missing. */
export async function demoSeed(product: DemoProduct = loadProduct(), configPath: string = DEMO_CONFIG, options: { stoppedStack?: boolean } = {}): Promise<DemoSeed> {
  const stoppedStack = options.stoppedStack ?? DEMO_STOPPED_STACK;
  const config = await product.loadConfig(configPath);
  const vm = await product.resolveVm(config, DEMO_VMID);
  const byName = new Map(vm.stacks.map((s) => [s.name, s]));
  const declared = (name: string) => {
    const stack = byName.get(name);
    if (stack === undefined) throw new Error(`the demo seed needs stack "${name}" of VM ${DEMO_VMID} in ${configPath}`);
    return stack;
  };
  const envOf = (name: string) => product.canonicalEnv(Object.entries(declared(name).env).map(([k, v]) => ({ name: k, value: String(v) })));
  const owned = (text: string) => `${product.ownershipMarker(DEMO_VMID)}\n${product.normaliseCompose(text)}`;

  const endpoints: SimEndpoint[] = [
    { id: 1, name: 'local', type: 1 },
    { id: 2, name: vm.portainerEnvironmentName ?? 'drphoenix', type: 2, url: 'tcp://10.0.0.102:9001' },
    { id: 3, name: 'dev-box', type: 2, url: 'tcp://10.0.0.103:9001' },
  ];
  const stacks: SimStackSeed[] = [
    // In sync: exactly what the config wants, already marked as phoenix's.
    { name: 'whoami', endpointId: 2, composeText: owned(declared('whoami').composeText), env: envOf('whoami') },
    // Drifted: someone edited the image tag in the Portainer UI and dropped a variable.
    {
      name: 'monitoring',
      endpointId: 2,
      composeText: owned(declared('monitoring').composeText.replace(/\$\{GRAFANA_TAG[^}]*\}/, '10.4.2')),
      env: envOf('monitoring').filter((pair) => pair.name !== 'RETENTION'),
    },
    // Not phoenix's: a stack somebody deployed by hand. phoenix leaves it alone.
    { name: 'legacy-nginx', endpointId: 2, composeText: 'services:\n  nginx:\n    image: nginx:1.25\n', env: [] },
    // Stopped (Status 2) with the right file and env: converge starts it.
    ...(stoppedStack ? [{ name: 'uptime-kuma', endpointId: 2, composeText: owned(declared('uptime-kuma').composeText), env: envOf('uptime-kuma'), status: 2 as const }] : []),
    // uptime-kuma is declared too, and qdrant is missing: both get created.
  ];
  return { vmName: vm.name, version: DEMO_VERSION, endpoints, stacks };
}
