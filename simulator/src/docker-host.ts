import { serviceModels, volumeNames } from './compose-model';
import { ContainerRuntime, PROJECT, SERVICE, statusText } from './runtime';
import type { StackRecord } from './state';
import { desiredTasks, runningTasks, SwarmRuntime } from './swarm';
import type { SimContainerView, SimDeployment, SimOrphanSeed, SimServiceFault, SimServiceView, SimVolumeView } from './types';

type Stack = Pick<StackRecord, 'id' | 'name' | 'type' | 'endpointId' | 'composeText' | 'env'>;

/**
 * The Docker side of every simulated environment: what Portainer's deploys, stops and deletes do
 * to containers (standalone) and services (Swarm), and the log of those deploys with the pull and
 * prune flags that tests read (docs/portainer-api.md#start-and-stop,
 * docs/portainer-api.md#pull-and-redeploy, docs/portainer-api.md#deleting-a-stack).
 */
export class DockerHost {
  readonly compose = new ContainerRuntime();
  readonly swarm = new SwarmRuntime();
  readonly deployments: SimDeployment[] = [];
  /** Named volumes of compose projects: created by `up`, never removed by down, a stack delete or a container removal. */
  readonly volumes: SimVolumeView[] = [];

  /** A successful deploy: compose `up -d` (orphans stay), or `docker stack deploy [--prune]`. */
  up(stack: Stack, prune = false): void {
    const models = serviceModels(stack.name, stack.composeText, stack.env);
    if (stack.type === 1) {
      this.swarm.deploy(stack.endpointId, stack.name, models, prune);
      return;
    }
    this.compose.up(stack.endpointId, stack.name, stack.id, models);
    for (const v of volumeNames(stack.name, stack.composeText, stack.env)) {
      if (this.volumes.some((x) => x.endpointId === stack.endpointId && x.name === v.name)) continue;
      this.volumes.push({ endpointId: stack.endpointId, name: v.name, project: stack.name, volume: v.key, createdAt: new Date().toISOString() });
    }
  }

  /** Stop and delete: `compose down --remove-orphans` (volumes stay), or `docker stack rm`. */
  down(stack: Pick<Stack, 'type' | 'endpointId' | 'name'>): void {
    if (stack.type === 1) this.swarm.rm(stack.endpointId, stack.name);
    else this.compose.down(stack.endpointId, stack.name);
  }

  record(stack: Stack, kind: SimDeployment['kind'], flags: { pull?: boolean; prune?: boolean }, outcome: SimDeployment['outcome']): SimDeployment {
    const d: SimDeployment = { stackId: stack.id, stack: stack.name, endpointId: stack.endpointId, kind, pull: flags.pull ?? false, prune: flags.prune ?? false, outcome, at: Date.now() };
    this.deployments.push(d);
    return d;
  }

  /** A compose project or stack namespace of that name runs on the environment (docs/portainer-api.md#name-conflicts). */
  hasProject(endpointId: number, name: string, swarmToo: boolean): boolean {
    return this.compose.of(endpointId, name).length > 0 || (swarmToo && this.swarm.of(endpointId, name).length > 0);
  }

  fault(f: SimServiceFault): number {
    if (f.sticky) {
      this.compose.stickyFaults.push(f);
      this.swarm.stickyFaults.push(f);
    }
    return this.compose.applyFault(f) + this.swarm.applyFault(f);
  }

  orphan(o: SimOrphanSeed, swarmEndpoint: boolean): SimContainerView | SimServiceView {
    return swarmEndpoint ? serviceView(this.swarm.plant(o.endpointId, o.stack, o.service, o.image)) : containerView(this.compose.plant(o.endpointId, o.stack, o.service, o.image));
  }

  containerViews(endpointId?: number): SimContainerView[] {
    return this.compose.containers.filter((c) => endpointId === undefined || c.endpointId === endpointId).map(containerView);
  }

  serviceViews(endpointId?: number): SimServiceView[] {
    return this.swarm.services.filter((s) => endpointId === undefined || s.endpointId === endpointId).map(serviceView);
  }
}

function containerView(c: ContainerRuntime['containers'][number]): SimContainerView {
  return {
    id: c.id,
    endpointId: c.endpointId,
    name: c.name,
    image: c.image,
    project: c.labels[PROJECT],
    service: c.labels[SERVICE],
    state: c.state,
    status: statusText(c),
    labels: { ...c.labels },
  };
}

function serviceView(s: SwarmRuntime['services'][number]): SimServiceView {
  return {
    id: s.id,
    endpointId: s.endpointId,
    name: `${s.stack}_${s.service}`,
    stack: s.stack,
    service: s.service,
    image: s.image,
    mode: s.global ? 'global' : 'replicated',
    desiredTasks: desiredTasks(s),
    runningTasks: runningTasks(s),
  };
}
