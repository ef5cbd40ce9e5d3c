/**
 * zod schemas for Portainer's answers: loose objects (unknown fields pass), strict on the
 * fields we read. Key casing is the live API's (docs/portainer-api.md#stack-object,
 * docs/portainer-api.md#environments), not the spec's.
 */
import { z } from 'zod';
import type { EnvironmentKind, EnvironmentState, EnvPair, PortainerEnvironment, PortainerStack, StackStatus } from './types';

const int = z.number().int();

/** `Env` may be null on the wire: treat as []. */
const envList = z
  .array(z.looseObject({ name: z.string(), value: z.string() }))
  .nullish()
  .transform((pairs): EnvPair[] => (pairs ?? []).map(({ name, value }) => ({ name, value })));

const STACK_TYPES = { 1: 'swarm', 2: 'compose', 3: 'kubernetes' } as const;

/**
 * Portainer's numbers become words here, at the client boundary, so that no code above
 * src/portainer/ compares one. A number not in a table (a newer Portainer) reads as 'unknown'.
 */
const STACK_STATUSES: Readonly<Record<number, StackStatus>> = { 1: 'active', 2: 'inactive', 3: 'deploying', 4: 'failed' };
const ENVIRONMENT_KINDS: Readonly<Record<number, EnvironmentKind>> = {
  1: 'docker',
  2: 'docker-agent',
  3: 'azure-aci',
  4: 'docker-edge-agent',
  5: 'kubernetes',
  6: 'kubernetes-agent',
  7: 'kubernetes-edge-agent',
};
const ENVIRONMENT_STATES: Readonly<Record<number, EnvironmentState>> = { 1: 'up', 2: 'down' };

function word<T extends string>(table: Readonly<Record<number, T>>, n: number | undefined): T | 'unknown' {
  return (n !== undefined && Object.hasOwn(table, n) ? table[n] : undefined) ?? 'unknown';
}

export const stackSchema = z
  .looseObject({
    Id: int,
    Name: z.string(),
    Type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    EndpointId: int,
    SwarmId: z.string().nullish(),
    Env: envList,
    // Status arrived in 2.0.0; 0 means "not reported" (both read as 'unknown').
    Status: int.optional(),
    GitConfig: z.looseObject({ URL: z.string() }).nullish(),
    DeploymentStatus: z.array(z.looseObject({ Message: z.string().optional() })).nullish(),
  })
  .transform((s): PortainerStack => {
    const stack: PortainerStack = {
      id: s.Id,
      name: s.Name,
      type: STACK_TYPES[s.Type],
      endpointId: s.EndpointId,
      swarmId: s.SwarmId ?? '',
      env: s.Env,
      status: word(STACK_STATUSES, s.Status),
      git: s.GitConfig ? { url: s.GitConfig.URL } : null,
    };
    const last = s.DeploymentStatus?.at(-1)?.Message;
    if (last) stack.deploymentMessage = last;
    return stack;
  });

/** `GET /api/stacks` may answer `null`: treat as []. */
export const stackListSchema = z
  .array(stackSchema)
  .nullable()
  .transform((list) => list ?? []);

/** One environment, as listed and as `POST /api/endpoints` answers it. */
export const environmentSchema = z
  .looseObject({
    Id: int,
    Name: z.string(),
    Type: int,
    URL: z.string().nullish(),
    Status: int,
    Snapshots: z.array(z.looseObject({ Swarm: z.boolean().optional() })).nullish(),
  })
  .transform((e): PortainerEnvironment => ({
    id: e.Id,
    name: e.Name,
    kind: word(ENVIRONMENT_KINDS, e.Type),
    url: e.URL ?? '',
    state: word(ENVIRONMENT_STATES, e.Status),
    swarm: e.Snapshots?.[0]?.Swarm ?? false,
  }));

export const environmentListSchema = z
  .array(environmentSchema)
  .nullable()
  .transform((list) => list ?? []);

export const statusSchema = z.looseObject({ Version: z.string().min(1) });
export const swarmSchema = z.looseObject({ ID: z.string().min(1) });
export const stackFileSchema = z.looseObject({ StackFileContent: z.string() });
export const authSchema = z.looseObject({ jwt: z.string().min(1) });
export const apiKeySchema = z.looseObject({ rawAPIKey: z.string().min(1) });
export const currentUserSchema = z.looseObject({ Id: int, Username: z.string() }).transform((u) => ({ id: u.Id, username: u.Username }));

/** Portainer's error body: `{message, details}` since 1.19.2, `{err}` before. */
export const errorBodySchema = z.looseObject({
  message: z.string().optional(),
  details: z.string().optional(),
  err: z.string().optional(),
});
