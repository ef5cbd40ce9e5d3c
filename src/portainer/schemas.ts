/**
 * zod schemas for Portainer's answers: loose objects (unknown fields pass), strict on the
 * fields we read. Key casing is the live API's (REFERENCE.md 2.3, 3.2), not the spec's.
 */
import { z } from 'zod';
import type { EnvPair, PortainerEnvironment, PortainerStack } from './types';

const int = z.number().int();

/** `Env` may be null on the wire: treat as []. */
const envList = z
  .array(z.looseObject({ name: z.string(), value: z.string() }))
  .nullish()
  .transform((pairs): EnvPair[] => (pairs ?? []).map(({ name, value }) => ({ name, value })));

const STACK_TYPES = { 1: 'swarm', 2: 'compose', 3: 'kubernetes' } as const;

export const stackSchema = z
  .looseObject({
    Id: int,
    Name: z.string(),
    Type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    EndpointId: int,
    SwarmId: z.string().nullish(),
    Env: envList,
    // Status arrived in 2.0.0; 0 means "not reported".
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
      status: s.Status ?? 0,
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

export const environmentListSchema = z
  .array(
    z
      .looseObject({
        Id: int,
        Name: z.string(),
        Type: int,
        URL: z.string().nullish(),
        Status: int,
        Snapshots: z.array(z.looseObject({ Swarm: z.boolean().optional() })).nullish(),
      })
      .transform(
        (e): PortainerEnvironment => ({
          id: e.Id,
          name: e.Name,
          type: e.Type,
          url: e.URL ?? '',
          status: e.Status,
          swarm: e.Snapshots?.[0]?.Swarm ?? false,
        }),
      ),
  )
  .nullable()
  .transform((list) => list ?? []);

export const statusSchema = z.looseObject({ Version: z.string().min(1) });
export const swarmSchema = z.looseObject({ ID: z.string().min(1) });
export const stackFileSchema = z.looseObject({ StackFileContent: z.string() });
export const authSchema = z.looseObject({ jwt: z.string().min(1) });
export const apiKeySchema = z.looseObject({ rawAPIKey: z.string().min(1) });
export const currentUserSchema = z
  .looseObject({ Id: int, Username: z.string() })
  .transform((u) => ({ id: u.Id, username: u.Username }));

/** Portainer's error body: `{message, details}` since 1.19.2, `{err}` before. */
export const errorBodySchema = z.looseObject({
  message: z.string().optional(),
  details: z.string().optional(),
  err: z.string().optional(),
});
