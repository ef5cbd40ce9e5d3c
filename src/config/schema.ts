/**
 * The zod schema of phoenix_vm_configs.json. One source for validation and for the JSON Schema
 * (`phoenix config schema`). The blocks phoenix owns are strict objects, so a typo is an error;
 * everything else in the file (vm_defaults, the provisioning fields of each VM) belongs to the
 * Phoenix Hypervisor scripts and is accepted untouched.
 *
 * Rules that span several places (stack name pattern on record keys, duplicates, exactly one of
 * compose_file/compose, references to declared environments) live in `rules.ts`: zod skips a
 * record value whose key fails, and those rules need the whole document to say where the other
 * half of a duplicate is. The pattern still reaches the JSON Schema through `.meta`.
 */
import { z } from 'zod';
import { agentHostProblem } from './agent';

/**
 * Names Portainer keeps as sent. Portainer lower-cases a stack name and strips everything outside
 * `[-_a-z0-9]` without saying so; phoenix refuses such names instead of tracking a renamed stack.
 */
export const STACK_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

const stackName = z.string().meta({ pattern: STACK_NAME_PATTERN.source, description: 'Stack name as Portainer stores it' });

/**
 * Portainer writes a stack's env as `NAME=VALUE` lines of `stack.env`, one per variable. A name
 * outside this pattern, or a value holding a line break or a NUL, would inject other variables
 * or break the deploy (which on Portainer 2.15+ takes the running stack down).
 */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_VALUE_PATTERN = /^[^\n\r\0]*$/;

/** Undefined when `name` is a usable env name; otherwise why not. Every source of env names uses it. */
export function envNameProblem(name: string): string | undefined {
  if (ENV_NAME_PATTERN.test(name)) return undefined;
  return `invalid env name ${JSON.stringify(name)}: use letters, digits and "_", not starting with a digit (Portainer writes each variable as a NAME=VALUE line)`;
}

/**
 * Undefined when `value` can be sent; otherwise why not, without the value itself (it may be a
 * secret). Config values, Phoenix layout variables and resolved secrets all pass through it.
 */
export function envValueProblem(value: string): string | undefined {
  if (ENV_VALUE_PATTERN.test(value)) return undefined;
  const found = [value.includes('\n') ? 'a newline' : '', value.includes('\r') ? 'a carriage return' : '', value.includes('\0') ? 'a NUL' : ''].filter((w) => w !== '');
  return `env value contains ${found.join(' and ')}: Portainer writes each variable as one NAME=VALUE line, so it would inject variables or break the deploy; keep the value on one line`;
}

const envName = z
  .string()
  .regex(ENV_NAME_PATTERN, { error: (issue) => envNameProblem(String(issue.input)) })
  .meta({ description: 'Env name: letters, digits and "_", not starting with a digit' });

const envString = z
  .string()
  .regex(ENV_VALUE_PATTERN, { error: (issue) => envValueProblem(String(issue.input)) })
  .meta({ description: 'Env value on one line: no newline, carriage return or NUL' });

export const envValueSchema = z.union([envString, z.strictObject({ secret: z.string().min(1).meta({ description: 'Name in the phoenix secret store' }) })], {
  error: 'expected a string or {"secret": "<name>"}',
});

export const envSchema = z.record(envName, envValueSchema).meta({ description: 'Environment variables of the stack' });

/**
 * `portainer.url` with `user:password@`: `config validate` names it offline (65, the value never
 * echoed); a run refuses it with the URL check every source goes through (64, URL_CREDENTIALS).
 * Not a schema rule, so that the run's refusal keeps its own exit code and hint.
 */
export function urlCredentialsProblem(url: string): string | undefined {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url.trim())
    ? 'carries a user name or password ("user:password@"): it would be printed in every plan and log; credentials go in the OS keyring or the token file (phoenix portainer token set)'
    : undefined;
}

/**
 * An agent TLS skip flag: only `true` (or left out). With `false` Portainer wants certificate
 * files in the registration form, which phoenix does not upload, so every registration would
 * be refused: a config that can never work is refused when read.
 */
function agentTlsSkip(key: string, files: string) {
  return z
    .boolean()
    .refine((skip) => skip, {
      message: `false needs ${files} uploaded with the registration, which phoenix does not do, so Portainer would refuse every registration: leave ${key} out (or true), or register the agent in Portainer by hand and map the VM with portainer_endpoint_id`,
    })
    .optional();
}

export const portainerSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
    ca_file: z.string().min(1).optional().meta({ description: 'Extra CA bundle, relative to the config file' }),
    insecure_skip_tls_verify: z.boolean().optional(),
    token_file: z.string().min(1).optional().meta({ description: 'Root-only API token file, relative to the config file' }),
    secrets_dir: z.string().min(1).optional().meta({ description: 'Directory of root-only secret files, relative to the config file' }),
    agent_tls_skip_verify: agentTlsSkip('agent_tls_skip_verify', 'TLSCACertFile (the CA of the agent certificate)').meta({
      description: 'Registering an agent VM: TLSSkipVerify, true only (the default): the agent serves a self-signed certificate it makes at start-up, and phoenix uploads no CA file',
      const: true,
    }),
    agent_tls_skip_client_verify: agentTlsSkip('agent_tls_skip_client_verify', 'TLSCertFile and TLSKeyFile (a client certificate)').meta({
      description: 'Registering an agent VM: TLSSkipClientVerify, true only (the default): the agent checks Portainer by its signature, and phoenix uploads no client certificate',
      const: true,
    }),
    agent_group_id: z.number().int().positive().optional().meta({ description: 'Registering an agent VM: the Portainer environment group (default 1, Unassigned)' }),
  })
  .meta({ description: 'How phoenix reaches Portainer' });

export const environmentSchema = z.strictObject({
  protected: z.boolean().optional().meta({ description: 'Promotion into this environment needs confirmation' }),
});

export const stackSchema = z
  .strictObject({
    compose_file: z.string().min(1).optional().meta({ description: 'Compose file, relative to the config file' }),
    compose: z.string().min(1).optional().meta({ description: 'Inline compose YAML' }),
    env: envSchema.optional(),
    environments: z
      .record(
        z.string(),
        z
          .strictObject({
            compose_file: z.string().min(1).optional().meta({ description: 'This environment runs another compose file (relative to the config file); promotion copies it' }),
            compose: z.string().min(1).optional().meta({ description: 'This environment runs this inline compose YAML; promotion copies it' }),
            env: envSchema.optional(),
          })
          .meta({ description: 'Settings of the stack in one environment, over the stack’s own' }),
      )
      .optional(),
    promote: z.array(z.string().min(1)).optional().meta({ description: 'Env keys that promotion copies between environments' }),
  })
  .meta({ description: 'A Docker stack: exactly one of compose_file or compose' });

export const stackEntrySchema = z.union(
  [
    stackName,
    z.strictObject({
      name: stackName,
      environment: z.string().min(1).optional(),
      env: envSchema.optional(),
    }),
  ],
  { error: 'expected a stack name or {"name", "environment"?, "env"?}' },
);

const PORT_ERROR = 'expected a TCP port: a whole number from 1 to 65535';
export const portSchema = z.number({ error: PORT_ERROR }).int({ error: PORT_ERROR }).min(1, { error: PORT_ERROR }).max(65535, { error: PORT_ERROR });

const agentHostname = z
  .string()
  .superRefine((host, ctx) => {
    const problem = agentHostProblem(host);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ pattern: '^[^\\s/@]+$', description: "Host name or IP address Portainer reaches the VM's agent at (no scheme, port or path); default: the address of network_config.ip" });

/** Only phoenix's own VM fields are typed; every other field is the provisioning scripts'. */
export const vmSchema = z.looseObject({
  vmid: z.number().int().positive(),
  name: z.string(),
  portainer_role: z.enum(['primary', 'agent']).optional(),
  portainer_environment_name: z.string().min(1).optional(),
  portainer_endpoint_id: z.number().int().positive().optional(),
  portainer_agent_hostname: agentHostname.optional(),
  portainer_agent_port: portSchema.optional().meta({ description: "Port of the VM's Portainer agent; default network.portainer_agent_port of phoenix_hypervisor_config.json, else 9001" }),
  environment: z.string().min(1).optional(),
  docker_stacks: z.array(stackEntrySchema).optional(),
});

export const configSchema = z.looseObject({
  $schema: z.string().optional(),
  portainer: portainerSchema.optional(),
  environments: z.record(z.string(), environmentSchema).optional(),
  stacks: z.record(stackName, stackSchema).optional(),
  vms: z.array(vmSchema),
});

export type ConfigDocument = z.infer<typeof configSchema>;
export type VmDocument = z.infer<typeof vmSchema>;
export type StackDocument = z.infer<typeof stackSchema>;
export type StackEnvironmentDocument = NonNullable<StackDocument['environments']>[string];
export type StackEntryDocument = z.infer<typeof stackEntrySchema>;
