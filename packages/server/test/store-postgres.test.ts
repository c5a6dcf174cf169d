import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { runStoreConformance } from '../src/store/conformance/index.js';
import { createSqlStore, StoreError } from '../src/store/index.js';
import { migrateUpTo } from '../src/store/sql/migrations.js';
import { createPostgresDialect } from '../src/store/sql/postgres.js';
import { dropSchema, postgresForTests, randomSchemaName } from './helpers/postgres.js';

const postgres = await postgresForTests('store-postgres');

if (postgres.skip !== undefined) {
  it('PostgreSQL store', { skip: postgres.skip }, () => {});
} else {
  const url = postgres.url;

  runStoreConformance('postgres', async () => {
    // One fresh schema per test: parallel test files and tests never see each other's rows.
    const schema = randomSchemaName();
    const open = () => createSqlStore({ dialect: 'postgres', connectionString: url, schema });
    const store = await open();
    return {
      store,
      reopen: open,
      cleanup: async () => {
        await store.close();
        await dropSchema(url, schema);
      },
    };
  });

  describe('postgres store specifics', () => {
    it('stores times as bigint and reads them back as numbers, without a global int8 parser', async () => {
      const schema = randomSchemaName();
      const store = await createSqlStore({ dialect: 'postgres', connectionString: url, schema });
      try {
        const at = 8_000_000_000_000; // beyond int4 and beyond 2038 in seconds
        const id = await store.audit.append({ at, type: 't' });
        assert.equal(typeof id, 'number');
        assert.deepEqual((await store.audit.list({ limit: 1 }))[0]?.at, at);
        assert.equal(typeof (await store.users.count()), 'number');
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          const { rows } = await client.query(
            `select data_type from information_schema.columns where table_schema = $1 and table_name = 'audit_events' and column_name = 'at'`,
            [schema],
          );
          assert.deepEqual(rows, [{ data_type: 'bigint' }]);
          const count = await client.query('select 1::int8 as n');
          assert.equal(count.rows[0].n, '1', 'the process-wide pg parser is untouched');
        } finally {
          await client.end();
        }
      } finally {
        await store.close();
        await dropSchema(url, schema);
      }
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      await assert.rejects(
        createSqlStore({ dialect: 'postgres', connectionString: url, schema: 'x"; drop table users; --' }),
        (e: unknown) => e instanceof StoreError && e.code === 'ERR_STORE_CONFIG',
      );
    });

    it('upgrades a database of the first schema: revocation entries become session entries, cursors go on', async () => {
      const schema = randomSchemaName();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create schema ${schema}`);
        const old = new Kysely<unknown>({
          dialect: createPostgresDialect({ connectionString: url, schema }).dialect,
        });
        await migrateUpTo(old, 'postgres', '0001_initial', schema);
        await sql`insert into revocations (session_id, issued_before, expires_at) values
          ('s1', 100, 2000000000), ('s2', 100, 2000000000)`.execute(old);
        await old.destroy();
        const store = await createSqlStore({ dialect: 'postgres', connectionString: url, schema });
        try {
          const { revoked } = await store.revocations.list({ limit: 10, now: 0 });
          assert.deepEqual(
            revoked.map((e) => [e.cursor, e.kind === 'session' && e.sid]),
            [
              [1, 's1'],
              [2, 's2'],
            ],
          );
          const [next] = await store.revocations.add([{ kind: 'all', before: 1, expires: 2000000000 }]);
          assert.equal(next?.cursor, 3);
        } finally {
          await store.close();
        }
      } finally {
        await client.end();
        await dropSchema(url, schema);
      }
    });

    it('migrates safely when several instances start at once', async () => {
      const schema = randomSchemaName();
      const stores = await Promise.all(
        Array.from({ length: 4 }, () =>
          createSqlStore({ dialect: 'postgres', connectionString: url, schema }),
        ),
      );
      try {
        assert.equal(await stores[0]?.users.count(), 0);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
        await dropSchema(url, schema);
      }
    });
  });
}
