import { Flags } from '@oclif/core';

import { UsageError } from '../errors';
import { parseDuration } from '../util/duration';

/** Flags of every command that talks to Portainer (README.md#configuration), each with its env var. */
export const connectionFlags = {
  url: Flags.string({ env: 'PORTAINER_URL', summary: 'Portainer base URL; overrides portainer.url.', helpGroup: 'PORTAINER' }),
  'ca-file': Flags.string({ env: 'PHOENIX_CA_FILE', summary: 'Extra CA bundle (PEM) for Portainer’s TLS certificate.', helpGroup: 'PORTAINER' }),
  insecure: Flags.boolean({ summary: 'Skip TLS verification (prints a warning every run).', helpGroup: 'PORTAINER' }),
  concurrency: Flags.integer({ summary: 'Parallel API requests per VM (with --all/--env, VMs also run in parallel: see --parallel-vms).', default: 8, min: 1, max: 64, helpGroup: 'PORTAINER' }),
  timeout: Flags.string({ summary: 'Time allowed per deploy (create/update), e.g. 15m; reads use --read-timeout.', default: '15m', helpGroup: 'PORTAINER' }),
  'read-timeout': Flags.string({
    env: 'PHOENIX_READ_TIMEOUT',
    summary: 'Time allowed per read request (status, lists, stack files, login), e.g. 30s or 2m, for a slow Portainer.',
    default: '30s',
    helpGroup: 'PORTAINER',
  }),
};

/** Flags of plan and converge. */
export const planFlags = {
  ...connectionFlags,
  prune: Flags.boolean({ summary: 'Also delete stacks phoenix owns on this VM that left the config (volumes are kept).' }),
  adopt: Flags.boolean({ summary: 'Take over same-named stacks phoenix does not own (adds the ownership marker).' }),
  'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when the plan has changes (terraform’s meaning).' }),
  pull: Flags.boolean({
    summary: 'Redeploy every owned declared stack, even in sync, with Portainer pulling its images first (for :latest tags; Portainer 2.15.1+); every other update pulls too. Implies --redeploy.',
  }),
  redeploy: Flags.boolean({ summary: 'Redeploy every owned declared stack even when in sync, without pulling images (--pull: with the pull).' }),
  markdown: Flags.boolean({ summary: 'Print the plan and result as Markdown (for a merge-request comment).', exclusive: ['json'] }),
};

/**
 * Converge only: `--no-rollback` keeps a failed update as Portainer left it (from 2.15 the stack is
 * down) instead of putting the previous file and env back.
 */
export const rollbackFlag = {
  rollback: Flags.boolean({ allowNo: true, default: true, summary: 'When an update of a running stack fails, put its previous file and env back (--no-rollback: leave it as Portainer left it).' }),
};

/** --pull implies --redeploy: both together mean --pull. */
export function redeployOf(flags: { pull?: boolean; redeploy?: boolean }): 'pull' | 'plain' | undefined {
  return flags.pull === true ? 'pull' : flags.redeploy === true ? 'plain' : undefined;
}

export const VMID_PATTERN = /^\d+$/;

/** A vmid argument as a number, or a usage error that says what a vmid looks like. */
export function parseVmid(raw: string): number {
  if (!VMID_PATTERN.test(raw) || Number(raw) <= 0) {
    throw new UsageError(`"${raw}" is not a vmid`, { hint: 'A vmid is the Proxmox VM number, for example: phoenix portainer 1002 converge' });
  }
  return Number(raw);
}

export function deployTimeout(flags: { timeout: string }): number {
  return parseDuration(flags.timeout, '--timeout');
}

export function readTimeout(flags: { 'read-timeout'?: string }): number {
  return parseDuration(flags['read-timeout'] ?? '30s', '--read-timeout');
}

/** How long to wait for a held VM lock: --wait-lock, else 0 (exit 75 at once). */
export function waitLockMs(flags: { 'wait-lock'?: string }): number {
  return flags['wait-lock'] !== undefined ? parseDuration(flags['wait-lock'], '--wait-lock') : 0;
}
