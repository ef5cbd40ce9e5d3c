/**
 * What runs in the demo, beside the stack records of seed.ts: the knobs that show phoenix reading
 * runtime state (issue 12). Kept apart from seed.ts, which needs the product's build.
 */
import type { SimServiceFault } from '../types';

/** whoami is in sync, but its one container exited: plan and status show it, converge does not redeploy it. */
export const DEMO_SERVICE_FAULTS: SimServiceFault[] = [{ stack: 'whoami', service: 'whoami', endpointId: 2, state: 'exited', exitCode: 1 }];

/**
 * Seed uptime-kuma as a stopped (Status 2) stack whose file and env are in sync, for converge to
 * start. Off until phoenix plans `start` for a stopped stack (issue 12, branch h-runtime): before
 * that, phoenix reads it as in sync, so the demo would leave it stopped and print one create
 * fewer than test/e2e/demo.test.ts expects. Switching it on also means changing that test's plan
 * lines and the demo's introduction line ("qdrant, uptime-kuma: missing").
 */
export const DEMO_STOPPED_STACK = false;
