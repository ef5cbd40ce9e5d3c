/**
 * What runs in the demo, beside the stack records of seed.ts: the knobs that show phoenix reading
 * runtime state (issue 12). Kept apart from seed.ts, which needs the product's build.
 */
import type { SimServiceFault } from '../types';

/** whoami is in sync, but its one container exited: plan and status show it, converge does not redeploy it. */
export const DEMO_SERVICE_FAULTS: SimServiceFault[] = [{ stack: 'whoami', service: 'whoami', endpointId: 2, state: 'exited', exitCode: 1 }];

/**
 * uptime-kuma is seeded as a stopped (Status 2) stack whose file and env are in sync: the demo's
 * converge starts it with one start request and no PUT (`>` in the plan). `demoSeed(..., {
 * stoppedStack: false })` seeds it missing instead.
 */
export const DEMO_STOPPED_STACK = true;
