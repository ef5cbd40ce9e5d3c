/**
 * Rules that zod cannot say on one value: stack names (also as record keys), duplicates, exactly
 * one compose source, and references to declared environments. They read the raw document
 * defensively, so they still run, and still report, when zod found other problems.
 */
import { didYouMean, Problem } from './problems';
import { levenshtein } from './suggest';
import { STACK_NAME_PATTERN } from './schema';
import type { VmDocument } from './schema';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What Portainer (2.9.1+) silently turns a stack name into. */
export function portainerNormalizedName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

/** Undefined when the name is acceptable; otherwise why not, and what Portainer would make of it. */
export function stackNameProblem(name: string): string | undefined {
  if (STACK_NAME_PATTERN.test(name)) return undefined;
  const normalized = portainerNormalizedName(name);
  const renamed = normalized === '' ? 'Portainer would refuse it' : `Portainer would silently store it as "${normalized}"`;
  return `invalid stack name "${name}": use lower-case letters, digits, "-" and "_", starting with a letter or digit (${renamed})`;
}

function environmentProblem(name: unknown, declared: string[] | undefined): string | undefined {
  if (typeof name !== 'string' || declared === undefined || declared.includes(name)) return undefined;
  const known = declared.length === 0 ? 'none declared' : `declared: ${declared.join(', ')}`;
  return `unknown environment "${name}"; ${known}${didYouMean(name, declared)}`;
}

function stackProblems(stacks: Json, declaredEnvs: string[] | undefined): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const [name, stack] of Object.entries(stacks)) {
    const nameProblem = stackNameProblem(name);
    if (nameProblem !== undefined) problems.push({ path: ['stacks', name], message: nameProblem });
    const other = seen.get(name.toLowerCase());
    if (other !== undefined) {
      problems.push({ path: ['stacks', name], message: `duplicate stack name "${name}": stacks.${other} differs only in case` });
    } else seen.set(name.toLowerCase(), name);
    if (!isObject(stack)) continue;
    const hasFile = stack.compose_file !== undefined;
    const hasInline = stack.compose !== undefined;
    if (hasFile && hasInline) {
      problems.push({ path: ['stacks', name], message: 'has both "compose_file" and "compose"; keep exactly one' });
    } else if (!hasFile && !hasInline) {
      problems.push({ path: ['stacks', name], message: 'needs "compose_file" or "compose"' });
    }
    if (isObject(stack.environments)) {
      for (const env of Object.keys(stack.environments)) {
        const problem = environmentProblem(env, declaredEnvs);
        if (problem !== undefined) problems.push({ path: ['stacks', name, 'environments', env], message: problem });
        const override = stack.environments[env];
        if (isObject(override) && override.compose_file !== undefined && override.compose !== undefined) {
          problems.push({ path: ['stacks', name, 'environments', env], message: 'has both "compose_file" and "compose"; keep at most one' });
        }
      }
    }
  }
  return problems;
}

function entryProblems(vm: Json, index: number, declaredEnvs: string[] | undefined): Problem[] {
  if (!Array.isArray(vm.docker_stacks)) return [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  vm.docker_stacks.forEach((entry: unknown, j: number) => {
    const base = ['vms', index, 'docker_stacks', j];
    const name = typeof entry === 'string' ? entry : isObject(entry) && typeof entry.name === 'string' ? entry.name : undefined;
    if (name === undefined) return;
    const namePath = typeof entry === 'string' ? base : [...base, 'name'];
    const nameProblem = stackNameProblem(name);
    if (nameProblem !== undefined) problems.push({ path: namePath, message: nameProblem });
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      const vmLabel = typeof vm.vmid === 'number' ? `vm ${vm.vmid}` : 'this vm';
      problems.push({ path: namePath, message: `stack "${name}" is listed twice on ${vmLabel} (also docker_stacks[${first}])` });
    } else seen.set(name.toLowerCase(), j);
    if (isObject(entry)) {
      const problem = environmentProblem(entry.environment, declaredEnvs);
      if (problem !== undefined) problems.push({ path: [...base, 'environment'], message: problem });
    }
  });
  return problems;
}

/** phoenix's own keys on a VM; every other key belongs to the provisioning scripts. */
const PHOENIX_VM_KEYS = ['docker_stacks', 'environment', 'portainer_environment_name', 'portainer_endpoint_id', 'portainer_role', 'portainer_agent_hostname', 'portainer_agent_port'];

/**
 * VM objects accept any provisioning key, so a typo of one of phoenix's own keys would pass
 * silently, and `docker_stak` would make the VM declare no stacks (and `--prune` delete them all).
 * A key one or two edits away from one of phoenix's is therefore an error.
 */
function nearMissKeys(vm: Json, index: number, nearOf: Map<string, string | undefined>): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(vm)) {
    if (PHOENIX_VM_KEYS.includes(key) || key.length < 5) continue;
    // Every VM repeats the same provisioning keys: compute each key's verdict once per document.
    if (!nearOf.has(key))
      nearOf.set(
        key,
        PHOENIX_VM_KEYS.find((known) => levenshtein(key.toLowerCase(), known) <= 2),
      );
    const near = nearOf.get(key);
    if (near !== undefined) problems.push({ path: ['vms', index, key], message: `unknown key "${key}"; did you mean "${near}"? (phoenix reads only its own spelling)` });
  }
  return problems;
}

function vmProblems(vms: unknown[], declaredEnvs: string[] | undefined): Problem[] {
  const problems: Problem[] = [];
  const vmids = new Map<number, number>();
  const nearOf = new Map<string, string | undefined>();
  vms.forEach((vm, i) => {
    if (!isObject(vm)) return;
    if (typeof vm.vmid === 'number') {
      const first = vmids.get(vm.vmid);
      if (first !== undefined) problems.push({ path: ['vms', i, 'vmid'], message: `duplicate vmid ${vm.vmid} (also vms[${first}])` });
      else vmids.set(vm.vmid, i);
    }
    const problem = environmentProblem(vm.environment, declaredEnvs);
    if (problem !== undefined) problems.push({ path: ['vms', i, 'environment'], message: problem });
    problems.push(...nearMissKeys(vm, i, nearOf));
    problems.push(...entryProblems(vm, i, declaredEnvs));
  });
  return problems;
}

/** Every cross-field problem of the document, in no particular order (the loader sorts). */
export function ruleProblems(data: unknown): Problem[] {
  if (!isObject(data)) return [];
  const declaredEnvs = isObject(data.environments) ? Object.keys(data.environments) : undefined;
  return [...(isObject(data.stacks) ? stackProblems(data.stacks, declaredEnvs) : []), ...(Array.isArray(data.vms) ? vmProblems(data.vms, declaredEnvs) : [])];
}

/**
 * What `config validate` can say offline about where each VM's stacks go: a VM with stacks must
 * name its Portainer environment, and two VMs mapped to the same environment (same
 * `portainer_endpoint_id` or same `portainer_environment_name`) may not declare the same stack:
 * each would claim it, and they would undo each other's deploys forever. Mappings that only
 * meet once Portainer resolves names to ids are checked at plan time. Not a document rule, so
 * `plan` of an unrelated VM still runs.
 */
export function environmentProblems(vms: readonly VmDocument[]): Problem[] {
  const problems: Problem[] = [];
  const claims = new Map<string, Map<string, { index: number; vmid: number }>>();
  vms.forEach((vm, i) => {
    const entries = vm.docker_stacks ?? [];
    if (entries.length === 0) return;
    const mappings: Array<[string, string]> = [];
    if (vm.portainer_endpoint_id !== undefined) mappings.push([`id ${vm.portainer_endpoint_id}`, `portainer_endpoint_id ${vm.portainer_endpoint_id}`]);
    // An agent VM without either key is registered (and found) under its own name.
    const name = vm.portainer_environment_name ?? (vm.portainer_role === 'agent' && vm.portainer_endpoint_id === undefined ? vm.name : undefined);
    if (name !== undefined) mappings.push([`name ${name}`, vm.portainer_environment_name === undefined ? `its name "${name}"` : `portainer_environment_name "${name}"`]);
    if (mappings.length === 0) {
      problems.push({
        path: ['vms', i],
        message: `vm ${vm.vmid} declares docker_stacks but names no Portainer environment: add "portainer_environment_name" (phoenix portainer environments lists them) or "portainer_endpoint_id"`,
      });
      return;
    }
    entries.forEach((entry, j) => {
      const name = typeof entry === 'string' ? entry : entry.name;
      let reported = false;
      for (const [key, label] of mappings) {
        let stacks = claims.get(key);
        if (stacks === undefined) claims.set(key, (stacks = new Map()));
        const first = stacks.get(name.toLowerCase());
        if (first === undefined) stacks.set(name.toLowerCase(), { index: i, vmid: vm.vmid });
        else if (first.index !== i && !reported) {
          reported = true;
          problems.push({
            path: ['vms', i, 'docker_stacks', j],
            message: `stack "${name}" is also declared by vm ${first.vmid} (vms[${first.index}]) on the same Portainer environment (${label}): each VM would claim it; declare it on one of them, or map them to different environments`,
          });
        }
      }
    });
  });
  return problems;
}
