import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createTwoFilesPatch } from 'diff';

import { applyPromotion, closest, displayPath, listVms, loadConfig, parseConfigText, planPromotion, resolveVm } from '../config';
import type { LoadedConfig, PromotionPlan } from '../config';
import { ConfigError, ConflictError, PhoenixError, UsageError, worstExitCode } from '../errors';
import { prepareMany } from './converge-many';
import type { ManyRequest, VmRun } from './converge-many';

export interface PromoteRequest extends Omit<ManyRequest, 'selection' | 'prune' | 'adopt' | 'lock'> {
  from: string;
  to: string;
  /** Stack names; empty means every stack that a VM runs in the source environment. */
  stacks: string[];
  force: boolean;
}

export interface SourceDrift {
  vmid: number;
  name: string;
  stack?: string;
  action: string;
  reason: string;
}

export interface PreparedPromotion {
  config: LoadedConfig;
  plan: PromotionPlan;
  /** Whether the target environment is `protected` (writing needs confirmation). */
  protectedTarget: boolean;
  before: string;
  after: string;
  /** Unified diff of the config file ('' when nothing changes). */
  diff: string;
  /** `matched`: the source runs what its config says; `forced`: not checked (--force); `not-needed`: nothing to promote. */
  sourceCheck: 'matched' | 'forced' | 'not-needed';
  warnings: string[];
}

function knownEnvironments(config: LoadedConfig): string[] {
  const declared = Object.keys(config.environments);
  if (declared.length > 0) return declared.sort();
  return [...new Set(listVms(config).flatMap((vm) => [...(vm.environment ? [vm.environment] : []), ...vm.stackEnvironments]))].sort();
}

function checkEnvironment(config: LoadedConfig, name: string, flag: string): void {
  const known = knownEnvironments(config);
  if (known.includes(name)) return;
  const suggestion = closest(name, known);
  throw new ConfigError(`${flag} ${name}: unknown environment${suggestion ? `; did you mean "${suggestion}"?` : ''}`, {
    code: 'UNKNOWN_ENVIRONMENT',
    hint: known.length > 0 ? `Environments of the config: ${known.join(', ')}.` : 'Declare environments in the "environments" block.',
  });
}

/** Stacks some VM runs in `env` (each entry's environment, else its VM's), sorted. */
async function stacksRunIn(config: LoadedConfig, env: string): Promise<string[]> {
  const names = new Set<string>();
  for (const vm of listVms(config).filter((v) => v.stackEnvironments.includes(env))) {
    for (const stack of (await resolveVm(config, vm.vmid)).stacks) if (stack.environment === env) names.add(stack.name);
  }
  return [...names].sort();
}

/**
 * Refuses (exit 73, or the VM's own failure) when the source environment's live stacks differ
 * from its desired state for the promoted stacks: what would be promoted was not what runs there.
 */
async function checkSource(request: PromoteRequest, stacks: readonly string[]): Promise<void> {
  const prepared = await prepareMany({ ...request, selection: { env: request.from }, prune: false, adopt: false });
  try {
    const promoted = new Set(stacks.map((s) => s.toLowerCase()));
    const drift: SourceDrift[] = [];
    const failures: VmRun[] = [];
    for (const run of prepared.runs) {
      if (run.error) failures.push(run);
      const environmentOf = (stack: string) => run.prepared?.vm.stacks.find((s) => s.name.toLowerCase() === stack.toLowerCase())?.environment;
      for (const item of run.prepared?.plan.items ?? []) {
        if (item.action === 'noop' || !promoted.has(item.stack.toLowerCase()) || environmentOf(item.stack) !== request.from) continue;
        drift.push({ vmid: run.vm.vmid, name: run.vm.name, stack: item.stack, action: item.action, reason: item.reason });
      }
    }
    if (failures.length > 0) {
      throw new PhoenixError(`cannot check what environment "${request.from}" runs: ${failures.map((run) => `vm ${run.vm.vmid}: ${run.error?.message}`).join('; ')}`, {
        code: 'PROMOTE_SOURCE_UNCHECKED',
        exitCode: worstExitCode(failures.map((run) => run.exitCode)),
        hint: 'Fix that, or promote without the check with --force.',
      });
    }
    if (drift.length > 0) {
      throw new ConflictError(`environment "${request.from}" does not run what the config says for the stacks to promote; nothing was changed`, {
        code: 'PROMOTE_SOURCE_DRIFT',
        details: drift.map((d) => `vm ${d.vmid} (${d.name}) ${d.stack}: ${d.action} (${d.reason})`),
        hint: `Converge ${request.from} first (phoenix portainer converge --env ${request.from}) and test it, or promote the config as it is with --force.`,
      });
    }
  } finally {
    await prepared.close();
  }
}

/**
 * Everything up to the write: which stacks, the source check against Portainer (unless
 * `force`), the setting changes and the new file text with its diff. No write.
 */
export async function preparePromotion(request: PromoteRequest): Promise<PreparedPromotion> {
  if (request.from === request.to) throw new UsageError(`--from and --to are both "${request.from}"`, { hint: 'Promote from one environment to another, e.g. --from test --to prod.' });
  const config = await loadConfig(request.configPath);
  checkEnvironment(config, request.from, '--from');
  checkEnvironment(config, request.to, '--to');
  const before = await readFile(config.path, 'utf8');
  const { document } = parseConfigText(before.replace(/^\uFEFF/, ''), displayPath(config.path));
  const wanted = request.stacks.length > 0 ? request.stacks : (await stacksRunIn(config, request.from)).filter((name) => document.stacks?.[name] !== undefined);
  const plan = planPromotion(document, request.from, request.to, wanted);
  const warnings = plan.stacks.length === 0 ? [`no stack of the config's stacks block runs in environment "${request.from}": nothing to promote`] : [];
  if (!request.force && plan.changes.length > 0) await checkSource(request, plan.stacks);
  const after = applyPromotion(before, plan.changes);
  const file = basename(config.path);
  const diff =
    before === after
      ? ''
      : createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 })
          .split('\n')
          .filter((l) => !l.startsWith('====='))
          .join('\n')
          .trimEnd();
  return {
    config,
    plan,
    protectedTarget: config.environments[request.to]?.protected ?? false,
    before,
    after,
    diff,
    sourceCheck: plan.changes.length === 0 ? 'not-needed' : request.force ? 'forced' : 'matched',
    warnings,
  };
}

/**
 * Saves the promoted text: written beside the file and renamed over it (same mode), so a crash
 * never leaves half a config. Refuses when the file changed since it was read.
 */
export async function writePromotion(prepared: PreparedPromotion): Promise<void> {
  const current = await readFile(prepared.config.path, 'utf8');
  if (current !== prepared.before) {
    throw new ConflictError(`${displayPath(prepared.config.path)} changed while phoenix was promoting; nothing was written`, { code: 'CONFIG_CHANGED', hint: 'Run promote again.' });
  }
  const temporary = `${prepared.config.path}.phoenix-${process.pid}.tmp`;
  const { mode } = await stat(prepared.config.path);
  await writeFile(temporary, prepared.after, { mode: mode & 0o7777 });
  await rename(temporary, prepared.config.path);
}
