/** The shapes other modules code against. Field names are camelCase; the file's are snake_case. */

export type EnvValue = string | { secret: string };

export interface PortainerSettings {
  url?: string;
  /** Absolute: resolved against the config file's directory. */
  caFile?: string;
  insecure: boolean;
  /** Absolute. */
  tokenFile?: string;
  /** Absolute. */
  secretsDir?: string;
  /** Registering agent VMs: TLSSkipVerify / TLSSkipClientVerify (default true) and GroupID (default 1). */
  agentTlsSkipVerify?: boolean;
  agentTlsSkipClientVerify?: boolean;
  agentGroupId?: number;
}

export interface LoadedConfig {
  /** Absolute path of the config file. */
  path: string;
  /** Directory of the config file: the base of every relative path in it. */
  dir: string;
  portainer: PortainerSettings;
  environments: Record<string, { protected: boolean }>;
  /** The parsed document, untouched (promotion edits the file text, not this). */
  data: unknown;
}

export interface VmSummary {
  vmid: number;
  name: string;
  environment?: string;
  /** `primary` runs the Portainer server; `agent` VMs are reached through it. */
  portainerRole?: 'primary' | 'agent';
  portainerEnvironmentName?: string;
  portainerEndpointId?: number;
  /** Where the agent of a `portainer_role: "agent"` VM listens, as the config says it (src/config/agent.ts turns it into a URL). */
  agent?: { hostname?: string; port?: number; ip?: unknown };
  stackNames: string[];
  /** The environments its docker_stacks entries run in (each entry's, else the VM's), sorted. */
  stackEnvironments: string[];
}

export interface DesiredStack {
  name: string;
  composeText: string;
  /** Absolute path of the compose file, or 'inline'. */
  composeSource: string;
  env: Record<string, EnvValue>;
  /** The environment whose overlay applied (the entry's, else the VM's). */
  environment?: string;
  /** The compose file's service names, in file order (from the config check's parse). */
  services?: string[];
}

export interface ResolvedVm extends VmSummary {
  /** Sorted by name. */
  stacks: DesiredStack[];
  /** Not errors, for stderr: env that a stack's compose file never references. */
  warnings?: string[];
}
