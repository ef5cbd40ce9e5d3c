import { createHash, randomBytes } from 'node:crypto';
import { DockerHost } from './docker-host';
import type { Pair } from './http-util';
import type { SimDeploymentStatus, SimEndpoint, SimStackView, SimulatorOptions, SimUserSeed } from './types';
import { type Features, featuresFor } from './version';

export interface GitInfo {
  url: string;
  ref: string;
  file: string;
  hash: string;
}

export interface StackRecord {
  id: number;
  name: string;
  type: 1 | 2;
  endpointId: number;
  swarmId: string;
  env: Pair[];
  composeText: string;
  /** 1 active, 2 inactive; 3 deploying and 4 error on async versions only. */
  status: number;
  creationDate: number;
  updateDate: number;
  createdBy: string;
  updatedBy: string;
  git?: GitInfo;
  fromAppTemplate: boolean;
  prune: boolean;
  deploymentStatus: SimDeploymentStatus[];
}

export interface ApiKeyRecord {
  id: number;
  userId: number;
  description: string;
  prefix: string;
  dateCreated: number;
  lastUsed: number;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A Docker-like 25-character swarm cluster id, stable per environment id. */
function clusterIdFor(endpointId: number): string {
  return createHash('sha256').update(`swarm-${endpointId}`).digest('hex').slice(0, 25);
}

/** Everything the simulated Portainer stores. Survives restart() except the JWT secret. */
export class SimState {
  readonly features: Features;
  readonly asyncDeploy: boolean;
  readonly instanceId = randomBytes(16)
    .toString('hex')
    .replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
  readonly endpoints: Required<SimEndpoint>[];
  readonly users: Required<SimUserSeed>[];
  readonly stacks = new Map<number, StackRecord>();
  readonly apiKeys = new Map<string, ApiKeyRecord>();
  /** `${endpointId}/${name}`: compose projects Docker knows about outside Portainer's DB (docs/portainer-api.md#name-conflicts). */
  readonly externalProjects = new Set<string>();
  /** docs/portainer-api.md#jwt-login: regenerated at every start, so a restart kills every JWT. */
  jwtSecret = randomBytes(32);
  private nextStackId = 1;
  private nextKeyId = 1;
  /** What runs behind the records: containers and Swarm services (docs/portainer-api.md#docker-proxy). */
  readonly docker = new DockerHost();

  constructor(options: SimulatorOptions) {
    this.features = featuresFor(options.version ?? '2.21.4');
    this.asyncDeploy = options.asyncDeploy ?? this.features.asyncDefault;
    this.endpoints = (options.endpoints ?? [{ id: 1, name: 'local', type: 1 }]).map((e) => ({
      id: e.id,
      name: e.name,
      type: e.type,
      url: e.url ?? (e.type === 1 ? 'unix:///var/run/docker.sock' : `tcp://${e.name}:9001`),
      status: e.status ?? 1,
      swarm: e.swarm ?? false,
      swarmClusterId: e.swarmClusterId ?? (e.swarm ? clusterIdFor(e.id) : ''),
    }));
    this.users = (options.users ?? [{ id: 1, username: 'admin', password: 'adminpassword', admin: true }]).map((u) => ({
      ...u,
      admin: u.admin ?? u.id === 1,
    }));
    const owner = this.users[0];
    for (const key of options.apiKeys ?? ['ptr_simulatortoken']) {
      if (owner) this.addApiKey(key, owner.id, 'seeded by the simulator');
    }
    for (const p of options.externalProjects ?? []) this.externalProjects.add(`${p.endpointId}/${p.name}`);
    for (const s of options.stacks ?? []) {
      const type = s.type ?? 2;
      const endpoint = this.endpoint(s.endpointId);
      this.addStack({
        name: s.name,
        type,
        endpointId: s.endpointId,
        swarmId: type === 1 ? (endpoint?.swarmClusterId ?? '') : '',
        env: s.env ?? [],
        composeText: s.composeText,
        status: s.status ?? 1,
        createdBy: owner?.username ?? 'admin',
        git: s.git && {
          url: s.git.url,
          ref: s.git.ref ?? 'refs/heads/main',
          file: s.git.file ?? 'docker-compose.yml',
          hash: createHash('sha1')
            .update(s.git.url + s.composeText)
            .digest('hex'),
        },
      });
    }
    this.seedRuntime(options);
  }

  /** Active seeded stacks run their file; external projects and orphans run beside them; then the knobs. */
  private seedRuntime(options: SimulatorOptions): void {
    for (const s of this.stacks.values()) if (s.status === 1) this.docker.up(s);
    for (const p of options.externalProjects ?? []) this.docker.compose.plant(p.endpointId, p.name, 'app');
    for (const o of options.orphans ?? []) this.docker.orphan(o, this.endpoint(o.endpointId)?.swarm ?? false);
    for (const f of options.serviceFaults ?? []) this.docker.fault(f);
  }

  endpoint(id: number): Required<SimEndpoint> | undefined {
    return this.endpoints.find((e) => e.id === id);
  }

  user(id: number): Required<SimUserSeed> | undefined {
    return this.users.find((u) => u.id === id);
  }

  addApiKey(raw: string, userId: number, description: string): ApiKeyRecord {
    const record: ApiKeyRecord = {
      id: this.nextKeyId++,
      userId,
      description,
      prefix: raw.slice(0, 7),
      dateCreated: nowSeconds(),
      lastUsed: 0,
    };
    this.apiKeys.set(raw, record);
    return record;
  }

  addStack(s: Pick<StackRecord, 'name' | 'type' | 'endpointId' | 'swarmId' | 'env' | 'composeText' | 'status' | 'createdBy' | 'git'>): StackRecord {
    const now = nowSeconds();
    const record: StackRecord = {
      ...s,
      id: this.nextStackId++,
      creationDate: now,
      updateDate: 0,
      updatedBy: '',
      fromAppTemplate: false,
      prune: false,
      deploymentStatus: [],
    };
    this.stacks.set(record.id, record);
    return record;
  }

  view(s: StackRecord): SimStackView {
    const v: SimStackView = {
      id: s.id,
      name: s.name,
      endpointId: s.endpointId,
      type: s.type,
      env: s.env.map((p) => ({ ...p })),
      composeText: s.composeText,
      status: s.status,
      swarmId: s.swarmId,
      git: s.git !== undefined,
    };
    if (this.asyncDeploy) v.deploymentStatus = s.deploymentStatus.map((d) => ({ ...d }));
    return v;
  }
}
