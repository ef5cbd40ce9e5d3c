/**
 * An elapsed-time line on a terminal for actions slower than a few seconds
 * (`deploying monitoring... 12s`), redrawn in place on stderr. Progress lines printed while it
 * shows clear it first and redraw it after, so the two never mix on one line. The clock is
 * injected, so tests drive it without sleeping.
 */
export interface Clock {
  now(): number;
  every(ms: number, tick: () => void): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  every: (ms, tick) => {
    const handle = setInterval(tick, ms);
    handle.unref();
    return () => clearInterval(handle);
  },
};

const CLEAR = '\r\u001B[2K';

export class ElapsedLine {
  private readonly active = new Map<number, { label: string; since: number }>();
  private next = 0;
  private shown = false;
  private stopTicking?: () => void;

  constructor(
    private readonly write: (text: string) => void,
    private readonly clock: Clock = realClock,
    private readonly thresholdMs = 3_000,
  ) {}

  /** Starts timing one action; the returned function ends it (and clears the line when none is left). */
  start(label: string): () => void {
    const id = this.next++;
    this.active.set(id, { label, since: this.clock.now() });
    this.stopTicking ??= this.clock.every(1_000, () => this.draw());
    return () => {
      if (!this.active.delete(id)) return;
      if (this.active.size === 0) {
        this.stopTicking?.();
        this.stopTicking = undefined;
      }
      this.draw();
    };
  }

  /** A whole line of progress: clears the timer line, prints, redraws. */
  print(line: string): void {
    this.erase();
    this.write(`${line}\n`);
    this.draw();
  }

  private erase(): void {
    if (this.shown) this.write(CLEAR);
    this.shown = false;
  }

  private draw(): void {
    const now = this.clock.now();
    const slow = [...this.active.values()].filter((a) => now - a.since >= this.thresholdMs);
    this.erase();
    if (slow.length === 0) return;
    const oldest = Math.min(...slow.map((a) => a.since));
    this.write(`${slow.map((a) => a.label).join(', ')}... ${Math.floor((now - oldest) / 1000)}s`);
    this.shown = true;
  }
}
