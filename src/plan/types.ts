/**
 * The change vocabulary, named once. The planner produces these from
 * plain data; the renderer and apply consume them; nothing here knows HTTP or Portainer routes.
 */

export type Action = 'create' | 'update' | 'delete' | 'start' | 'noop' | 'conflict';

export interface EnvPair {
  name: string;
  value: string;
}

/** A stack as the config wants it, with every env value already resolved. */
export interface DesiredStackInput {
  name: string;
  composeText: string;
  env: EnvPair[];
  /** Env names whose values are secrets: their values never leave apply. */
  secretNames?: string[];
  /** The service names of the compose file; without them no service is reported down or orphaned. */
  services?: string[];
}

/**
 * One container (compose) or one service (Swarm) that runs for a stack, reduced to what the plan
 * needs. Names come from Docker labels: anything a person could type, never trusted for output.
 */
export interface RuntimeUnitInput {
  /** Container or Swarm service id: what a removal names. */
  id: string;
  /** Container name (`web-worker-1`) or Swarm service name (`web_worker`), for people. */
  name: string;
  /** Its `com.docker.compose.project` (or `com.docker.stack.namespace`) label, exactly as Docker has it. */
  project: string;
  /** The compose service it belongs to. */
  service: string;
  /** Compose: the container's state. */
  state?: 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'created' | 'removing' | 'unknown';
  exitCode?: number;
  health?: 'healthy' | 'unhealthy' | 'starting';
  /** Swarm: running and desired tasks, when Docker reported them. */
  running?: number;
  desired?: number;
}

/**
 * What runs on the VM's Portainer environment: every compose container (standalone) or every
 * stack service (Swarm). A unit belongs to the live stack whose name its project label is, exactly.
 */
export interface EnvironmentRuntime {
  kind: 'compose' | 'swarm';
  units: RuntimeUnitInput[];
}

/** A stack as Portainer has it, reduced to what the plan needs. */
export interface LiveStackInput {
  id: number;
  name: string;
  /** The stack file's text; absent when it was not read (a Git-based stack). */
  composeText?: string;
  env: EnvPair[];
  git: boolean;
  /** Portainer says the last deploy failed (Status 4): the stack is redeployed even when its text matches. */
  failed?: boolean;
  /** Portainer says the stack is up (Status 1): a failed update of it is rolled back to this file and env. */
  running?: boolean;
  /** Portainer has stopped the stack (Status 2): an owned stack in sync is started. */
  stopped?: boolean;
}

export interface PlanOptions {
  vmid: number;
  prune: boolean;
  adopt: boolean;
  /**
   * Redeploy every owned declared stack even when in sync: `pull` with Portainer pulling the
   * images first (--pull; every other update of the plan pulls too), `plain` without (--redeploy).
   */
  redeploy?: 'pull' | 'plain';
  /** The VM's agent environment does not exist yet: it is registered first, and `live` is empty. */
  register?: EnvironmentRegistration;
}

/** A Portainer agent environment converge registers before the VM's stacks (never `plan`). */
export interface EnvironmentRegistration {
  name: string;
  /** `tcp://<host>:<port>` of the VM's agent. */
  url: string;
}

export interface EnvChanges {
  added: string[];
  removed: string[];
  changed: string[];
  /**
   * One entry per name above, in the same order (added, removed, changed). `value` is the desired
   * value, only for a literal whose name and value do not look sensitive; otherwise `hidden` says
   * why it is not shown. A removed name has neither: its only value is Portainer's.
   */
  details?: EnvChange[];
}

export interface EnvChange {
  name: string;
  change: 'added' | 'removed' | 'changed';
  value?: string;
  hidden?: 'secret' | 'sensitive';
}

/** `duplicate`: several live stacks share the name, in different case (names from before Portainer 2.9.1). */
export type ConflictKind = 'unowned' | 'git' | 'other-vm' | 'duplicate';

/** What apply sends: the full stack file (with the ownership marker) and the full env. */
export interface StackPayload {
  composeText: string;
  env: EnvPair[];
}

/** Why a service of the file is not running as asked. */
export type ServiceProblemKind = 'exited' | 'restarting' | 'dead' | 'created' | 'paused' | 'removing' | 'unknown' | 'unhealthy' | 'missing' | 'replicas';

export interface ServiceProblem {
  service: string;
  problem: ServiceProblemKind;
  /** `exited` and `restarting`: the exit code Docker reported. */
  exitCode?: number;
  /** `replicas` (Swarm): running and desired tasks. */
  running?: number;
  desired?: number;
}

/** A service that runs for an owned stack but is no longer in its file. */
export interface OrphanService {
  service: string;
  /** Compose: its containers (what a removal names); Swarm: the one service. */
  units: { id: string; name: string }[];
}

/** What runs for a stack, as the plan reports it. */
export interface RuntimeReport {
  kind: 'compose' | 'swarm';
  /** Services of the file that run as asked, of `total`. */
  running: number;
  total: number;
  /** The services of the file that do not, in file order. */
  problems: ServiceProblem[];
  /** Sorted by service name. */
  orphans: OrphanService[];
  /**
   * True when apply removes the orphans (`--prune` and an owned stack): compose by removing their
   * containers after the stack's own action, Swarm by sending the update with Prune.
   */
  removeOrphans: boolean;
}

export interface PlanItem {
  stack: string;
  action: Action;
  /** One line a person reads next to the action. */
  reason: string;
  /** Portainer's id of the live stack, for update and delete. */
  liveId?: number;
  /** True when an update takes over a stack phoenix did not own (`--adopt`). */
  adopt?: boolean;
  /** True when the update asks Portainer to pull the images before deploying (--pull). */
  pull?: boolean;
  /**
   * True when the update only redeploys (--redeploy, --pull): the file and env already match, so
   * re-reading Portainer after a lost answer cannot tell whether it ran.
   */
  redeploy?: boolean;
  /** Unified diff of the normalised compose text, live → desired ('' when equal). */
  composeDiff: string;
  /** Set when the compose texts differ but the diff was too large to compute or show (composeDiff is ''). */
  composeDiffOmitted?: { linesChanged: number };
  env: EnvChanges;
  conflict?: { kind: ConflictKind; resolution: string };
  /** What runs for the stack, when the environment's runtime was read and the stack is ours to report on. */
  runtime?: RuntimeReport;
  /** Set on an update sent with Prune (Swarm orphans with `--prune`); `only` when the orphans are its only reason. */
  prune?: { only: boolean };
  /** Internal: what apply sends. Renderers must never print it (it holds env values). */
  payload?: StackPayload;
  /**
   * Internal: the live file and env the plan was made from, for an update of a running stack:
   * what a roll-back puts back when the update fails. Never printed (env values, some set by hand).
   */
  previous?: StackPayload;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  start: number;
  noop: number;
  conflict: number;
  /** Orphan services that apply removes (`--prune`), across every item. */
  orphansToRemove: number;
}

export interface Plan {
  vmid: number;
  items: PlanItem[];
  /** Owned live stacks that left the config and stay because `--prune` was not given. */
  orphans: string[];
  summary: PlanSummary;
  /** Set when the VM's environment is registered first (shown as `+ environment <name>`). */
  register?: EnvironmentRegistration;
}
