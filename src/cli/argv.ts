/** Verbs that take a vmid, in the seed syntax `phoenix portainer <vmid> <verb>`. */
export const VMID_VERBS = ['converge', 'plan', 'status'] as const;

/**
 * oclif wants the verb before arguments; operators type `phoenix portainer 1002 converge`
 * (the seed syntax; README.md#using-it). Move a vmid that stands before a known verb behind it,
 * so `portainer 1002 converge x` runs the command `portainer converge` with `1002 x`.
 * Anything else passes through untouched.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  const [topic, vmid, verb, ...rest] = argv;
  if (topic === 'portainer' && vmid !== undefined && /^\d+$/.test(vmid) && (VMID_VERBS as readonly string[]).includes(verb)) {
    return [topic, verb, vmid, ...rest];
  }
  return [...argv];
}
