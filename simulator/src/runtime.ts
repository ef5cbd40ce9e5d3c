import { createHash } from 'node:crypto';
import type { ServiceModel } from './compose-model';
import type { SimContainerRemoval, SimServiceFault } from './types';

/**
 * What runs on the simulated Docker hosts, behind the stack records: the containers of compose
 * projects (and of anything started outside Portainer). Swarm services live in swarm.ts. Docker's
 * own rules are followed (docs/portainer-api.md#containers): `up -d` keeps a container whose
 * definition did not change and starts it if it stopped, recreates one whose definition changed,
 * and never removes the containers of a service that left the file; `down --remove-orphans` removes
 * every container of the project.
 */

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerRecord {
  id: string;
  endpointId: number;
  /** Without the leading slash the list adds. */
  name: string;
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  health?: 'healthy' | 'unhealthy' | 'starting';
  exitCode: number;
  /** Milliseconds since the epoch; 0 = never. */
  created: number;
  startedAt: number;
  finishedAt: number;
  /** The service has a healthcheck: a (re)start makes it healthy. */
  healthcheck: boolean;
}

export const PROJECT = 'com.docker.compose.project';
export const SERVICE = 'com.docker.compose.service';
const NUMBER = 'com.docker.compose.container-number';
/** The compose version whose labels the simulator writes. */
const COMPOSE_VERSION = '2.29.7';
/**
 * Containers a deploy starts are backdated by two minutes, so that a listing reads like a host that
 * settled (`Up 2 minutes`) rather than one caught mid-start (`Up Less than a second`).
 */
export const SETTLED_MS = 120_000;

/** go-units HumanDuration, which `docker ps` and the Status field use. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

/** moby's container State.String(): the `Status` column of `docker ps`. */
export function statusText(c: ContainerRecord, now = Date.now()): string {
  const up = humanDuration(now - c.startedAt);
  switch (c.state) {
    case 'running':
      return c.health ? `Up ${up} (${c.health === 'starting' ? 'health: starting' : c.health})` : `Up ${up}`;
    case 'paused':
      return `Up ${up} (Paused)`;
    case 'restarting':
      return `Restarting (${c.exitCode}) ${humanDuration(now - c.finishedAt)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'created':
      return 'Created';
    case 'exited':
      return `Exited (${c.exitCode}) ${humanDuration(now - c.finishedAt)} ago`;
  }
}

/** Docker's "running" for the list without all=1: paused and restarting count as running. */
export const isRunning = (c: ContainerRecord): boolean => c.state === 'running' || c.state === 'paused' || c.state === 'restarting';

export class ContainerRuntime {
  readonly containers: ContainerRecord[] = [];
  readonly removals: SimContainerRemoval[] = [];
  /** Faults that outlive deploys (a crash loop a redeploy does not fix). */
  readonly stickyFaults: SimServiceFault[] = [];
  private serial = 0;

  private newId(seed: string): string {
    return createHash('sha256').update(`${seed}#${++this.serial}`).digest('hex');
  }

  of(endpointId: number, project: string): ContainerRecord[] {
    return this.containers.filter((c) => c.endpointId === endpointId && c.labels[PROJECT] === project);
  }

  add(c: Omit<ContainerRecord, 'id' | 'created'>): ContainerRecord {
    const record: ContainerRecord = { ...c, id: this.newId(`${c.endpointId}/${c.name}`), created: Date.now() - SETTLED_MS };
    this.containers.push(record);
    return record;
  }

  remove(c: ContainerRecord): void {
    const i = this.containers.indexOf(c);
    if (i >= 0) this.containers.splice(i, 1);
  }

  private start(c: ContainerRecord): void {
    c.state = 'running';
    c.startedAt = Date.now() - SETTLED_MS;
    c.health = c.healthcheck ? 'healthy' : undefined;
  }

  /** `docker compose -p <project> up -d` of the stack file's services. */
  up(endpointId: number, project: string, stackId: number, services: readonly ServiceModel[]): void {
    const dir = `/data/compose/${stackId}`;
    for (const m of services) {
      const mine = this.of(endpointId, project).filter((c) => c.labels[SERVICE] === m.name);
      for (let n = 1; n <= m.replicas; n++) {
        const current = mine.find((c) => c.labels[NUMBER] === String(n));
        if (current && current.labels['com.docker.compose.config-hash'] === m.configHash) {
          if (current.state !== 'running' && current.state !== 'paused') this.start(current);
          continue;
        }
        if (current) this.remove(current);
        const name = m.containerName && m.replicas === 1 ? m.containerName : `${project}-${m.name}-${n}`;
        const c = this.add({
          endpointId,
          name,
          image: m.image,
          labels: {
            ...m.labels,
            [PROJECT]: project,
            [SERVICE]: m.name,
            [NUMBER]: String(n),
            'com.docker.compose.oneoff': 'False',
            'com.docker.compose.config-hash': m.configHash,
            'com.docker.compose.project.config_files': `${dir}/docker-compose.yml`,
            'com.docker.compose.project.working_dir': dir,
            'com.docker.compose.version': COMPOSE_VERSION,
          },
          state: 'running',
          exitCode: 0,
          startedAt: 0,
          finishedAt: 0,
          healthcheck: m.healthcheck,
        });
        this.start(c);
      }
      // Scaled down: compose removes the containers above the new count.
      for (const c of mine) if (Number(c.labels[NUMBER]) > m.replicas) this.remove(c);
    }
    for (const f of this.stickyFaults) this.applyFault(f, endpointId, project);
  }

  /** `docker compose -p <project> down --remove-orphans` (no -v: volumes stay). */
  down(endpointId: number, project: string): void {
    for (const c of this.of(endpointId, project)) this.remove(c);
  }

  /** A container started outside Portainer, or one left behind: labelled as compose would. */
  plant(endpointId: number, project: string, service: string, image = 'nginx:latest'): ContainerRecord {
    const c = this.add({
      endpointId,
      name: `${project}-${service}-1`,
      image,
      labels: { [PROJECT]: project, [SERVICE]: service, [NUMBER]: '1', 'com.docker.compose.oneoff': 'False', 'com.docker.compose.version': COMPOSE_VERSION },
      state: 'running',
      exitCode: 0,
      startedAt: 0,
      finishedAt: 0,
      healthcheck: false,
    });
    this.start(c);
    return c;
  }

  /** Puts the containers of one service into the fault's state; returns how many it touched. */
  applyFault(f: SimServiceFault, endpointId?: number, project?: string): number {
    if (project !== undefined && f.stack !== project) return 0;
    const targets = this.containers.filter((c) => c.labels[PROJECT] === f.stack && c.labels[SERVICE] === f.service && (f.endpointId ?? endpointId ?? c.endpointId) === c.endpointId);
    const now = Date.now();
    for (const c of targets) {
      const code = f.exitCode ?? 1;
      switch (f.state ?? 'exited') {
        case 'exited':
          Object.assign(c, { state: 'exited', exitCode: code, finishedAt: now - 180_000, health: undefined });
          break;
        case 'restarting':
          Object.assign(c, { state: 'restarting', exitCode: code, finishedAt: now - 5_000, health: undefined });
          break;
        case 'dead':
          Object.assign(c, { state: 'dead', exitCode: code, finishedAt: now - 60_000, health: undefined });
          break;
        case 'paused':
          c.state = 'paused';
          break;
        case 'unhealthy':
          Object.assign(c, { state: 'running', health: 'unhealthy', startedAt: now - 300_000 });
          break;
        case 'starting':
          Object.assign(c, { state: 'running', health: 'starting', startedAt: now - 3_000 });
          break;
        case 'running':
          this.start(c);
          break;
      }
    }
    return targets.length;
  }
}
