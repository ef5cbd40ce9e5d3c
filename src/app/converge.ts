import { applyPlan, previousSecrets } from '../apply';
import type { ApplyResult, StackWriter } from '../apply';
import { closest, loadConfig, resolveVm } from '../config';
import type { LoadedConfig, ResolvedVm } from '../config';
import { ConfigError } from '../errors';
import { assertCanPull, environmentNamed, printableText } from '../portainer';
import type { AgentEnvironmentInput, PortainerClient, PortainerEnvironment, PortainerStack, PortainerVersion } from '../portainer';
import { agentEnvironment, pendingEnvironment, registerEnvironment } from './agent-environments';
import type { RegistrationOutcome } from './agent-environments';
import { liveInput, writerFor } from './portainer-adapter';
import { plan, stackKey } from '../plan';
import type { EnvironmentRuntime, LiveStackInput, Plan, PlanOptions } from '../plan';
import { mapLimit } from '../util/concurrency';
import { desiredInput, StackSecrets } from './desired-env';
import { connect } from './connection';
import { assertSoleClaim } from './stack-claims';
import { environmentRuntime } from './runtime-read';
import type { RuntimeCache } from './runtime-read';
import type { ConnectionFlags } from './connection';
import type { VmLock } from './lock';

export interface ConvergeRequest extends ConnectionFlags {
  configPath: string;
  vmid: number;
  stack?: string;
  prune: boolean;
  adopt: boolean;
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  warn: (line: string) => void;
}

export interface PreparedConverge {
  config: LoadedConfig;
  vm: ResolvedVm;
  url: string;
  version: PortainerVersion;
  /** The Portainer environment (endpoint) the VM deploys to; not its phoenix environment (`vm.environment`: dev/test/prod). */
  portainerEnvironment: PortainerEnvironment;
  plan: Plan;
  writer: StackWriter;
  client: PortainerClient;
  secrets: string[];
  /** The live stacks of the environment whose files were read (what the plan saw). */
  live: LiveStackInput[];
  /** An agent VM whose environment Portainer lacks: registered by converge before its stacks (portainerEnvironment is a stand-in until then). */
  register?: AgentEnvironmentInput;
  /** Set once converge registered it. */
  registered?: RegistrationOutcome;
}

/**
 * One connection to Portainer shared by every VM of a run: one version check, one environments
 * list and one stacks list, however many VMs are planned (`--all`, `--env`, status, promote).
 */
export interface PortainerSession {
  client: PortainerClient;
  url: string;
  secrets: string[];
  version: PortainerVersion;
  environments: PortainerEnvironment[];
  /** Every stack Portainer has, on every environment, read once. */
  stacks: PortainerStack[];
  /** What runs, read once per environment when a VM of it is planned (created when first needed). */
  runtime?: RuntimeCache;
  /** Where a runtime read that Portainer refused is reported (stderr). */
  warn?: (line: string) => void;
}

export type SessionRequest = ConnectionFlags &
  Pick<ConvergeRequest, 'env' | 'log' | 'warn'> & {
    stackSecrets?: StackSecrets;
    /** --redeploy / --pull; a pull that this Portainer cannot do is refused once its version is known, before any plan. */
    redeploy?: PlanOptions['redeploy'];
  };

/** Connects and reads what every VM's plan needs from Portainer. Closes the client on failure. */
export async function openSession(config: LoadedConfig, request: SessionRequest): Promise<PortainerSession> {
  const { client, url, secrets } = await connect(config, request, request.env, request.log, request.warn);
  try {
    const version = await client.status();
    if (request.redeploy === 'pull') assertCanPull(version);
    const [environments, stacks] = await Promise.all([client.environments(), client.listStacks()]);
    return { client, url, secrets: [...secrets, ...(request.stackSecrets?.all() ?? [])], version, environments, stacks, warn: request.warn };
  } catch (error) {
    await client.close();
    throw error;
  }
}

export interface PlanVmOptions {
  stack?: string;
  prune: boolean;
  adopt: boolean;
  concurrency: number;
  redeploy?: PlanOptions['redeploy'];
  /** The run's secret env values, loaded before any request. */
  stackSecrets?: StackSecrets;
  /** Warnings for stderr (an agent environment whose URL names the host another way). */
  warn?: (line: string) => void;
}

/** The plan of one resolved VM against the session's snapshot of Portainer. No write. */
export async function planVm(session: PortainerSession, config: LoadedConfig, vm: ResolvedVm, options: PlanVmOptions): Promise<PreparedConverge> {
  const { client, version } = session;
  const desired = vm.stacks.map((s) => ({ ...desiredInput(s, options.stackSecrets), ...(s.services === undefined ? {} : { services: s.services }) }));
  const agent = await agentEnvironment(config, vm, session.environments, options.warn ?? (() => undefined));
  const register = agent !== undefined && 'register' in agent ? agent.register : undefined;
  const environment = agent === undefined ? findEnvironment(vm, session.environments) : 'register' in agent ? pendingEnvironment(agent.register) : agent.environment;
  // An environment still to register holds nothing yet, and no other VM can claim stacks on it.
  if (register === undefined) assertSoleClaim(config, vm, environment, session.environments);
  const swarmId = register === undefined && environment.swarm ? await client.swarmClusterId(environment.id) : undefined;
  const onEndpoint = register === undefined ? session.stacks.filter((s) => s.endpointId === environment.id) : [];
  // Read the file of every stack of the environment (only the named one with a stack filter):
  // its marker says whether it is ours, so that an owned stack that left the config is deleted
  // with --prune and, without it, still named in the plan.
  const only = options.stack === undefined ? undefined : stackKey(options.stack);
  const candidates = only === undefined ? onEndpoint : onEndpoint.filter((s) => stackKey(s.name) === only);
  // What runs is read beside the stack files, once per environment (one request, not one per
  // stack), in the same pool: --concurrency bounds every request in flight. An environment still
  // to register runs nothing.
  const readRuntime = () => environmentRuntime(client, (session.runtime ??= new Map()), environment, session.warn);
  let running: EnvironmentRuntime | undefined;
  const reads = await mapLimit([...(register === undefined ? [undefined] : []), ...candidates], options.concurrency, async (s) => {
    if (s !== undefined) return liveInput(s, s.git ? undefined : await client.stackFile(s.id));
    running = await readRuntime();
    return undefined;
  });
  const live = reads.filter((read): read is LiveStackInput => read !== undefined);
  const thePlan = plan(
    desired,
    live,
    {
      vmid: vm.vmid,
      prune: options.prune,
      adopt: options.adopt,
      redeploy: options.redeploy,
      ...(register === undefined ? {} : { register: { name: register.name, url: register.url } }),
    },
    running,
  );
  // A roll-back sends the previous env back: its credentials are redacted like the run's secrets.
  // One lookup per plan item: a find() over `desired` for each made this quadratic in the stacks.
  const secretNames = new Map<string, readonly string[] | undefined>();
  for (const d of desired) if (!secretNames.has(d.name)) secretNames.set(d.name, d.secretNames);
  session.secrets.push(...previousSecrets(thePlan.items, (name) => secretNames.get(name) ?? []));
  return {
    config,
    vm,
    url: session.url,
    version,
    portainerEnvironment: environment,
    plan: thePlan,
    writer: writerFor(client, version, environment, swarmId),
    client,
    secrets: session.secrets,
    live,
    ...(register === undefined ? {} : { register }),
  };
}

/**
 * One VM up to the plan, without the per-VM lock: config (refused before any request when
 * invalid), token, version, environment, live stacks and the files of the candidate stacks. No
 * write. The CLI goes through runConverge (converge-run.ts), which takes the lock; this is for
 * in-process callers that hold no lock (the fault harness).
 */
export async function prepareConverge(request: ConvergeRequest): Promise<PreparedConverge> {
  const config = await loadConfig(request.configPath);
  const vm = await resolveVm(config, request.vmid, request.stack);
  for (const line of vm.warnings ?? []) request.warn(line);
  const stackSecrets = StackSecrets.for(config, request.env, request.warn, request.log);
  await stackSecrets.load(vm.stacks); // a missing or unsafe secret is refused before any request
  const session = await openSession(config, { ...request, stackSecrets });
  try {
    return await planVm(session, config, vm, { ...request, stackSecrets });
  } catch (error) {
    await session.client.close();
    throw error;
  }
}

/**
 * The session to plan with once the lock is held: after waiting for another run, its stacks list
 * is re-read, and so are the environments (that run may have registered this VM's) and what runs.
 */
export async function afterLock(session: PortainerSession, lock: VmLock | undefined): Promise<PortainerSession> {
  if (!lock?.waited) return session;
  const [stacks, environments] = await Promise.all([session.client.listStacks(), session.client.environments()]);
  return { ...session, stacks, environments, runtime: new Map() };
}

export async function executeConverge(
  prepared: PreparedConverge,
  options: { concurrency: number; deployTimeoutMs: number; rollback?: boolean; signal?: AbortSignal; progress?: (line: string) => void; activity?: (label: string) => () => void },
): Promise<ApplyResult> {
  if (prepared.register !== undefined) await registerFirst(prepared, options.progress);
  return applyPlan(prepared.plan, prepared.writer, { vmid: prepared.vm.vmid, ...options });
}

/** Registers the VM's agent environment; its stacks then go to the new environment's id. */
async function registerFirst(prepared: PreparedConverge, progress: ((line: string) => void) | undefined): Promise<void> {
  const input = prepared.register;
  if (input === undefined) return;
  progress?.(`registering Portainer environment ${printableText(input.name)} (agent at ${input.url})...`);
  const { environment, outcome } = await registerEnvironment(prepared.client, input);
  const swarmId = environment.swarm ? await prepared.client.swarmClusterId(environment.id) : undefined;
  prepared.portainerEnvironment = environment;
  prepared.writer = writerFor(prepared.client, prepared.version, environment, swarmId);
  prepared.registered = outcome;
  delete prepared.register;
  progress?.(`registered Portainer environment ${printableText(environment.name)} (id ${environment.id})${outcome.recovered ? ', confirmed by re-reading Portainer' : ''}`);
}

/** The VM's Portainer environment, by id when the config gives one, else by name. Ids are never assumed. */
export function findEnvironment(vm: ResolvedVm, environments: PortainerEnvironment[]): PortainerEnvironment {
  // Built only for an error message: eagerly, it made planning every VM of --all quadratic.
  const listing = () => environments.map((e) => `${e.name} (id ${e.id})`).join(', ') || 'none';
  if (vm.portainerEndpointId !== undefined) {
    const byId = environments.find((e) => e.id === vm.portainerEndpointId);
    if (byId) return sameAsName(vm, byId, environments);
    throw new ConfigError(`VM ${vm.vmid}: Portainer has no environment with id ${vm.portainerEndpointId}`, {
      code: 'UNKNOWN_ENVIRONMENT',
      hint: `Portainer's environments: ${listing()}. Fix portainer_endpoint_id, or use portainer_environment_name.`,
    });
  }
  const wanted = vm.portainerEnvironmentName;
  if (wanted === undefined) {
    throw new ConfigError(`VM ${vm.vmid} names no Portainer environment`, {
      code: 'ENVIRONMENT_MISSING',
      hint: `Add "portainer_environment_name" (one of: ${listing()}) or "portainer_endpoint_id" to the VM in the config.`,
    });
  }
  const match = environmentNamed(environments, wanted);
  if (match) return match;
  const suggestion = closest(
    wanted,
    environments.map((e) => e.name),
  );
  throw new ConfigError(`VM ${vm.vmid}: Portainer has no environment named "${wanted}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`, {
    code: 'UNKNOWN_ENVIRONMENT',
    hint: `Portainer's environments: ${listing()}. Fix portainer_environment_name in the config.`,
  });
}

/**
 * A VM that gives both an id and a name must mean one environment: deploying to the id while the
 * name says another environment (in a review: prod instead of dev) is refused before any write.
 */
function sameAsName(vm: ResolvedVm, byId: PortainerEnvironment, environments: PortainerEnvironment[]): PortainerEnvironment {
  const wanted = vm.portainerEnvironmentName;
  if (wanted === undefined || byId.name === wanted || byId.name.toLowerCase() === wanted.toLowerCase()) return byId;
  const named = environments.find((e) => e.name === wanted) ?? environments.find((e) => e.name.toLowerCase() === wanted.toLowerCase());
  const other = named ? `environment "${named.name}" is id ${named.id}` : `Portainer has no environment named "${wanted}"`;
  throw new ConfigError(`VM ${vm.vmid}: portainer_endpoint_id ${byId.id} is Portainer environment "${byId.name}", but portainer_environment_name is "${wanted}" (${other})`, {
    code: 'ENVIRONMENT_MISMATCH',
    hint: 'Make portainer_endpoint_id and portainer_environment_name name the same environment, or keep only one of them. Nothing was written.',
  });
}
