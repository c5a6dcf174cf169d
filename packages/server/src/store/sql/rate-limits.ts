import type { RateLimitHit, RateLimitStore } from '../contract/rate-limits.js';
import { affectedRows, type SqlContext } from './rows.js';

/**
 * The SQL {@link RateLimitStore}: one upsert per hit, so concurrent hits never lose a count.
 *
 * @example
 * const limits = new SqlRateLimitStore({ db, dialect: 'postgres' });
 * const { count } = await limits.hit('login:ip:203.0.113.7', 60_000, now);
 */
export class SqlRateLimitStore implements RateLimitStore {
  readonly #ctx: SqlContext;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
    const resetAt = now + windowMs;
    // Both SET expressions read the row as it was before this statement, so the window test is
    // the same for the count and the reset time.
    const row = await this.#ctx.db
      .insertInto('rate_limits')
      .values({ key, hits: 1, reset_at: resetAt })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          hits: eb
            .case()
            .when('rate_limits.reset_at', '<=', now)
            .then(1)
            .else(eb('rate_limits.hits', '+', 1))
            .end(),
          reset_at: eb
            .case()
            .when('rate_limits.reset_at', '<=', now)
            // eb.val: a bare then(value) is inlined into the SQL text, which defeats the statement cache.
            .then(eb.val(resetAt))
            .else(eb.ref('rate_limits.reset_at'))
            .end(),
        })),
      )
      .returning(['hits', 'reset_at'])
      .executeTakeFirstOrThrow();
    return { count: row.hits, resetAt: row.reset_at };
  }

  async reset(key: string): Promise<void> {
    await this.#ctx.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }

  async purge(now: number): Promise<number> {
    const result = await this.#ctx.db
      .deleteFrom('rate_limits')
      .where('reset_at', '<=', now)
      .executeTakeFirst();
    return affectedRows(result.numDeletedRows);
  }
}
