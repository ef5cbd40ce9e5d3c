/**
 * The one redactor of the tool: it knows every value that must never be printed (the API token,
 * JWTs, passwords, every resolved secret env value) and removes them from text and from
 * structured data, in the forms they take once they have been encoded somewhere on the way:
 *
 * - raw: `a"b\c`;
 * - JSON- or Go-quoted (`%q`), as Portainer's JSON bodies and compose's own error text carry
 *   them: `a\"b\\c`, and that quoted once more (a JSON document that holds such a message);
 * - percent-encoded, as in a URL or a query string.
 *
 * Text is redacted where it enters phoenix (Portainer's error text, at the client boundary) and
 * again where it leaves (every stdout/stderr line). Structured data is walked string by string
 * BEFORE it is serialised: after `JSON.stringify` a secret holding `"` or `\` no longer appears
 * as itself, so redacting the serialised text alone would let a JSON consumer decode it.
 */

/** Very short strings would redact ordinary words; no real token, password or secret is that short. */
export const MIN_SECRET_LENGTH = 4;

export const REDACTED = '<redacted>';

/** The encoded forms of one value that a printed text may carry, each at least as long as the value. */
export function encodedForms(value: string): string[] {
  const quoted = JSON.stringify(value).slice(1, -1);
  const quotedTwice = JSON.stringify(quoted).slice(1, -1);
  let percent: string;
  try {
    percent = encodeURIComponent(value);
  } catch {
    percent = value; // a lone surrogate: no percent form
  }
  return [...new Set([value, quoted, quotedTwice, percent])];
}

export class Redactor {
  private readonly values = new Set<string>();
  /** Every form of every value, longest first, so that a longer form is replaced before a part of it. */
  private forms: string[] = [];

  constructor(
    values: Iterable<string | undefined> = [],
    private readonly mask: string = REDACTED,
  ) {
    this.add(...values);
  }

  /** Registers values; empty, undefined and very short ones are ignored. */
  add(...values: Array<string | undefined>): void {
    let changed = false;
    for (const value of values) {
      if (value === undefined || value.length < MIN_SECRET_LENGTH || this.values.has(value)) continue;
      this.values.add(value);
      changed = true;
    }
    if (changed) this.forms = [...new Set([...this.values].flatMap(encodedForms))].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.values.size;
  }

  /** The text with every known value, in every known form, replaced by the mask. */
  readonly text = (text: string): string => {
    let out = text;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(this.mask);
    return out;
  };

  /**
   * A copy of structured data with every string (values and keys) redacted, ready to be
   * serialised. Objects with a `toJSON` (errors, dates) are walked in their JSON form; a cycle
   * becomes "[circular]" rather than a crash.
   */
  deep<T>(value: T): T {
    return this.walk(value, new WeakSet()) as T;
  }

  private walk(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    try {
      const json = (value as { toJSON?: unknown }).toJSON;
      if (typeof json === 'function') return this.walk((json as () => unknown).call(value), seen);
      if (Array.isArray(value)) return value.map((item) => this.walk(item, seen));
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[this.text(key)] = this.walk(item, seen);
      return out;
    } finally {
      seen.delete(value);
    }
  }
}
