import type { MetaStore } from '../contract/meta.js';
import { affectedRows, type SqlContext } from './rows.js';

/**
 * The SQL {@link MetaStore}.
 *
 * @example
 * const meta = new SqlMetaStore({ db, dialect: 'sqlite' });
 * await meta.set('keys.next-rotation', String(at));
 */
export class SqlMetaStore implements MetaStore {
  readonly #ctx: SqlContext;

  constructor(ctx: SqlContext) {
    this.#ctx = ctx;
  }

  async get(name: string): Promise<string | null> {
    const row = await this.#ctx.db
      .selectFrom('meta')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value ?? null;
  }

  async set(name: string, value: string): Promise<void> {
    await this.#ctx.db
      .insertInto('meta')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }

  async compareAndSet(name: string, expected: string | null, value: string): Promise<boolean> {
    // Each branch is a single statement, atomic on its own: the primary key arbitrates the
    // insert race, the WHERE on the old value arbitrates the update race.
    if (expected === null) {
      const result = await this.#ctx.db
        .insertInto('meta')
        .values({ name, value })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return affectedRows(result.numInsertedOrUpdatedRows) > 0;
    }
    const result = await this.#ctx.db
      .updateTable('meta')
      .set({ value })
      .where('name', '=', name)
      .where('value', '=', expected)
      .executeTakeFirst();
    return affectedRows(result.numUpdatedRows) > 0;
  }
}
