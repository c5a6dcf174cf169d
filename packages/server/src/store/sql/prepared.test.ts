import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { PreparedQuery } from './prepared.js';
import type { Database } from './schema.js';

// Compile-only Kysely instances: no connection is ever made.
const sqlite = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});
const postgres = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe('PreparedQuery', () => {
  it('binds named values in parameter order, a name used twice in both places, constants kept', () => {
    for (const db of [sqlite, postgres]) {
      const touch = new PreparedQuery(['now', 'id'], (p) =>
        db
          .updateTable('sessions')
          .set({ last_used_at: p.now, revoked_reason: 'constant' })
          .where('id', '=', p.id)
          .where('absolute_expires_at', '>', p.now),
      );
      const built = db
        .updateTable('sessions')
        .set({ last_used_at: 5, revoked_reason: 'constant' })
        .where('id', '=', 'sid-1')
        .where('absolute_expires_at', '>', 5)
        .compile();
      const bound = touch.bind({ now: 5, id: 'sid-1' });
      assert.equal(bound.sql, built.sql);
      assert.deepEqual(bound.parameters, built.parameters);
      assert.deepEqual(touch.bind({ now: 7, id: 'sid-2' }).parameters, [7, 'constant', 'sid-2', 7]);
    }
  });

  it('refuses a name the query does not use', () => {
    assert.throws(
      () =>
        new PreparedQuery(['id', 'unused'], (p) =>
          sqlite.selectFrom('users').selectAll().where('id', '=', p.id),
        ),
      /unused is not a parameter/,
    );
  });
});
