/**
 * Where the Portainer client meets the parts that do not know Portainer: the planner's view of
 * a live stack, and the StackWriter that apply executes a plan through.
 */
import type { StackWriter, WriteFailureKind, WrittenStack } from '../apply';
import type { LiveStackInput } from '../plan';
import { classifyWriteFailure, isAlreadyActive, PortainerApiError } from '../portainer';
import type { PortainerClient, PortainerEnvironment, PortainerStack, PortainerVersion } from '../portainer';

export function liveInput(stack: PortainerStack, composeText: string | undefined): LiveStackInput {
  return {
    id: stack.id,
    name: stack.name,
    composeText,
    env: stack.env,
    git: stack.git !== null,
    failed: stack.status === 'failed',
    running: stack.status === 'active',
    stopped: stack.status === 'inactive',
  };
}

/**
 * What an error of the Portainer client leaves behind after a write, in apply's words. A definite
 * server error (a 500: compose failed to deploy) is `deploy-failed`: from 2.15 such an update has
 * taken the running stack down, so apply rolls it back (docs/portainer-api.md#failed-updates).
 */
export function writeFailureKind(error: unknown): WriteFailureKind {
  const kind = classifyWriteFailure(error);
  return kind === 'definite' && error instanceof PortainerApiError && error.kind === 'server' ? 'deploy-failed' : kind;
}

/** Portainer's own message of an error answer, for reports such as "update failed: <message>". */
export function writeFailureMessage(error: unknown): string | undefined {
  return error instanceof PortainerApiError ? error.portainerMessage : undefined;
}

export function writerFor(client: PortainerClient, version: PortainerVersion, environment: PortainerEnvironment, swarmId: string | undefined): StackWriter {
  const endpointId = environment.id;
  const written = (s: PortainerStack): WrittenStack => ({ id: s.id, name: s.name, endpointId: s.endpointId, status: s.status, deploymentMessage: s.deploymentMessage, env: s.env });
  return {
    createStack: async (input) => written(await client.createStack(version, { endpointId, swarmId, ...input })),
    updateStack: async (input) => written(await client.updateStack({ ...input, endpointId, swarm: swarmId !== undefined }, version)),
    startStack: async (id) => {
      try {
        return written(await client.startStack(id, endpointId));
      } catch (error) {
        // Started by someone else since the plan: the start's end state is there, so it counts as done.
        if (!isAlreadyActive(error)) throw error;
        return written(await client.getStack(id));
      }
    },
    removeContainer: (id) => client.removeContainer(endpointId, id),
    deleteStack: (id) => client.deleteStack(id, endpointId),
    getStack: async (id) => written(await client.getStack(id)),
    listStacks: async () => (await client.listStacks()).filter((s) => s.endpointId === endpointId).map(written),
    stackFile: (id) => client.stackFile(id),
    failureKind: writeFailureKind,
    failureMessage: writeFailureMessage,
  };
}
