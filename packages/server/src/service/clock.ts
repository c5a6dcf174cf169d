/** The one source of time for the service layer, so tests can freeze and move it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to, for tests.
 *
 * @example
 * const clock = new FrozenClock(Date.UTC(2026, 0, 1));
 * clock.advance(30_000);
 */
export class FrozenClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}

/** Whole epoch seconds, as JWT NumericDates use. */
export function toEpochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
