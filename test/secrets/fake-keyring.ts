import { KeyringUnavailableError } from '../../src/secrets';
import type { Keyring } from '../../src/secrets';

/** An in-memory keyring; `unavailable` makes every call fail as a headless host's would. */
export class FakeKeyring implements Keyring {
  readonly entries = new Map<string, string>();
  calls = 0;

  constructor(private readonly unavailable?: string) {}

  private check(): void {
    this.calls += 1;
    if (this.unavailable !== undefined) throw new KeyringUnavailableError(this.unavailable);
  }

  async get(service: string, account: string): Promise<string | null> {
    this.check();
    return this.entries.get(`${service}/${account}`) ?? null;
  }

  async set(service: string, account: string, value: string): Promise<void> {
    this.check();
    this.entries.set(`${service}/${account}`, value);
  }

  async delete(service: string, account: string): Promise<boolean> {
    this.check();
    return this.entries.delete(`${service}/${account}`);
  }

  async accounts(service: string): Promise<string[]> {
    this.check();
    return [...this.entries.keys()]
      .filter((key) => key.startsWith(`${service}/`))
      .map((key) => key.slice(service.length + 1))
      .sort();
  }
}
