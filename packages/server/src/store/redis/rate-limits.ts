import type { RateLimitHit, RateLimitStore } from '../contract/rate-limits.js';
import type { RedisScripts } from './client.js';
import { type RedisKeys, SKEW_MS, ttlMs } from './keys.js';

const BATCH = 500;

/**
 * The Redis {@link RateLimitStore}: one hash per window, one script per hit (N concurrent hits
 * count exactly N), a TTL that ends with the window. A window that starts is also listed in a
 * purge index, so `purge(now)` finds ended windows without a scan.
 *
 * @example
 * const limits = new RedisRateLimitStore(scripts, keys);
 * const { count } = await limits.hit('login:ip:203.0.113.7', 60_000, now);
 */
export class RedisRateLimitStore implements RateLimitStore {
  constructor(
    private readonly scripts: RedisScripts,
    private readonly keys: RedisKeys,
  ) {}

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
    const [count, resetAt] = (await this.scripts.run(
      'tesseraRateLimitHit',
      [this.keys.rateLimit(key)],
      [now, windowMs, SKEW_MS],
    )) as [number, number];
    if (count === 1) {
      await this.scripts.run(
        'tesseraZaddKeep',
        [this.keys.rateLimitGc(key)],
        [key, resetAt, ttlMs(resetAt, now)],
      );
    }
    return { count, resetAt };
  }

  async reset(key: string): Promise<void> {
    await this.scripts.client.del(this.keys.rateLimit(key));
  }

  async purge(now: number): Promise<number> {
    const { client } = this.scripts;
    let purged = 0;
    for (const shard of this.keys.rateLimitGcShards()) {
      for (;;) {
        const due = await client.zrangebyscore(shard, '-inf', now, 'LIMIT', 0, BATCH);
        const deleted = await Promise.all(
          due.map((key) => this.scripts.run('tesseraRateLimitPurge', [this.keys.rateLimit(key)], [now])),
        );
        purged += deleted.filter((n) => n === 1).length;
        if (due.length > 0) await client.zrem(shard, ...due);
        if (due.length < BATCH) break;
      }
    }
    return purged;
  }
}
