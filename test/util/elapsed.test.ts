import { ElapsedLine } from '../../src/util/elapsed';
import type { Clock } from '../../src/util/elapsed';

/** A clock the test moves by hand; `every` ticks when the test advances past a multiple. */
function fakeClock() {
  let now = 0;
  const ticks = new Set<() => void>();
  const clock: Clock = {
    now: () => now,
    every: (_ms, tick) => {
      ticks.add(tick);
      return () => ticks.delete(tick);
    },
  };
  const advance = (ms: number) => {
    for (let i = 0; i < ms / 1000; i++) {
      now += 1000;
      for (const tick of ticks) tick();
    }
  };
  return { clock, advance, ticking: () => ticks.size };
}

const CLEAR = '\r\u001B[2K';

describe('ElapsedLine', () => {
  it('says nothing for a fast action; redraws "deploying x... Ns" in place once slower than 3 s; clears at the end', () => {
    const { clock, advance, ticking } = fakeClock();
    const out: string[] = [];
    const line = new ElapsedLine((t) => out.push(t), clock);
    const fast = line.start('deploying web');
    advance(2000);
    fast();
    expect(out).toEqual([]);
    expect(ticking()).toBe(0);

    const slow = line.start('deploying monitoring');
    advance(3000);
    expect(out).toEqual(['deploying monitoring... 3s']);
    advance(9000);
    expect(out.at(-1)).toBe('deploying monitoring... 12s');
    expect(out.at(-2)).toBe(CLEAR);
    slow();
    expect(out.at(-1)).toBe(CLEAR);
    expect(ticking()).toBe(0);
    expect(out.join('')).not.toContain('\n'); // in place: never a new line of its own
  });

  it('a progress line clears the timer line, prints on its own line, then redraws it', () => {
    const { clock, advance } = fakeClock();
    const out: string[] = [];
    const line = new ElapsedLine((t) => out.push(t), clock);
    const end = line.start('deploying a');
    advance(4000);
    out.length = 0;
    line.print('deleting old...');
    expect(out).toEqual([CLEAR, 'deleting old...\n', 'deploying a... 4s']);
    end();
  });

  it('several slow actions share the line, timed from the oldest; ending one twice is harmless', () => {
    const { clock, advance } = fakeClock();
    const out: string[] = [];
    const line = new ElapsedLine((t) => out.push(t), clock);
    const a = line.start('vm 1: deploying a');
    advance(2000);
    const b = line.start('vm 2: deploying b');
    advance(3000);
    expect(out.at(-1)).toBe('vm 1: deploying a, vm 2: deploying b... 5s');
    a();
    a();
    expect(out.at(-1)).toBe('vm 2: deploying b... 3s'); // timed from the oldest still running
    b();
    expect(out.at(-1)).toBe(CLEAR);
  });
});
