/**
 * The OS keyring (Secret Service on Linux) through keytar, which is an optional dependency:
 * it may be missing, its native binary may fail to load, and on a headless hypervisor there is
 * no session bus at all (keytar then throws "Cannot autolaunch D-Bus without X11 $DISPLAY").
 * Every such case is one thing for callers: the keyring is unavailable, and they use the file.
 */

/** What phoenix needs from a keyring; tests inject a fake. */
export interface Keyring {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  /** True when an entry was removed. */
  delete(service: string, account: string): Promise<boolean>;
  /** The accounts stored under a service (never their values). */
  accounts(service: string): Promise<string[]>;
}

/** The keyring cannot be used here; `reason` says why in a few words (no secret in it). */
export class KeyringUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`no usable OS keyring: ${reason}`);
    this.name = 'KeyringUnavailableError';
  }
}

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/** A Secret Service that does not answer (a prompt nobody sees) must not hang a converge. */
const CALL_TIMEOUT_MS = 10_000;

function isKeytar(value: unknown): value is Keytar {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return ['getPassword', 'setPassword', 'deletePassword', 'findCredentials'].every((name) => typeof candidate[name] === 'function');
}

/** keytar's own words, first line only: they name the D-Bus problem and never carry a secret. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim() || 'unknown keyring error';
}

/**
 * keytar behind the Keyring interface, loaded on first use only (a `require` here, not an
 * import at the top: a missing or broken keytar must never break startup or the file path).
 * After the first failure the keyring is considered unavailable for the rest of the process,
 * so a missing Secret Service costs one attempt, not one per lookup.
 */
export class KeytarKeyring implements Keyring {
  private module?: Keytar;
  private failure?: KeyringUnavailableError;

  // A require at call time, on purpose: an import would load keytar (or fail) at startup.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  constructor(private readonly load: () => unknown = () => require('@github/keytar')) {}

  get(service: string, account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(service, account));
  }

  set(service: string, account: string, value: string): Promise<void> {
    return this.call((k) => k.setPassword(service, account, value));
  }

  delete(service: string, account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(service, account));
  }

  async accounts(service: string): Promise<string[]> {
    const found = await this.call((k) => k.findCredentials(service));
    return found.map((credential) => credential.account).sort();
  }

  private keytar(): Keytar {
    if (this.failure) throw this.failure;
    if (this.module) return this.module;
    let loaded: unknown;
    try {
      loaded = this.load();
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
      throw this.fail(missing ? 'keytar is not installed' : `keytar failed to load (${reasonOf(error)})`);
    }
    if (!isKeytar(loaded)) throw this.fail('keytar failed to load (unexpected module shape)');
    this.module = loaded;
    return loaded;
  }

  private async call<T>(operation: (k: Keytar) => Promise<T>): Promise<T> {
    const keytar = this.keytar();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.fail(`the Secret Service did not answer within ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
      timer.unref();
    });
    try {
      return await Promise.race([operation(keytar), timeout]);
    } catch (error) {
      if (error instanceof KeyringUnavailableError) throw error;
      throw this.fail(reasonOf(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(reason: string): KeyringUnavailableError {
    this.failure = new KeyringUnavailableError(reason);
    return this.failure;
  }
}

let system: KeytarKeyring | undefined;

/** The process-wide keyring, so "unavailable" is found out (and said) once per run. */
export function systemKeyring(): Keyring {
  system ??= new KeytarKeyring();
  return system;
}

const announced = new WeakSet<Keyring>();

/**
 * Runs a keyring operation. When the keyring is unavailable, says so once per keyring (through
 * `warn`, with what happens instead) and returns `undefined`; other errors propagate.
 */
export async function tryKeyring<T>(keyring: Keyring, operation: (k: Keyring) => Promise<T>, warn: ((line: string) => void) | undefined, instead: string): Promise<{ value: T } | undefined> {
  try {
    return { value: await operation(keyring) };
  } catch (error) {
    if (!(error instanceof KeyringUnavailableError)) throw error;
    if (!announced.has(keyring)) {
      announced.add(keyring);
      warn?.(`no usable OS keyring (${error.reason}); ${instead}.`);
    }
    return undefined;
  }
}
