import { z } from 'zod';

import type { VmRow } from './many';
import { planToJson, resultsToJson } from './plan-json';
import { statusToJson } from './status';

const envJson = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
  details: z.array(z.object({ name: z.string(), change: z.string(), value: z.string().optional(), hidden: z.string().optional() })),
});

/** What runs for a stack: services of the file that do not run as asked, and orphan services. */
export const runtimeJsonSchema = z.object({
  kind: z.enum(['compose', 'swarm']),
  running: z.number(),
  total: z.number(),
  problems: z.array(
    z.object({
      service: z.string(),
      problem: z.enum(['exited', 'restarting', 'dead', 'created', 'paused', 'removing', 'unknown', 'unhealthy', 'missing', 'replicas']),
      exitCode: z.number().optional(),
      running: z.number().optional(),
      desired: z.number().optional(),
    }),
  ),
  orphans: z.array(z.object({ service: z.string(), remove: z.boolean(), units: z.array(z.object({ id: z.string(), name: z.string() })) })),
});

export const planJsonSchema = z.object({
  hasChanges: z.boolean(),
  summary: z.object({ create: z.number(), update: z.number(), delete: z.number(), start: z.number(), noop: z.number(), conflict: z.number(), orphansToRemove: z.number() }),
  items: z.array(
    z.object({
      stack: z.string(),
      action: z.enum(['create', 'update', 'delete', 'start', 'noop', 'conflict']),
      reason: z.string(),
      stackId: z.number().optional(),
      adopt: z.boolean().optional(),
      /** The update asks Portainer to pull the images first (--pull). */
      pull: z.boolean().optional(),
      /** The update only redeploys (--redeploy, --pull): the file and env already match. */
      redeploy: z.boolean().optional(),
      composeDiff: z.string(),
      composeDiffOmitted: z.boolean(),
      composeLinesChanged: z.number().optional(),
      env: envJson,
      conflict: z.object({ kind: z.string(), resolution: z.string() }).optional(),
      /** An update sent with Prune: Swarm orphan services go (`--prune`). */
      prune: z.boolean().optional(),
      runtime: runtimeJsonSchema.optional(),
    }),
  ),
  orphans: z.array(z.string()),
});

const resultsJson = z.array(
  z.object({
    stack: z.string(),
    action: z.string(),
    outcome: z.string(),
    recovered: z.boolean().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    /** A failed update of a running stack: whether its previous file and env were put back. */
    rolledBack: z.boolean().optional(),
    rollbackError: z.object({ code: z.string(), message: z.string() }).optional(),
  }),
);

export const statusStacksSchema = z.array(
  z.object({
    stack: z.string(),
    state: z.string(),
    declared: z.boolean(),
    stackId: z.number().optional(),
    git: z.boolean(),
    detail: z.string(),
    composeDiff: z.string(),
    composeDiffOmitted: z.boolean(),
    composeLinesChanged: z.number().optional(),
    env: envJson,
    runtime: runtimeJsonSchema.optional(),
  }),
);

/** Which VMs the run took: the named ones (one VM is a selection of one), every VM, or one phoenix environment's. */
export const selectionSchema = z.union([z.object({ vmids: z.array(z.number()), stack: z.string().optional() }), z.object({ all: z.literal(true) }), z.object({ env: z.string() })]);

const vmJson = {
  vm: z.object({ vmid: z.number(), name: z.string(), phoenixEnvironment: z.string().nullable() }),
  portainerEnvironment: z.object({ id: z.number(), name: z.string(), swarm: z.boolean() }).nullable(),
  outcome: z.string(),
  exitCode: z.number(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
  /** An agent VM whose Portainer environment does not exist: converge registers it before the stacks. */
  register: z.object({ name: z.string(), url: z.string() }).optional(),
  /** converge registered that environment (`recovered`: confirmed by re-reading Portainer after a lost answer or a duplicate name). */
  registered: z.object({ name: z.string(), url: z.string(), environmentId: z.number(), recovered: z.boolean() }).optional(),
};

const portainerJson = z.object({ url: z.string(), version: z.string() }).nullable();

/** `result` of `plan` and `converge --json`, the same for one VM and many. */
export const convergeResultSchema = z.object({
  selection: selectionSchema,
  portainer: portainerJson,
  applied: z.boolean(),
  vms: z.array(z.object({ ...vmJson, plan: planJsonSchema.nullable(), results: resultsJson.nullable() })),
});

/** `result` of `status --json`, the same for one VM and many. */
export const statusResultSchema = z.object({
  selection: selectionSchema,
  portainer: portainerJson,
  inSync: z.boolean(),
  vms: z.array(z.object({ ...vmJson, inSync: z.boolean().nullable(), outOfSync: z.number().nullable(), stacks: statusStacksSchema.nullable() })),
});

export type ConvergeResultJson = z.infer<typeof convergeResultSchema>;
export type StatusResultJson = z.infer<typeof statusResultSchema>;

function vmToJson(row: VmRow) {
  return {
    vm: { vmid: row.vmid, name: row.name, phoenixEnvironment: row.phoenixEnvironment ?? null },
    portainerEnvironment: row.portainerEnvironment ?? null,
    outcome: row.outcome,
    exitCode: row.exitCode,
    ...(row.error ? { error: row.error } : {}),
    ...(row.plan?.register ? { register: { name: row.plan.register.name, url: row.plan.register.url } } : {}),
    ...(row.registered ? { registered: { name: row.registered.name, url: row.registered.url, environmentId: row.registered.environmentId, recovered: row.registered.recovered } } : {}),
  };
}

type Head = Pick<ConvergeResultJson, 'selection' | 'portainer'>;

/** Built field by field from the rows, so no env value the plan does not show can slip in. */
export function convergeToJson(head: Head, applied: boolean, rows: readonly VmRow[]): ConvergeResultJson {
  return {
    ...head,
    applied,
    vms: rows.map((row) => ({ ...vmToJson(row), plan: row.plan ? planToJson(row.plan) : null, results: row.results ? resultsToJson(row.results) : null })),
  };
}

export function statusRunToJson(head: Head, rows: readonly VmRow[]): StatusResultJson {
  return {
    ...head,
    inSync: rows.every((row) => row.status === undefined || row.status.outOfSync === 0),
    vms: rows.map((row) => ({
      ...vmToJson(row),
      inSync: row.status ? row.status.outOfSync === 0 : null,
      outOfSync: row.status ? row.status.outOfSync : null,
      stacks: row.status ? statusToJson(row.status.stacks) : null,
    })),
  };
}
