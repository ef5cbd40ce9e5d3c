/**
 * Registering a VM's Portainer agent as an environment (docs/portainer-api.md#environment-registration):
 * `POST /api/endpoints` as a form, never retried blindly, never deleted or re-pointed afterwards.
 *
 * Portainer reads the body field by field with Go's `r.FormValue`: a JSON body has no fields at
 * all, names are case-sensitive, and a boolean is true only as the exact string `true`. It pings
 * the agent before saving anything, so a refused creation leaves nothing behind; the outcome of
 * a creation whose answer was lost is decided by reading the environments again.
 */
import { isIP } from 'node:net';
import { ConflictError, UnavailableError } from '../errors';
import { PortainerApiError } from './errors';
import { classifyWriteFailure } from './failures';
import type { PortainerEnvironment } from './types';
import { escapeControls } from '../util/printable';

/** What registering one agent environment sends. */
export interface AgentEnvironmentInput {
  name: string;
  /** `tcp://<host>:<port>`. */
  url: string;
  tlsSkipVerify: boolean;
  tlsSkipClientVerify: boolean;
  groupId: number;
}

/** `EndpointCreationType` 2: a Portainer agent on Docker, which Portainer dials over TLS. */
const AGENT_CREATION_TYPE = '2';

/**
 * The form, field by field. TLS is always on for an agent (Portainer talks to it over TLS only);
 * the two skip flags go as the exact strings Go's form parser compares with.
 */
export function agentEnvironmentForm(input: AgentEnvironmentInput): FormData {
  const form = new FormData();
  form.append('Name', input.name);
  form.append('EndpointCreationType', AGENT_CREATION_TYPE);
  form.append('URL', input.url);
  form.append('GroupID', String(input.groupId));
  form.append('TLS', 'true');
  form.append('TLSSkipVerify', input.tlsSkipVerify ? 'true' : 'false');
  form.append('TLSSkipClientVerify', input.tlsSkipClientVerify ? 'true' : 'false');
  return form;
}

/** Control characters shown as `\uXXXX`: Portainer echoes the URL it dialled, and an escape sequence in it must not reach a terminal. */
export function printableText(text: string): string {
  return escapeControls(text);
}

/**
 * A text as the multipart form carries it: the form encoding turns every line break into CRLF
 * (fetch does it), so Portainer stores `a\r\nb` for the name `a\nb`. The environment phoenix
 * registered must be found again under either spelling, or a second run would register twice.
 */
export function formText(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

/** Whether a live environment's name is the name phoenix sends (exactly, or as the form carried it). */
export function sameEnvironmentName(live: string, sent: string): boolean {
  return live === sent || live === formText(sent);
}

/**
 * The environment a configured name finds, the one lookup of plan, converge and `environments`:
 * exact first (or as the form carried it; Portainer compares names exactly), then in any case.
 */
export function environmentNamed<E extends { name: string }>(environments: readonly E[], name: string): E | undefined {
  const lower = name.toLowerCase();
  const sent = formText(name).toLowerCase();
  return environments.find((e) => sameEnvironmentName(e.name, name)) ?? environments.find((e) => e.name.toLowerCase() === lower || e.name.toLowerCase() === sent);
}

/** Host (lower case, IPv6 without brackets) and port of `tcp://host:port`, `host:port` or `host`; undefined when unreadable. */
export function agentAddress(url: string): { host: string; port: number | undefined } | undefined {
  const bare = url
    .trim()
    .replace(/^tcp:\/\//i, '')
    .replace(/\/$/, '');
  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(bare);
  if (bracketed !== null) [, host, port] = bracketed;
  else if (isIP(bare) === 6) host = bare;
  else {
    const plain = /^([^:/@\s]+)(?::(\d+))?$/.exec(bare);
    if (plain === null) return undefined;
    [, host, port] = plain;
  }
  return { host: canonicalHost(host), port: port === undefined ? undefined : Number(port) };
}

/**
 * One spelling per address: an IPv6 address can be written many ways (`FD00:0:0:0:0:0:0:13`,
 * `fd00::13`), and comparing spellings would call one machine two. The WHATWG URL parser
 * writes IP addresses in their canonical form; a DNS name is only lower-cased.
 */
function canonicalHost(host: string): string {
  const lower = host.toLowerCase();
  if (isIP(lower) !== 6) return lower;
  try {
    return new URL(`http://[${lower}]/`).hostname.slice(1, -1);
  } catch {
    return lower;
  }
}

/**
 * How a live environment's URL compares with the one phoenix would register: host and port,
 * case-insensitively, with or without `tcp://` (a missing port is the agent's 9001). Where one
 * side names the host by DNS name and the other by IP address phoenix cannot tell whether they
 * are one machine: `undecidable`, and the caller warns and goes on.
 */
export function compareAgentUrls(live: string, wanted: string): 'same' | 'different' | 'undecidable' {
  const a = agentAddress(live);
  const b = agentAddress(wanted);
  if (a === undefined || b === undefined) return live.trim().toLowerCase() === wanted.trim().toLowerCase() ? 'same' : 'different';
  if ((a.port ?? 9001) !== (b.port ?? 9001)) return 'different';
  if (a.host === b.host) return 'same';
  return (isIP(a.host) === 0) !== (isIP(b.host) === 0) ? 'undecidable' : 'different';
}

/** The calls registration needs from the client, so that this file stays testable on its own. */
export interface RegistrationCalls {
  create(input: AgentEnvironmentInput): Promise<PortainerEnvironment>;
  environments(): Promise<PortainerEnvironment[]>;
}

export interface Registered {
  environment: PortainerEnvironment;
  /** True when the answer was lost or refused as a duplicate and a re-read found our environment. */
  recovered: boolean;
}

/**
 * Registers the environment once. A lost answer (reset, gateway error, timeout) or a duplicate
 * name is decided by re-reading the environments: ours (same name, same URL) counts as
 * registered; the name with another URL is a conflict (73); nothing there after a lost answer is
 * reported (69) without resending. A refused creation (the agent did not answer) is 69 with
 * Portainer's words, after a re-read that says what Portainer holds now.
 */
export async function registerAgentEnvironment(calls: RegistrationCalls, input: AgentEnvironmentInput): Promise<Registered> {
  try {
    return { environment: await calls.create(input), recovered: false };
  } catch (error) {
    const kind = classifyWriteFailure(error);
    if (kind === 'conflict') {
      const found = await reread(calls, input, error);
      if (found !== undefined) return { environment: found, recovered: true };
      throw new ConflictError(`Portainer refused the name "${printableText(input.name)}" as not unique, but lists no environment of exactly that name: nothing was written`, {
        code: 'ENVIRONMENT_URL_CONFLICT',
        hint: 'Portainer compares names exactly: look for a same-named environment you cannot see (RBAC), or give the VM another portainer_environment_name.',
        cause: error,
      });
    }
    if (kind === 'lost' || kind === 'timeout') {
      const found = await reread(calls, input, error).catch((rereadError: unknown) => {
        if (rereadError instanceof ConflictError) throw rereadError;
        throw new UnavailableError(
          `Registering Portainer environment "${printableText(input.name)}" got no answer, and Portainer could not be read again: the registration request was sent and its outcome is unknown`,
          {
            code: 'PORTAINER_NETWORK',
            hint: `Nothing was resent. Look in Portainer for an environment "${printableText(input.name)}" at ${printableText(input.url)} before running the same converge again (it registers nothing if that environment is there).`,
            cause: rereadError,
          },
        );
      });
      if (found !== undefined) return { environment: found, recovered: true };
      throw new UnavailableError(`Registering Portainer environment "${printableText(input.name)}" got no answer, and Portainer lists no environment of that name: nothing was registered`, {
        code: 'PORTAINER_NETWORK',
        hint: 'Nothing was resent. Check that Portainer is reachable, then run the same converge again.',
        cause: error,
      });
    }
    if (error instanceof PortainerApiError && error.kind === 'server') throw await agentFailed(calls, input, error);
    throw error;
  }
}

/** Our environment after a lost answer or a 409; throws the conflict when the name points elsewhere. */
async function reread(calls: RegistrationCalls, input: AgentEnvironmentInput, cause: unknown): Promise<PortainerEnvironment | undefined> {
  const same = (await calls.environments()).filter((e) => sameEnvironmentName(e.name, input.name));
  const ours = same.find((e) => compareAgentUrls(e.url, input.url) !== 'different');
  if (ours !== undefined) return ours;
  if (same.length === 0) return undefined;
  throw environmentUrlConflict(input.name, same[0], input.url, cause);
}

/** 73: the environment of that name is another machine's; phoenix never re-points it. */
export function environmentUrlConflict(name: string, live: Pick<PortainerEnvironment, 'id' | 'url'>, wanted: string, cause?: unknown): ConflictError {
  return new ConflictError(
    `Portainer environment "${printableText(name)}" (id ${live.id}) is at ${printableText(live.url) || '(no URL)'}, but the config puts this VM's agent at ${printableText(wanted)}: nothing was written`,
    {
      code: 'ENVIRONMENT_URL_CONFLICT',
      hint: 'phoenix never re-points or deletes an environment. If the config is wrong, fix portainer_agent_hostname / portainer_agent_port / network_config.ip; if the VM moved, change the environment in Portainer; or give the VM another portainer_environment_name.',
      cause,
    },
  );
}

async function agentFailed(calls: RegistrationCalls, input: AgentEnvironmentInput, error: PortainerApiError): Promise<UnavailableError> {
  const words = [error.portainerMessage, error.portainerDetails].filter((w, i, all): w is string => w !== undefined && all.indexOf(w) === i).map(printableText);
  const after = await calls.environments().then(
    (list) => {
      const there = list.find((e) => sameEnvironmentName(e.name, input.name));
      return there === undefined
        ? `Portainer lists no environment "${printableText(input.name)}": nothing was registered`
        : `Portainer now lists environment "${printableText(there.name)}" (id ${there.id}) at ${printableText(there.url)}`;
    },
    () => 'Portainer could not be read again to see what it holds: check its environments before running again',
  );
  const address = agentAddress(input.url);
  const port = address?.port ?? 9001;
  return new UnavailableError(`Portainer could not register the agent at ${printableText(input.url)}: ${words.join(': ') || `HTTP ${error.status}`}. ${after}`, {
    code: 'AGENT_UNREACHABLE',
    hint: `Is the Portainer agent running on the VM (docker ps there), and is port ${port} of ${address?.host ?? 'the VM'} open to the Portainer server (firewall)? Then run the same converge again.`,
    cause: error,
  });
}
