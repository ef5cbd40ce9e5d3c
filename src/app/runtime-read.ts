/**
 * What runs on a Portainer environment, for the planner: read once per environment and shared by
 * every VM of the run that deploys there (one request, never one per stack). The service names it
 * is held against come with each desired stack, from the config check's parse of its file.
 */
import type { EnvironmentRuntime, RuntimeUnitInput } from '../plan';
import { PortainerApiError } from '../portainer';
import type { PortainerClient, PortainerEnvironment, RuntimeUnit } from '../portainer';

/** The reads of a run, per environment id; a second VM on the same environment waits for the first read. */
export type RuntimeCache = Map<number, Promise<EnvironmentRuntime | undefined>>;

/** Environments whose Docker Portainer proxies; Kubernetes and Azure ones run no compose stacks to read. */
const DOCKER_KINDS: ReadonlySet<string> = new Set(['docker', 'docker-agent', 'docker-edge-agent', 'unknown']);

function unitInput(unit: RuntimeUnit): RuntimeUnitInput {
  const base = { id: unit.id, name: unit.name, project: unit.project, service: unit.service };
  if (unit.kind === 'swarm-service') return { ...base, ...(unit.running === undefined ? {} : { running: unit.running }), ...(unit.desired === undefined ? {} : { desired: unit.desired }) };
  return { ...base, state: unit.state, ...(unit.exitCode === undefined ? {} : { exitCode: unit.exitCode }), ...(unit.health === undefined ? {} : { health: unit.health }) };
}

/**
 * Swarm environments run stacks as services, standalone ones as compose containers. When Portainer
 * answers the read with an error (an agent it cannot reach, a node that is not a Swarm manager,
 * a proxy refusing it), the plan goes on without it: stored files and env still converge, stopped
 * stacks are still seen from their Status, and with nothing read nothing is removed. One warning
 * per environment says what is not reported. Failures that stop every read (Portainer
 * unreachable, not Portainer, the token refused) stay errors.
 */
export function environmentRuntime(client: PortainerClient, cache: RuntimeCache, environment: PortainerEnvironment, warn?: (line: string) => void): Promise<EnvironmentRuntime | undefined> {
  let read = cache.get(environment.id);
  if (read === undefined) {
    const reading: Promise<EnvironmentRuntime | undefined> = !DOCKER_KINDS.has(environment.kind)
      ? Promise.resolve(undefined)
      : environment.swarm
        ? client.swarmServices(environment.id).then((units) => ({ kind: 'swarm' as const, units: units.map(unitInput) }))
        : client.containers(environment.id).then((units) => ({ kind: 'compose' as const, units: units.map(unitInput) }));
    read = reading.catch((error: unknown) => {
      if (!(error instanceof PortainerApiError) || error.kind === 'auth') throw error;
      warn?.(
        `Could not read what runs on Portainer environment ${JSON.stringify(environment.name)} (id ${environment.id}): ${error.message}. ` +
          'Services down and orphan services are not reported for it, and none is removed; stored files and env are planned as usual.',
      );
      return undefined;
    });
    cache.set(environment.id, read);
  }
  return read;
}
