import type { RateLimitHit, RateLimitStore } from '../contract/rate-limits.js';
import { StoreError } from '../errors.js';
import { PreparedQuery } from './prepared.js';
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
  // Both SET expressions read the row as it was before this statement, so the window test is the
  // same for the count and the reset time. Compiled once: a hit is on every login and refresh.
  readonly #hit: PreparedQuery<'key' | 'now' | 'resetAt', { hits: number; reset_at: number }>;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
    this.#hit = new PreparedQuery(['key', 'now', 'resetAt'], (p) =>
      ctx.db
        .insertInto('rate_limits')
        .values({ key: p.key, hits: 1, reset_at: p.resetAt })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            hits: eb
              .case()
              .when('rate_limits.reset_at', '<=', p.now)
              .then(1)
              .else(eb('rate_limits.hits', '+', 1))
              .end(),
            reset_at: eb
              .case()
              .when('rate_limits.reset_at', '<=', p.now)
              .then(eb.val(p.resetAt))
              .else(eb.ref('rate_limits.reset_at'))
              .end(),
          })),
        )
        .returning(['hits', 'reset_at']),
    );
  }

  async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
    const { rows } = await this.#ctx.db.executeQuery(this.#hit.bind({ key, now, resetAt: now + windowMs }));
    const row = rows[0];
    if (row === undefined) throw new StoreError('ERR_STORE_CORRUPT', 'rate limit upsert returned no row');
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
