import type { SessionIndex, SessionIndexEntry } from '../contract/session-index.js';
import { PreparedQuery } from './prepared.js';
import type { SqlContext } from './rows.js';

/**
 * The SQL {@link SessionIndex}: the Redis store's list of each user's sessions and its purge
 * schedule, in the database that already holds the users. Adding runs on every login, so it is
 * compiled once.
 *
 * @example
 * const index = new SqlSessionIndex({ db, dialect: 'sqlite' });
 * await index.add({ sessionId, userId, createdAt: now, lookAt: now + 14 * DAY });
 */
export class SqlSessionIndex implements SessionIndex {
  readonly #ctx: SqlContext;
  readonly #add: PreparedQuery<'sessionId' | 'userId' | 'createdAt' | 'lookAt', { session_id: string }>;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
    this.#add = new PreparedQuery(['sessionId', 'userId', 'createdAt', 'lookAt'], (p) =>
      ctx.db
        .insertInto('session_index')
        .values({ session_id: p.sessionId, user_id: p.userId, created_at: p.createdAt, look_at: p.lookAt })
        .onConflict((oc) => oc.column('session_id').doNothing())
        .returning('session_id'),
    );
  }

  async add(entry: SessionIndexEntry): Promise<boolean> {
    const { rows } = await this.#ctx.db.executeQuery(this.#add.bind(entry));
    return rows.length > 0;
  }

  async sessionsOf(userId: string): Promise<string[]> {
    const rows = await this.#ctx.db
      .selectFrom('session_index')
      .select('session_id')
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .orderBy('session_id', 'desc')
      .execute();
    return rows.map((row) => row.session_id);
  }

  async lookAt(sessionIds: readonly string[], at: number): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.#ctx.db
      .updateTable('session_index')
      .set({ look_at: at })
      .where('session_id', 'in', sessionIds)
      .execute();
  }

  async due(now: number, limit: number): Promise<string[]> {
    const rows = await this.#ctx.db
      .selectFrom('session_index')
      .select('session_id')
      .where('look_at', '<=', now)
      .orderBy('look_at')
      .limit(limit)
      .execute();
    return rows.map((row) => row.session_id);
  }

  async remove(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.#ctx.db.deleteFrom('session_index').where('session_id', 'in', sessionIds).execute();
  }
}
