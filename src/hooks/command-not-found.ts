import type { Hook } from '@oclif/core';

// oclif loads this file only when no command matches (hooks are required when their event
// fires), and it imports only the small modules below (no zod, no render): a typo costs no
// start-up time on every other run. No prompt and no "run it for you": a CI job must fail with exit 64.
import { VMID_VERBS } from '../cli/argv';
import { closest } from '../config/suggest';
import { UsageError } from '../errors';
import { reportError } from '../cli/error-output';

const isFlag = (word: string) => word.startsWith('-');
const isVmid = (word: string | undefined) => word !== undefined && /^\d+$/.test(word);

/** A word as typed, quoted, with newlines and control characters escaped and its length bounded. */
function shown(words: string[]): string {
  const text = words.join(' ');
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

/**
 * The command the user most likely meant, word by word with the project's own `closest()`,
 * in the seed form `phoenix portainer <vmid> <verb>` whenever a vmid is involved: bin/run.js
 * moves a vmid behind a known verb only, so `portainer 1002 convrge` arrives here as
 * `portainer:1002:convrge`.
 */
export function didYouMean(words: string[], commandIds: string[]): string | undefined {
  const ids = commandIds.map((id) => id.split(':'));
  const fixed: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (fixed.length === 1 && fixed[0] === 'portainer' && isVmid(words[i])) {
      const typed = words[i + 1];
      const verbs: string[] = [...VMID_VERBS];
      const verb = typed === undefined ? undefined : verbs.includes(typed) ? typed : closest(typed, verbs);
      return `phoenix portainer ${words[i]} ${verb ?? `<${verbs.join('|')}>`}`;
    }
    const options = [...new Set(ids.filter((id) => id.length > i && fixed.every((w, j) => id[j] === w)).map((id) => id[i]))];
    const word = options.includes(words[i]) ? words[i] : closest(words[i], options);
    if (word === undefined) break;
    fixed.push(word);
  }
  if (fixed.length === 0) return undefined;
  const [, verb] = fixed;
  const next = words[fixed.length];
  if (fixed.length === 2 && fixed[0] === 'portainer' && (VMID_VERBS as readonly string[]).includes(verb) && isVmid(next)) {
    return `phoenix portainer ${next} ${verb}`;
  }
  return `phoenix ${fixed.join(' ')}`;
}

/** `portainer abc plan`: the verb is right, the vmid is not a number (the same words as the commands' own vmid check). */
function notAVmid(words: string[]): UsageError | undefined {
  const [topic, vmid, verb] = words;
  if (topic !== 'portainer' || vmid === undefined || isVmid(vmid) || !(VMID_VERBS as readonly string[]).includes(verb)) return undefined;
  return new UsageError(`${shown([vmid])} is not a vmid`, { hint: `A vmid is the Proxmox VM number, for example: phoenix portainer 1002 ${verb}` });
}

const hook: Hook<'command_not_found'> = async function (options) {
  const rest = options.argv ?? [];
  const typed = [...options.id.split(':'), ...rest].filter((word) => word !== '');
  const firstFlag = typed.findIndex(isFlag);
  const words = firstFlag === -1 ? typed : typed.slice(0, firstFlag);
  const visible = options.config.commands.filter((command) => !command.hidden).map((command) => command.id);
  const suggestion = didYouMean(words, visible);
  const error =
    notAVmid(words) ??
    new UsageError(`phoenix has no command ${shown(words)}.`, {
      code: 'UNKNOWN_COMMAND',
      hint: suggestion ? `Did you mean: ${suggestion}\nSee phoenix --help for every command.` : 'See phoenix --help for every command.',
    });
  process.exitCode = error.exitCode;
  reportError(error, { json: rest.includes('--json') || typed.includes('--json'), command: options.id, extra: suggestion ? { suggestion } : {} });
};

export default hook;
