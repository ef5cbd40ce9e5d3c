import { parse as parseYaml } from 'yaml';
import type { SimRuntime } from './context';
import { isRecord } from './http-util';
import type { StackRecord } from './state';

/**
 * What `docker compose up` / `docker stack deploy` would print when the
 * deploy fails, or undefined when it would succeed. The simulator runs no
 * containers: it only checks what compose checks first (the file is YAML with
 * a `services` mapping) plus the failures injected with `failDeployFor`.
 */
export function deployError(rt: SimRuntime, s: Pick<StackRecord, 'name' | 'type' | 'endpointId' | 'composeText' | 'id'> & Partial<Pick<StackRecord, 'env'>>): string | undefined {
  const prefix = s.type === 1 ? 'failed to deploy a stack: ' : 'Failed to deploy a stack: compose up operation failed: ';
  const file = `/data/compose/${s.id}/docker-compose.yml`;
  let doc: unknown;
  try {
    doc = parseYaml(s.composeText);
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return `${prefix}yaml: ${file}: ${first}`;
  }
  if (!isRecord(doc)) return `${prefix}${file}: Top-level object must be a mapping`;
  const services = doc.services;
  if (!isRecord(services)) return `${prefix}${file}: services must be a mapping`;
  if (Object.keys(services).length === 0) return `${prefix}no service selected`;
  const endpoint = rt.state.endpoint(s.endpointId);
  if (s.type === 1 && !endpoint?.swarm) {
    return `${prefix}this node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again`;
  }
  if (rt.faults.failsDeploy(s.name, s.composeText)) {
    // With echoEnvOnFailure the error echoes the env, raw and Go-quoted (%q), as compose's own
    // errors do (an interpolation or a container start failure): the case that must never leak.
    const echoed =
      rt.faults.echoesEnv && s.env?.length
        ? ` (environment: ${s.env.map((e) => `${e.name}=${e.value}`).join(' ')}; quoted: ${s.env.map((e) => JSON.stringify(`${e.name}=${e.value}`)).join(' ')})`
        : '';
    return `${prefix}Error response from daemon: simulated deploy failure for stack '${s.name}'${echoed}`;
  }
  return undefined;
}

/**
 * Async versions (docs/portainer-api.md#asynchronous-deploys): the handler has already
 * saved Status 3; after deployMs the stack becomes 1, or 4 with the error
 * appended to DeploymentStatus. A failed update puts `previousFile` back
 * (RollbackStackFile in postDeploy); the new Env stays saved.
 */
export function scheduleAsyncDeploy(rt: SimRuntime, stack: StackRecord, previousFile?: string, onDone?: (ok: boolean) => void): void {
  const timer = setTimeout(() => {
    rt.timers.delete(timer);
    const live = rt.state.stacks.get(stack.id);
    if (live !== stack) return; // deleted meanwhile
    const error = deployError(rt, stack);
    const Time = Math.floor(Date.now() / 1000);
    if (error === undefined) {
      stack.status = 1;
      stack.deploymentStatus.push({ Status: 1, Time });
    } else {
      stack.status = 4;
      stack.deploymentStatus.push({ Status: 4, Time, Message: error });
      if (previousFile !== undefined) stack.composeText = previousFile;
    }
    onDone?.(error === undefined);
  }, rt.faults.deployMs);
  rt.timers.add(timer);
}

export function markDeploying(stack: StackRecord): void {
  stack.status = 3;
  stack.deploymentStatus.push({ Status: 3, Time: Math.floor(Date.now() / 1000) });
}

/** Docker's own names for a compose project's services, used by the container listing. */
export function serviceNames(composeText: string): string[] {
  try {
    const doc: unknown = parseYaml(composeText);
    if (isRecord(doc) && isRecord(doc.services)) return Object.keys(doc.services);
  } catch {
    // an invalid file deploys nothing
  }
  return [];
}
