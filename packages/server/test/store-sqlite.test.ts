import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { runStoreConformance } from '../src/store/conformance/index.js';
import { createSqlStore } from '../src/store/index.js';
import { migrateUpTo } from '../src/store/sql/migrations.js';
import { createSqliteDialect } from '../src/store/sql/sqlite.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tessera-store-'));
}

runStoreConformance('sqlite', async () => {
  const dir = await tempDir();
  // A directory that doesn't exist yet: the store must create it.
  const filename = join(dir, 'data', 'tessera.db');
  const store = await createSqlStore({ dialect: 'sqlite', filename });
  return {
    store,
    reopen: () => createSqlStore({ dialect: 'sqlite', filename }),
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite store specifics', () => {
  it('answers an empty revocation read from memory only while no other connection has committed', async () => {
    const dir = await tempDir();
    const filename = join(dir, 'tessera.db');
    const a = await createSqlStore({ dialect: 'sqlite', filename });
    const b = await createSqlStore({ dialect: 'sqlite', filename });
    try {
      const now = Date.now();
      const expires = Math.floor(now / 1000) + 600;
      const page = (store: typeof a, after = 0) => store.revocations.list({ after, limit: 10, now });
      assert.deepEqual(await page(a), { cursor: 0, revoked: [] });
      assert.deepEqual(await page(a), { cursor: 0, revoked: [] }, 'answered again, from memory');
      // Another connection (another process on the file) commits: the next read sees it.
      const [first] = await b.revocations.add([{ kind: 'all', before: 1, expires }]);
      assert.deepEqual((await page(a)).revoked, [first]);
      assert.deepEqual(await page(a, first!.cursor), { cursor: first!.cursor, revoked: [] });
      // The store's own write, also when a read overlaps it.
      const [overlapping, added] = await Promise.all([
        page(a, first!.cursor),
        a.revocations.add([{ kind: 'user', sub: 'u1', before: 2, expires }]),
      ]);
      assert.ok(overlapping.revoked.length <= 1);
      assert.deepEqual((await page(a, first!.cursor)).revoked, added);
      assert.deepEqual((await page(b, first!.cursor)).revoked, added);
    } finally {
      await a.close();
      await b.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens the file in WAL mode with foreign keys, and migrating twice is a no-op', async () => {
    const dir = await tempDir();
    try {
      const filename = join(dir, 'tessera.db');
      const store = await createSqlStore({ dialect: 'sqlite', filename });
      await store.migrate();
      await store.close();
      const raw = new Database(filename, { readonly: true });
      try {
        assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
        const migrations = raw.prepare('select name from tessera_migrations').all();
        assert.deepEqual(migrations, [
          { name: '0001_initial' },
          { name: '0002_revocation_kinds' },
          { name: '0003_oauth_clients' },
          { name: '0004_session_dpop_binding' },
          { name: '0005_session_index' },
        ]);
      } finally {
        raw.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('upgrades a database of the first schema: its revocation entries become session entries, cursors go on', async () => {
    const dir = await tempDir();
    try {
      const filename = join(dir, 'tessera.db');
      const old = new Kysely<unknown>({ dialect: createSqliteDialect(filename) });
      await migrateUpTo(old, 'sqlite', '0001_initial');
      await sql`insert into revocations (session_id, issued_before, expires_at) values
        ('s1', 100, 2000000000), ('s2', 100, 2000000000), ('s3', 100, 2000000000)`.execute(old);
      // The newest entry was purged: the next cursor must still be above it.
      await sql`delete from revocations where session_id = 's3'`.execute(old);
      await old.destroy();

      const store = await createSqlStore({ dialect: 'sqlite', filename });
      try {
        const { revoked } = await store.revocations.list({ limit: 10, now: 0 });
        assert.deepEqual(revoked, [
          { cursor: 1, kind: 'session', sid: 's1', before: 100, expires: 2000000000 },
          { cursor: 2, kind: 'session', sid: 's2', before: 100, expires: 2000000000 },
        ]);
        const [next] = await store.revocations.add([
          { kind: 'user', sub: 'u', before: 1, expires: 2000000000 },
        ]);
        assert.equal(next?.cursor, 4);
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('enforces foreign keys: a session needs its user', async () => {
    const dir = await tempDir();
    const store = await createSqlStore({ dialect: 'sqlite', filename: join(dir, 'tessera.db') });
    try {
      const session = { id: 's', userId: 'missing', createdAt: 0, absoluteExpiresAt: 1 };
      await assert.rejects(store.sessions.create(session, { hash: 'h', expiresAt: 1 }), /FOREIGN KEY/);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
