/**
 * From the validated document to what one VM should run: each declared stack with its compose
 * text (read relative to the config file's directory) and its env after the overlays. Everything
 * that can be wrong here is a config problem (exit 65), found before any request is made.
 */
import * as nodePath from 'node:path';
import { ConfigError, PhoenixError } from '../errors';
import { mapLimit } from '../util/concurrency';
import { checkCompose, ComposeCheck, ComposeProblem, composeProblem, readComposeFile } from './compose';
import { displayPath } from './load';
import { agentEndpoint, mayRegister } from './agent';
import { findPhoenixLayoutStack, LayoutStack, phoenixLayoutAgentPort } from './phoenix-layout';
import { didYouMean, formatPath } from './problems';
import { environmentProblems } from './rules';
import { ConfigDocument, StackDocument, StackEntryDocument, urlCredentialsProblem, VmDocument } from './schema';
import { closest } from './suggest';
import { DesiredStack, EnvValue, LoadedConfig, ResolvedVm, VmSummary } from './types';
import { problemsError, validDocument } from './validate';

interface Entry {
  name: string;
  environment?: string;
  env: Record<string, EnvValue>;
}

function entryOf(entry: StackEntryDocument): Entry {
  return typeof entry === 'string' ? { name: entry, env: {} } : { name: entry.name, environment: entry.environment, env: entry.env ?? {} };
}

function documentOf(config: LoadedConfig): ConfigDocument {
  return validDocument(config.data, displayPath(config.path));
}

/** vmid → index in `vms`, built once per document (a scan per VM made `--all` quadratic). */
const vmIndexes = new WeakMap<object, Map<number, number>>();

function vmIndexOf(document: ConfigDocument, vmid: number): number {
  let indexes = vmIndexes.get(document.vms);
  if (indexes === undefined) {
    indexes = new Map();
    for (const [i, vm] of document.vms.entries()) if (!indexes.has(vm.vmid)) indexes.set(vm.vmid, i);
    vmIndexes.set(document.vms, indexes);
  }
  return indexes.get(vmid) ?? -1;
}

/** The provisioning scripts' `network_config.ip` of a VM (`10.0.0.13/24`, or `dhcp`), unchecked: not phoenix's field. */
function networkIp(vm: VmDocument): unknown {
  const network: unknown = vm.network_config;
  return typeof network === 'object' && network !== null && 'ip' in network ? network.ip : undefined;
}

function summaryOf(vm: VmDocument): VmSummary {
  const agent = vm.portainer_role === 'agent';
  return {
    vmid: vm.vmid,
    name: vm.name,
    environment: vm.environment,
    portainerRole: vm.portainer_role,
    // An agent VM's environment is phoenix's to register, under the VM's own name unless it names one.
    portainerEnvironmentName: vm.portainer_environment_name ?? (agent && vm.portainer_endpoint_id === undefined ? vm.name : undefined),
    portainerEndpointId: vm.portainer_endpoint_id,
    ...(agent
      ? {
          agent: {
            ...(vm.portainer_agent_hostname === undefined ? {} : { hostname: vm.portainer_agent_hostname }),
            ...(vm.portainer_agent_port === undefined ? {} : { port: vm.portainer_agent_port }),
            ...(networkIp(vm) === undefined ? {} : { ip: networkIp(vm) }),
          },
        }
      : {}),
    stackNames: (vm.docker_stacks ?? []).map((entry) => entryOf(entry).name).sort(),
    stackEnvironments: [...new Set((vm.docker_stacks ?? []).flatMap((entry) => entryOf(entry).environment ?? vm.environment ?? []))].sort(),
  };
}

/** Every VM of the config, sorted by vmid, for `--all`, `--env` and `environments`. */
export function listVms(config: LoadedConfig): VmSummary[] {
  return documentOf(config)
    .vms.map(summaryOf)
    .sort((a, b) => a.vmid - b.vmid);
}

function unknownVmid(document: ConfigDocument, vmid: number, file: string): ConfigError {
  const vmids = document.vms.map((vm) => vm.vmid).sort((a, b) => a - b);
  // Nearest number first, so an edit-distance tie goes to the neighbouring vmid.
  const byNearness = [...vmids].sort((a, b) => Math.abs(a - vmid) - Math.abs(b - vmid)).map(String);
  const suggestion = closest(String(vmid), byNearness);
  const known = vmids.length === 0 ? 'no VMs are declared' : `known: ${vmids.join(', ')}`;
  return new ConfigError(`unknown vmid ${vmid}; ${known}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`, {
    code: 'UNKNOWN_VMID',
    hint: `the vmids are the "vmid" fields of vms[] in ${file}`,
  });
}

/** Stack env: the stack's base env, overlaid by its environment's env, overlaid by the entry's. */
export function overlayEnv(stack: Pick<StackDocument, 'env' | 'environments'>, environment: string | undefined, entryEnv: Record<string, EnvValue>): Record<string, EnvValue> {
  const overlay = environment === undefined ? undefined : stack.environments?.[environment]?.env;
  return { ...(stack.env ?? {}), ...(overlay ?? {}), ...entryEnv };
}

/** Lower-cased stack name → key in `stacks`, built once per document (lookups were O(N²)). */
const stackKeys = new WeakMap<object, Map<string, string>>();

function findStack(document: ConfigDocument, name: string): [string, StackDocument] | undefined {
  const stacks = document.stacks;
  if (stacks === undefined) return undefined;
  let keys = stackKeys.get(stacks);
  if (keys === undefined) {
    keys = new Map();
    for (const key of Object.keys(stacks)) if (!keys.has(key.toLowerCase())) keys.set(key.toLowerCase(), key);
    stackKeys.set(stacks, keys);
  }
  const key = keys.get(name.toLowerCase());
  return key === undefined ? undefined : [key, stacks[key]];
}

/**
 * What one loaded config has already read and checked: a compose file used by many VMs is read
 * and parsed once, and the Phoenix layout file once per stack and environment. Keyed by the
 * validated document, so it lives exactly as long as one load of the config.
 */
interface ResolveCache {
  files: Map<string, Promise<string>>;
  problems: Map<string, ComposeProblem | undefined>;
  checks: Map<string, ComposeCheck>;
  layout: Map<string, Promise<LayoutStack | undefined>>;
}

const resolveCaches = new WeakMap<ConfigDocument, ResolveCache>();

function cacheOf(document: ConfigDocument): ResolveCache {
  let cache = resolveCaches.get(document);
  if (cache === undefined) {
    cache = { files: new Map(), problems: new Map(), checks: new Map(), layout: new Map() };
    resolveCaches.set(document, cache);
  }
  return cache;
}

function memo<T>(map: Map<string, T>, key: string, make: () => T): T {
  if (map.has(key)) return map.get(key) as T;
  const value = make();
  map.set(key, value);
  return value;
}

/** The compose file's text, read once per (file, place in the config) per loaded config. */
function readCompose(document: ConfigDocument, source: string, where: string): Promise<string> {
  return memo(cacheOf(document).files, `${source}\0${where}`, () => readComposeFile(source, where));
}

/**
 * The Compose Specification and interpolation check of one file under one env, once per loaded
 * config: VMs that share a stack share its check. The check reads only which names the env sets
 * and whether each is empty (a secret counts as set and not empty), so that is the key.
 */
function cachedComposeCheck(document: ConfigDocument, text: string, env: Record<string, EnvValue>): ComposeCheck {
  const names = Object.keys(env)
    .sort()
    .map((name) => `${name}${env[name] === '' ? '=' : ''}`)
    .join('\0');
  return memo(cacheOf(document).checks, `${text}\0\0${names}`, () => checkCompose(text, env));
}

function cachedComposeProblem(document: ConfigDocument, text: string): ComposeProblem | undefined {
  return memo(cacheOf(document).problems, text, () => composeProblem(text));
}

interface Compose {
  text: string;
  /** Absolute path or 'inline'. */
  source: string;
  /** Where a problem in the text is: `file:line:col` for a file, the config path for inline YAML. */
  locate: (problem: ComposeProblem) => string;
  /** The config path that gives this compose (`file: stacks.web`), for Compose Specification problems. */
  where: string;
  /** `line 12 of <file>` (or of `stacks.web.compose` for inline YAML). */
  lineOf: (line: number) => string;
}

function fromFile(source: string, text: string, where: string): Compose {
  const locate = (p: ComposeProblem) => (p.line === undefined ? source : `${source}:${p.line}:${p.column ?? 1}`);
  return { text, source, locate, where, lineOf: (line) => `line ${line} of ${source}` };
}

/**
 * The compose of a stack in an environment: the environment's own `compose_file`/`compose` when
 * it sets one (what promotion copies), else the stack's.
 */
async function composeOf(config: LoadedConfig, document: ConfigDocument, name: string, stack: StackDocument, environment: string | undefined): Promise<Compose> {
  const file = displayPath(config.path);
  const override = environment === undefined ? undefined : stack.environments?.[environment];
  const overridden = override?.compose_file !== undefined || override?.compose !== undefined;
  const from = overridden && override !== undefined ? override : stack;
  const base = overridden ? `stacks.${name}.environments.${environment}` : `stacks.${name}`;
  if (from.compose_file !== undefined) {
    const source = nodePath.resolve(config.dir, from.compose_file);
    return fromFile(source, await readCompose(document, source, `${file}: ${base}.compose_file`), `${file}: ${base}`);
  }
  const where = `${file}: ${base}.compose`;
  const locate = (p: ComposeProblem) => (p.line === undefined ? where : `${where}: line ${p.line}, column ${p.column ?? 1} of the inline YAML`);
  return { text: from.compose ?? '', source: 'inline', locate, where: `${file}: ${base}`, lineOf: (line) => `line ${line} of ${base}.compose` };
}

async function resolveEntry(config: LoadedConfig, document: ConfigDocument, vm: VmDocument, entry: Entry, where: string): Promise<[DesiredStack, string[]]> {
  const environment = entry.environment ?? vm.environment;
  const found = findStack(document, entry.name);
  let compose: Compose;
  let env: Record<string, EnvValue>;
  if (found !== undefined) {
    compose = await composeOf(config, document, found[0], found[1], environment);
    env = overlayEnv(found[1], environment, entry.env);
  } else {
    const layout = await memo(cacheOf(document).layout, `${entry.name.toLowerCase()}\0${environment ?? ''}`, () => findPhoenixLayoutStack(config.dir, entry.name, environment));
    if (layout === undefined) {
      const defined = Object.keys(document.stacks ?? {}).sort();
      const known = defined.length === 0 ? 'no stacks are defined' : `defined: ${defined.join(', ')}`;
      throw new ConfigError(`${where}: unknown stack "${entry.name}"; ${known}${didYouMean(entry.name, defined)}`, { code: 'UNKNOWN_STACK' });
    }
    compose = fromFile(layout.composeFile, await readCompose(document, layout.composeFile, where), where);
    env = { ...layout.env, ...entry.env };
  }
  const problem = cachedComposeProblem(document, compose.text);
  if (problem !== undefined) throw new ConfigError(`${compose.locate(problem)}: ${problem.message}`, { code: 'COMPOSE_INVALID' });
  const check = cachedComposeCheck(document, compose.text, env);
  const stack = `${where}: stack "${entry.name}"${environment === undefined ? '' : ` (environment ${environment})`}`;
  const lines = [
    ...check.spec.map((p) => `${compose.where}: compose: ${p.path ?? '(top level)'}: ${p.message}${p.line === undefined ? '' : ` (${compose.lineOf(p.line)})`}`),
    ...check.interpolation.map((p) => `${stack}: ${p.line === undefined ? '' : `${compose.lineOf(p.line)}: `}${p.message}`),
  ];
  if (lines.length > 0) throw new ConfigError(lines.length === 1 ? lines[0] : `stack "${entry.name}" has ${lines.length} compose problems`, { code: 'COMPOSE_INVALID', details: lines });
  const warnings = check.unusedEnv.map((name) => `${stack}: env ${name} is not referenced by its compose file (no \${${name}} and no env_file: stack.env), so no container receives it`);
  return [{ name: entry.name, composeText: compose.text, composeSource: compose.source, env, environment, ...(check.services === undefined ? {} : { services: check.services }) }, warnings];
}

function pickEntries(vm: VmDocument, entries: Entry[], onlyStack: string | undefined): Array<[Entry, number]> {
  const indexed = entries.map((entry, index): [Entry, number] => [entry, index]);
  if (onlyStack === undefined) return indexed;
  const match = indexed.filter(([entry]) => entry.name.toLowerCase() === onlyStack.toLowerCase());
  if (match.length > 0) return match;
  const names = entries.map((entry) => entry.name).sort();
  const declared = names.length === 0 ? 'it declares no docker_stacks' : `declared: ${names.join(', ')}`;
  throw new ConfigError(`stack "${onlyStack}" is not declared on vm ${vm.vmid} (${vm.name}); ${declared}${didYouMean(onlyStack, names)}`, {
    code: 'UNKNOWN_STACK',
    hint: `add it to docker_stacks of vm ${vm.vmid}, or leave out the stack argument to converge every stack of the VM`,
  });
}

/**
 * The desired state of one VM: its stacks (or only `onlyStack`), sorted by name, each with
 * validated compose text and its final env. All stack problems are collected into one
 * ConfigError, so a plan is never computed from half a VM.
 */
export async function resolveVm(config: LoadedConfig, vmid: number, onlyStack?: string): Promise<ResolvedVm> {
  const file = displayPath(config.path);
  const document = documentOf(config);
  const index = vmIndexOf(document, vmid);
  if (index < 0) throw unknownVmid(document, vmid, file);
  const vm = document.vms[index];
  const entries = (vm.docker_stacks ?? []).map(entryOf);
  const picked = pickEntries(vm, entries, onlyStack);
  const results = await Promise.allSettled(picked.map(([entry, j]) => resolveEntry(config, document, vm, entry, `${file}: ${formatPath(['vms', index, 'docker_stacks', j])}`)));
  const stacks: DesiredStack[] = [];
  const warnings: string[] = [];
  const problems: string[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') {
      stacks.push(result.value[0]);
      warnings.push(...result.value[1]);
    } else if (result.reason instanceof PhoenixError) problems.push(...(result.reason.details.length > 0 ? result.reason.details : [result.reason.message]));
    else throw result.reason;
  }
  if (problems.length > 0) {
    const message = problems.length === 1 ? problems[0] : `vm ${vmid} (${vm.name}) has ${problems.length} stack problems`;
    throw new ConfigError(message, { code: 'STACK_INVALID', hint: 'fix the stack definitions; nothing was sent to Portainer', details: problems });
  }
  stacks.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...summaryOf(vm), stacks, ...(warnings.length > 0 ? { warnings } : {}) };
}

const RESOLVE_PARALLEL = 16;

/**
 * Offline: every agent VM must say where its agent listens (host name or a static IP), since
 * phoenix registers its environment when Portainer has none. The hypervisor config's agent port
 * is read (and checked) once.
 */
async function agentProblems(config: LoadedConfig): Promise<string[]> {
  const agents = listVms(config).filter(mayRegister);
  if (agents.length === 0) return [];
  const layoutPort = await phoenixLayoutAgentPort(config.dir);
  const file = displayPath(config.path);
  const document = documentOf(config);
  const lines: string[] = [];
  for (const vm of agents) {
    try {
      agentEndpoint(vm, layoutPort);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      lines.push(`${file}: ${formatPath(['vms', vmIndexOf(document, vm.vmid)])}: ${error.message}. ${error.hint ?? ''}`.trim());
    }
  }
  return lines;
}

/**
 * Resolves every VM and throws one ConfigError listing every stack problem of the whole file
 * (unknown stacks, missing or invalid compose, VMs without a Portainer environment, a stack
 * claimed twice on one environment), for `phoenix config validate`: resolving VM by VM would
 * stop at the first bad one.
 */
export async function checkAllVms(config: LoadedConfig): Promise<ResolvedVm[]> {
  const resolved: ResolvedVm[] = [];
  const file = displayPath(config.path);
  const lines = environmentProblems(documentOf(config).vms).map((problem) => `${file}: ${formatPath(problem.path)}: ${problem.message}`);
  const credentials = config.portainer.url === undefined ? undefined : urlCredentialsProblem(config.portainer.url);
  if (credentials !== undefined) lines.unshift(`${file}: portainer.url: ${credentials}`);
  lines.push(...(await agentProblems(config)));
  // A few VMs at a time: one after the other, 2,000 VMs spent most of their time waiting on
  // file reads; all at once could run out of file descriptors. Results keep the vmid order.
  const outcomes = await mapLimit(listVms(config), RESOLVE_PARALLEL, async (vm) => {
    try {
      return await resolveVm(config, vm.vmid);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error;
    }
  });
  for (const outcome of outcomes) {
    if (outcome instanceof ConfigError) lines.push(...(outcome.details.length > 0 ? outcome.details : [outcome.message]));
    else resolved.push(outcome);
  }
  if (lines.length > 0) throw problemsError(file, [...new Set(lines)]);
  return resolved;
}
