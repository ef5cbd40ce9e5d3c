import type { DesiredStack, LoadedConfig } from '../config';
import { envValueProblem } from '../config';
import { BugError, ConfigError } from '../errors';
import type { DesiredStackInput, EnvPair } from '../plan';
import { hiddenReason } from '../plan/env-display';
import { SecretResolver } from '../secrets';

/**
 * A word or number that a credential-like name may well hold (`AUTH_ENABLED=true`,
 * `KEY_TTL=3600`): redacting it would blank it in every line of output (ids, counts, "true" in
 * a message), so it is not registered. The plan still hides it.
 */
const ORDINARY_VALUE = /^(?:true|false|yes|no|on|off|[+-]?\d+(?:\.\d+)?)$/i;

/**
 * The secret env values of a run (`{ "secret": "<name>" }`, README.md#the-token-and-secrets), resolved once per
 * name from the keyring or the secrets directory, before any request to Portainer: a missing or
 * unsafe secret stops the run before anything is read or written.
 */
export class StackSecrets {
  private readonly values = new Map<string, string>();
  /** Config literals the plan hides as credentials (`DB_PASSWORD=...`): redacted like secrets. */
  private readonly sensitive = new Set<string>();

  constructor(private readonly resolver: SecretResolver) {}

  /** `debug` (--debug) also hears why the keyring was passed over when a secret file had the value. */
  static for(config: LoadedConfig, env: NodeJS.ProcessEnv, warn: (line: string) => void, debug?: (line: string) => void): StackSecrets {
    return new StackSecrets(new SecretResolver({ env, configSecretsDir: config.portainer.secretsDir, warn, debug }));
  }

  /** Resolve every secret these stacks name, and note the literals that must be redacted like them. */
  async load(stacks: readonly DesiredStack[]): Promise<void> {
    for (const stack of stacks) {
      for (const [env, value] of Object.entries(stack.env)) {
        // Portainer's error text may echo the env (compose prints it): a literal the plan hides must
        // not come back through a failure message, in text, --json or --debug.
        if (typeof value === 'string' && hiddenReason(env, value, false) !== undefined && !ORDINARY_VALUE.test(value.trim())) this.sensitive.add(value);
        if (typeof value !== 'string' && !this.values.has(value.secret)) {
          const resolved = await this.resolver.resolve(value.secret);
          // The config's rule for env values holds for secrets too; the value itself is never shown.
          const problem = envValueProblem(resolved.value);
          if (problem !== undefined) {
            throw new ConfigError(`secret "${value.secret}" (env ${env} of stack ${stack.name}, from ${resolved.where}): ${problem.replace(/^env value/, 'its value')}`, {
              code: 'SECRET_VALUE_INVALID',
              hint: `Store it again on one line: phoenix secret set ${value.secret} (encode a multi-line value, e.g. base64, and decode it in the container).`,
            });
          }
          this.values.set(value.secret, resolved.value);
        }
      }
    }
  }

  value(stack: string, env: string, name: string): string {
    const value = this.values.get(name);
    if (value === undefined) {
      // load() runs before the plan; reaching this is a bug, not a user error.
      throw new BugError(`stack ${stack}: env ${env} needs secret "${name}", which was not loaded`);
    }
    return value;
  }

  /** Every value to redact (each resolved secret, each hidden literal), for the client's and the base command's redactor. */
  all(): string[] {
    return [...this.values.values(), ...this.sensitive];
  }
}

/**
 * The planner's view of a desired stack: every env value resolved to a string, and the names
 * whose values are secrets marked, so the plan reports them by name only.
 */
export function desiredInput(stack: DesiredStack, secrets?: StackSecrets): DesiredStackInput {
  const env: EnvPair[] = [];
  const secretNames: string[] = [];
  for (const [name, value] of Object.entries(stack.env)) {
    if (typeof value === 'string') {
      env.push({ name, value });
      continue;
    }
    // Every caller that plans a stack with secret env passes its loaded StackSecrets.
    if (!secrets) throw new BugError(`stack ${stack.name}: env ${name} is a secret and no secret store was given`);
    env.push({ name, value: secrets.value(stack.name, name, value.secret) });
    secretNames.push(name);
  }
  return { name: stack.name, composeText: stack.composeText, env, ...(secretNames.length > 0 ? { secretNames: secretNames.sort() } : {}) };
}
