/** The state of a fixed-window counter after a hit. */
export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  count: number;
  /** Epoch ms when the window ends and the count starts over. */
  resetAt: number;
}

/**
 * Persisted fixed-window counters, so limits hold across restarts and instances.
 *
 * @example
 * const { count, resetAt } = await store.rateLimits.hit(`login:ip:${ip}`, 60_000, now);
 * if (count > 10) return tooManyRequests(Math.ceil((resetAt - now) / 1000));
 */
export interface RateLimitStore {
  /**
   * Counts one hit, one atomic step: N concurrent hits on a key raise its count by exactly N.
   * A window that ended (`resetAt <= now`) starts over at 1 with `resetAt = now + windowMs`.
   */
  hit(key: string, windowMs: number, now: number): Promise<RateLimitHit>;
  reset(key: string): Promise<void>;
  /** Deletes counters whose window ended; returns how many. */
  purge(now: number): Promise<number>;
}
