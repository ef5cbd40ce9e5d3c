import type { SimFaults } from './types';

/** mulberry32: tiny, fast and good enough to make fault runs reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  latencyMs: number;
  resetBefore: boolean;
  /** The injected status, or undefined when the request is processed normally. */
  errorStatus?: number;
  resetAfter: boolean;
}

export const DEFAULT_DEPLOY_MS = 50;

/**
 * Holds the fault knobs and the PRNG. Every request draws exactly four numbers,
 * whatever the knobs, so that a given seed yields the same decisions for the
 * same request sequence even when only one knob is set.
 */
export class FaultInjector {
  private knobs: SimFaults = {};
  private random: () => number = mulberry32(0);

  constructor(initial: SimFaults | undefined) {
    this.set(initial ?? {});
  }

  set(f: SimFaults): void {
    this.knobs = { ...f };
    this.random = mulberry32(f.seed ?? Date.now());
  }

  get deployMs(): number {
    return this.knobs.deployMs ?? DEFAULT_DEPLOY_MS;
  }

  failsDeploy(stackName: string, composeText = ''): boolean {
    const when = this.knobs.failDeployWhen;
    if (when !== undefined && when !== '' && composeText.includes(when)) return true;
    return (this.knobs.failDeployFor ?? []).some((n) => n.toLowerCase() === stackName.toLowerCase());
  }

  get echoesEnv(): boolean {
    return this.knobs.echoEnvOnFailure ?? false;
  }

  decide(): FaultDecision {
    const [r1, r2, r3, r4] = [this.random(), this.random(), this.random(), this.random()];
    const statuses = this.knobs.errorStatuses?.length ? this.knobs.errorStatuses : [500];
    const injected = r2 < (this.knobs.errorRate ?? 0);
    return {
      latencyMs: this.knobs.latencyMs ?? 0,
      resetBefore: r1 < (this.knobs.resetBeforeRate ?? 0),
      errorStatus: injected ? statuses[Math.floor(r3 * statuses.length)] : undefined,
      resetAfter: r4 < (this.knobs.resetAfterRate ?? 0),
    };
  }
}
