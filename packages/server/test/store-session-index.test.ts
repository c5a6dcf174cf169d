// The SQL session index (the Redis store's list of each user's sessions and its purge schedule),
// on SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createSqlStore, type SqlStore } from '../src/store/index.js';
import { dropSchema, postgresForTests, randomSchemaName } from './helpers/postgres.js';

const T0 = 1_700_000_000_000;

function indexCases(open: () => Promise<{ store: SqlStore; cleanup: () => Promise<void> }>): void {
  it('adds an entry once, lists the sessions of a user newest first, and finds the due ones', async () => {
    const { store, cleanup } = await open();
    try {
      const index = store.sessionIndex;
      const entry = (sessionId: string, userId: string, createdAt: number, lookAt: number) =>
        index.add({ sessionId, userId, createdAt, lookAt });
      assert.equal(await entry('s1', 'u1', T0, T0 + 100), true);
      assert.equal(await entry('s2', 'u1', T0 + 1, T0 + 50), true);
      assert.equal(await entry('s3', 'u2', T0 + 2, T0 + 10), true);
      assert.equal(await entry('s1', 'u2', T0 + 3, T0), false, 'a listed id is not taken over');
      assert.deepEqual(await index.sessionsOf('u1'), ['s2', 's1']);
      assert.deepEqual(await index.sessionsOf('u2'), ['s3']);
      assert.deepEqual(await index.sessionsOf('nobody'), []);
      assert.deepEqual(await index.due(T0 + 60, 10), ['s3', 's2'], 'longest due first');
      assert.deepEqual(await index.due(T0 + 200, 2), ['s3', 's2'], 'at most the limit');
      await index.lookAt(['s3', 's2'], T0 + 500);
      await index.lookAt([], T0);
      assert.deepEqual(await index.due(T0 + 200, 10), ['s1']);
      await index.remove(['s1', 'nope']);
      await index.remove([]);
      assert.deepEqual(await index.sessionsOf('u1'), ['s2']);
      assert.deepEqual((await index.due(T0 + 1000, 10)).sort(), ['s2', 's3']);
    } finally {
      await cleanup();
    }
  });
}

describe('session index: sqlite', () => {
  indexCases(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-index-'));
    const store = await createSqlStore({ dialect: 'sqlite', filename: join(dir, 'tessera.db') });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
});

const postgres = await postgresForTests('store-session-index');
if (postgres.skip !== undefined) {
  it('session index: postgres', { skip: postgres.skip }, () => {});
} else {
  const url = postgres.url;
  describe('session index: postgres', () => {
    indexCases(async () => {
      const schema = randomSchemaName();
      const store = await createSqlStore({ dialect: 'postgres', connectionString: url, schema });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await dropSchema(url, schema);
        },
      };
    });
  });
}
