import { createHash } from 'node:crypto';
import type { ServiceModel } from './compose-model';
import type { SimServiceFault } from './types';

/**
 * The Swarm services of the simulated managers (docs/portainer-api.md#swarm-services):
 * `docker stack deploy` names them `<stack>_<service>` and labels them
 * `com.docker.stack.namespace=<stack>`; it removes the services that left the file only with
 * `--prune`; `docker stack rm` removes them all. Tasks are derived from the service: one per
 * replica (one for a global service: the simulated cluster has one node), the failing ones with
 * their failed attempt kept in the history as `docker service ps` shows it.
 */

export const NAMESPACE = 'com.docker.stack.namespace';
const NODE_ID = 'simnode0000000000000000001';

export interface ServiceRecord {
  id: string;
  endpointId: number;
  stack: string;
  service: string;
  image: string;
  replicas: number;
  global: boolean;
  configHash: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** A fault: how many tasks run (the rest fail with failExitCode). */
  runningTasks?: number;
  failExitCode: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const hashId = (seed: string, length: number): string => createHash('sha256').update(seed).digest('hex').slice(0, length);

export class SwarmRuntime {
  readonly services: ServiceRecord[] = [];
  readonly stickyFaults: SimServiceFault[] = [];
  private serial = 0;

  of(endpointId: number, stack: string): ServiceRecord[] {
    return this.services.filter((s) => s.endpointId === endpointId && s.stack === stack);
  }

  /** `docker stack deploy [--prune]`. */
  deploy(endpointId: number, stack: string, models: readonly ServiceModel[], prune: boolean): void {
    const now = Date.now();
    for (const m of models) {
      const current = this.of(endpointId, stack).find((s) => s.service === m.name);
      if (current) {
        if (current.configHash === m.configHash) continue;
        Object.assign(current, { image: m.image, replicas: m.replicas, global: m.global, configHash: m.configHash, updatedAt: iso(now), runningTasks: undefined });
        current.version++;
        continue;
      }
      this.services.push({
        id: hashId(`${endpointId}/${stack}_${m.name}#${++this.serial}`, 25),
        endpointId,
        stack,
        service: m.name,
        image: m.image,
        replicas: m.replicas,
        global: m.global,
        configHash: m.configHash,
        version: 10 + this.serial,
        createdAt: iso(now),
        updatedAt: iso(now),
        failExitCode: 1,
      });
    }
    if (prune) {
      const keep = new Set(models.map((m) => m.name));
      for (const s of this.of(endpointId, stack)) if (!keep.has(s.service)) this.removeService(s);
    }
    for (const f of this.stickyFaults) if (f.stack === stack) this.applyFault(f, endpointId);
  }

  /** `docker stack rm`. */
  rm(endpointId: number, stack: string): void {
    for (const s of this.of(endpointId, stack)) this.removeService(s);
  }

  removeService(s: ServiceRecord): void {
    const i = this.services.indexOf(s);
    if (i >= 0) this.services.splice(i, 1);
  }

  /** A service left behind (e.g. of a service that left the file before a Prune-less update). */
  plant(endpointId: number, stack: string, service: string, image = 'nginx:latest'): ServiceRecord {
    this.deploy(endpointId, stack, [{ name: service, image, healthcheck: false, replicas: 1, global: false, labels: {}, configHash: `planted-${service}` }], false);
    return this.of(endpointId, stack).find((s) => s.service === service) as ServiceRecord;
  }

  applyFault(f: SimServiceFault, endpointId?: number): number {
    const targets = this.services.filter((s) => s.stack === f.stack && s.service === f.service && (f.endpointId ?? endpointId ?? s.endpointId) === s.endpointId);
    for (const s of targets) {
      s.runningTasks = f.state === 'running' && f.runningTasks === undefined ? undefined : (f.runningTasks ?? 0);
      s.failExitCode = f.exitCode ?? 1;
    }
    return targets.length;
  }
}

export const desiredTasks = (s: ServiceRecord): number => (s.global ? 1 : s.replicas);
export const runningTasks = (s: ServiceRecord): number => Math.min(desiredTasks(s), s.runningTasks ?? desiredTasks(s));

/** The Service object of `GET /services` (moby api/types/swarm/service.go). */
export function serviceJson(s: ServiceRecord, withStatus: boolean): Record<string, unknown> {
  const labels = { [NAMESPACE]: s.stack, 'com.docker.stack.image': s.image };
  const out: Record<string, unknown> = {
    ID: s.id,
    Version: { Index: s.version },
    CreatedAt: s.createdAt,
    UpdatedAt: s.updatedAt,
    Spec: {
      Name: `${s.stack}_${s.service}`,
      Labels: labels,
      TaskTemplate: { ContainerSpec: { Image: s.image, Labels: { [NAMESPACE]: s.stack } }, ForceUpdate: 0, Runtime: 'container' },
      Mode: s.global ? { Global: {} } : { Replicated: { Replicas: s.replicas } },
      EndpointSpec: { Mode: 'vip' },
    },
    Endpoint: { Spec: {} },
  };
  if (withStatus) out.ServiceStatus = { RunningTasks: runningTasks(s), DesiredTasks: desiredTasks(s), CompletedTasks: 0 };
  return out;
}

/** The tasks of one service, as `GET /tasks` lists them: current ones plus one failed attempt per failing slot. */
export function tasksOf(s: ServiceRecord): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const desired = desiredTasks(s);
  const running = runningTasks(s);
  for (let slot = 1; slot <= desired; slot++) {
    const ok = slot <= running;
    const task = (suffix: string, state: string, desiredState: string, exitCode: number, err?: string): Record<string, unknown> => {
      const id = hashId(`${s.id}/${slot}/${s.version}/${suffix}`, 25);
      return {
        ID: id,
        Version: { Index: s.version },
        CreatedAt: s.updatedAt,
        UpdatedAt: s.updatedAt,
        Labels: {},
        Spec: { ContainerSpec: { Image: s.image, Labels: { [NAMESPACE]: s.stack } } },
        ServiceID: s.id,
        ...(s.global ? {} : { Slot: slot }),
        NodeID: NODE_ID,
        Status: {
          Timestamp: s.updatedAt,
          State: state,
          Message: state === 'running' ? 'started' : state,
          ...(err === undefined ? {} : { Err: err }),
          ContainerStatus: { ContainerID: hashId(`container/${id}`, 64), PID: state === 'running' ? 1000 + slot : 0, ExitCode: exitCode },
        },
        DesiredState: desiredState,
      };
    };
    if (ok) out.push(task('run', 'running', 'running', 0));
    else {
      out.push(task('retry', 'starting', 'running', 0));
      out.push(task('failed', 'failed', 'shutdown', s.failExitCode, `task: non-zero exit (${s.failExitCode})`));
    }
  }
  return out;
}
