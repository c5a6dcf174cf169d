// A clock and timers that move only when a test says so; `advance` runs due timers in order
// and lets the promises they start settle between them.
import { setImmediate as immediate } from 'node:timers/promises';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/** Lets pending promise chains (and real I/O callbacks queued before) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await immediate();
}

export class FakeClock {
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(public current = Date.UTC(2026, 0, 1, 12)) {}

  now = (): number => this.current;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  };

  clearTimeout = (id: unknown): void => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };

  /** The delays of the pending timers, soonest first. */
  pending(): number[] {
    return this.timers.map((t) => t.at - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await settle();
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.callback();
      await settle();
    }
    this.current = target;
    await settle();
  }

  /** The options createClient takes for time. */
  get options() {
    return { now: this.now, setTimeout: this.setTimeout, clearTimeout: this.clearTimeout };
  }
}
