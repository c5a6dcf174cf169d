import type { TokenIdStore } from '../contract/token-ids.js';
import { PreparedQuery } from './prepared.js';
import { affectedRows, type SqlContext } from './rows.js';

/**
 * The SQL {@link TokenIdStore}: one upsert decides, so concurrent adds of one id can't both win.
 *
 * @example
 * const ids = new SqlTokenIdStore({ db, dialect: 'postgres' });
 * if (!(await ids.add('client-assertion', `${clientId}:${jti}`, exp * 1000, now))) replay();
 */
export class SqlTokenIdStore implements TokenIdStore {
  readonly #ctx: SqlContext;
  // Inserts, or takes over an entry that has expired; a live entry is left alone and no row
  // comes back. Compiled once, like `has`: they run on every client assertion and introspection.
  readonly #add: PreparedQuery<'kind' | 'id' | 'expiresAt' | 'now', { kind: string }>;
  readonly #has: PreparedQuery<'kind' | 'id' | 'now', { kind: string }>;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
    this.#add = new PreparedQuery(['kind', 'id', 'expiresAt', 'now'], (p) =>
      ctx.db
        .insertInto('token_ids')
        .values({ kind: p.kind, id: p.id, expires_at: p.expiresAt })
        .onConflict((oc) =>
          oc
            .columns(['kind', 'id'])
            .doUpdateSet({ expires_at: p.expiresAt })
            .where('token_ids.expires_at', '<=', p.now),
        )
        .returning('kind'),
    );
    this.#has = new PreparedQuery(['kind', 'id', 'now'], (p) =>
      ctx.db
        .selectFrom('token_ids')
        .select('kind')
        .where('kind', '=', p.kind)
        .where('id', '=', p.id)
        .where('expires_at', '>', p.now),
    );
  }

  async add(kind: string, id: string, expiresAt: number, now: number): Promise<boolean> {
    const { rows } = await this.#ctx.db.executeQuery(this.#add.bind({ kind, id, expiresAt, now }));
    return rows.length > 0;
  }

  async has(kind: string, id: string, now: number): Promise<boolean> {
    const { rows } = await this.#ctx.db.executeQuery(this.#has.bind({ kind, id, now }));
    return rows.length > 0;
  }

  async purge(now: number): Promise<number> {
    const result = await this.#ctx.db
      .deleteFrom('token_ids')
      .where('expires_at', '<=', now)
      .executeTakeFirst();
    return affectedRows(result.numDeletedRows);
  }
}
