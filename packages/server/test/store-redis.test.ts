// The Redis store (hot state in Redis, the rest in SQLite) against a standalone redis-server with
// AOF that the test starts itself: the conformance suite, durability across SIGKILL, TTLs.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { runStoreConformance } from '../src/store/conformance/index.js';
import { addSession, addUser, DAY, GRACE_MS, successorFor, T0 } from '../src/store/conformance/support.js';
import {
  checkRedisDurability,
  createRedisStore,
  createSqlStore,
  type RedisStore,
  StoreError,
} from '../src/store/index.js';
import { deleteKeys, listKeys, redisSkipReason, startRedis, type TestRedis } from './helpers/redis.js';
import { exerciseStore } from './helpers/redis-scenario.js';

const skip = redisSkipReason('store-redis');

/** A Redis store on `client` with its own key prefix, over a fresh SQLite file. */
async function openStore(client: Redis, prefix: string, dir: string): Promise<RedisStore> {
  const sql = await createSqlStore({ dialect: 'sqlite', filename: join(dir, 'tessera.db') });
  return createRedisStore({ client, sql, keyPrefix: prefix });
}

if (skip !== undefined) {
  it('Redis store', { skip }, () => {});
} else {
  // One suite: its hooks run when its tests are done (the file's own hooks would wait for an
  // idle event loop).
  describe('redis store (standalone Redis with AOF, SQLite)', () => {
    let redis: TestRedis;
    before(async () => {
      redis = await startRedis();
    });
    after(() => redis.stop());

    runStoreConformance('redis (standalone, AOF) + sqlite', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-store-redis-'));
      const prefix = `t-${randomUUID()}:`;
      const client = redis.client();
      // The store owns (and quits) its client: reopen() makes another, as a restart would.
      const store = await openStore(client, prefix, dir);
      return {
        store,
        reopen: async () => openStore(redis.client(), prefix, dir),
        cleanup: async () => {
          const admin = redis.client();
          await deleteKeys(admin, prefix);
          admin.disconnect();
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    });

    describe('redis store specifics', () => {
      /** Runs `fn` on a store of its own (its own key prefix and SQLite file) with an admin client. */
      async function withOwnStore(
        fn: (store: RedisStore, admin: Redis, prefix: string) => Promise<void>,
      ): Promise<void> {
        const dir = await mkdtemp(join(tmpdir(), 'tessera-store-redis-'));
        const prefix = `t-${randomUUID()}:`;
        const store = await openStore(redis.client(), prefix, dir);
        const admin = redis.client();
        try {
          await fn(store, admin, prefix);
        } finally {
          await deleteKeys(admin, prefix);
          admin.disconnect();
          await store.close();
          await rm(dir, { recursive: true, force: true });
        }
      }

      it('keeps every session, used token and revocation across a SIGKILL of Redis (AOF)', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'tessera-store-redis-'));
        after(() => rm(dir, { recursive: true, force: true }));
        const prefix = `t-${randomUUID()}:`;
        let store = await openStore(redis.client(), prefix, dir);
        const user = await addUser(store);
        const sessions = await Promise.all(Array.from({ length: 5 }, () => addSession(store, user)));
        const rotated = await Promise.all(
          sessions.map(({ hash }) =>
            store.sessions.rotateRefreshToken({
              hash,
              successor: successorFor(T0, hash),
              now: T0,
              graceMs: GRACE_MS,
            }),
          ),
        );
        assert.ok(rotated.every((r) => r.status === 'rotated'));
        await store.sessions.revoke(sessions[0]!.session.id, 'logout', T0 + 1);
        const entries = await store.revocations.add([
          { kind: 'session', sid: sessions[0]!.session.id, before: T0 / 1000 + 1, expires: T0 / 1000 + 600 },
          { kind: 'user', sub: user.id, before: T0 / 1000 + 1, expires: T0 / 1000 + 600 },
          { kind: 'all', before: T0 / 1000 + 1, expires: T0 / 1000 + 600 },
          { kind: 'key', kid: 'k1', expires: T0 / 1000 + 600 },
        ]);
        const before = await Promise.all(sessions.map(({ session }) => store.sessions.find(session.id)));
        const tokensBefore = await Promise.all(
          sessions.map(({ hash }) => store.sessions.findRefreshToken(hash)),
        );

        // Every write above was acknowledged, so with appendfsync always it is in the AOF.
        await store.close();
        await redis.server.kill('SIGKILL');
        await redis.server.restart();

        store = await openStore(redis.client(), prefix, dir);
        try {
          const after = await Promise.all(sessions.map(({ session }) => store.sessions.find(session.id)));
          assert.deepEqual(after, before);
          assert.equal(after[0]?.revokedReason, 'logout');
          const tokensAfter = await Promise.all(
            sessions.map(({ hash }) => store.sessions.findRefreshToken(hash)),
          );
          assert.deepEqual(tokensAfter, tokensBefore);
          assert.ok(tokensAfter.every((t) => t?.usedAt === T0));
          assert.deepEqual((await store.revocations.list({ limit: 10, now: T0 })).revoked, entries);
          const replay = await store.sessions.rotateRefreshToken({
            hash: sessions[1]!.hash,
            successor: successorFor(T0 + 10 * GRACE_MS, sessions[1]!.hash),
            now: T0 + 10 * GRACE_MS,
            graceMs: GRACE_MS,
          });
          assert.equal(replay.status, 'reused', 'a used token stays used after the crash');
          const [next] = await store.revocations.add([{ kind: 'all', before: 1, expires: T0 / 1000 + 600 }]);
          assert.ok(next && next.cursor > entries.at(-1)!.cursor, 'cursors go on after the restart');
        } finally {
          const admin = redis.client();
          await deleteKeys(admin, prefix);
          admin.disconnect();
          await store.close();
        }
      });

      it('gives every key it writes a TTL, and leaves no key behind once everything is over', () =>
        withOwnStore(async (store, admin, prefix) => {
          const end = await exerciseStore(store);
          const keys = await listKeys(admin, prefix);
          assert.ok(keys.length > 10, `${keys.length} keys written`);
          const ttls = await Promise.all(keys.map((key) => admin.pttl(key)));
          const forever = keys.filter((_, i) => (ttls[i] as number) < 0);
          assert.deepEqual(forever, [], 'keys without a TTL');
          // Purging at a time when every session, token, window and entry is over deletes them all.
          await store.sessions.purgeExpired(end);
          await store.rateLimits.purge(end);
          await store.revocations.purge(end);
          const left = await listKeys(admin, prefix);
          // Only the revocation cursor stays (until its TTL): it must never go back.
          assert.deepEqual(
            left.map((k) => k.slice(prefix.length)),
            ['{rv}:last'],
          );
        }));

      it('memory: a session rotated for days holds only the tokens of its idle window', () =>
        withOwnStore(async (store, admin, prefix) => {
          const user = await addUser(store);
          const first = await addSession(store, user, { tokenExpiresAt: T0 + DAY });
          let { hash } = first;
          const HOUR = 3_600_000;
          // Hourly refreshes with a one-day idle life, for five days, and a purge every day.
          for (let i = 1; i <= 120; i++) {
            const now = T0 + i * HOUR;
            const successor = { ...successorFor(now, hash), expiresAt: now + DAY };
            const result = await store.sessions.rotateRefreshToken({
              hash,
              successor,
              now,
              graceMs: GRACE_MS,
            });
            assert.equal(result.status, 'rotated');
            hash = successor.hash;
            if (i % 24 === 0) await store.sessions.purgeExpired(now);
          }
          // Two keys (the session's hash and its grace key), and in the hash about a day of used
          // tokens (the idle window): not 120.
          const keys = await listKeys(admin, prefix);
          assert.equal(keys.length, 2, `${keys.length} keys after 120 rotations`);
          const fields = await admin.hkeys(`${prefix}{s:${first.session.id}}`);
          const used = fields.filter((field) => field.startsWith('.')).length;
          assert.ok(used >= 23 && used <= 25, `${used} used tokens kept`);
        }));

      it('skips an index entry whose session is gone when listing, and purge drops the entry', () =>
        withOwnStore(async (store, admin, prefix) => {
          const user = await addUser(store);
          const kept = await addSession(store, user);
          const lost = await addSession(store, user, { tokenExpiresAt: T0 + DAY });
          // As if the session's hash had been lost (or were still being written): the entry stays.
          await admin.del(`${prefix}{s:${lost.session.id}}`);
          const listed = await store.sessions.listForUser(user.id, { now: T0 });
          assert.deepEqual(
            listed.map((s) => s.id),
            [kept.session.id],
          );
          const { sessionIndex } = store.sql;
          assert.equal((await sessionIndex.sessionsOf(user.id)).length, 2);
          await store.sessions.purgeExpired(T0 + DAY);
          assert.deepEqual(await sessionIndex.sessionsOf(user.id), [kept.session.id]);
        }));

      it('keeps a browser session compact: a long user agent is stored in pieces and read back whole', () =>
        withOwnStore(async (store, admin, prefix) => {
          const user = await addUser(store);
          const chrome =
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
          const browser = await addSession(store, user, { userAgent: chrome });
          assert.equal(browser.session.userAgent, chrome);
          assert.equal((await store.sessions.find(browser.session.id))?.userAgent, chrome);
          // Every value within 64 bytes: Redis keeps the hash as a listpack (half the memory).
          assert.equal(await admin.object('ENCODING', `${prefix}{s:${browser.session.id}}`), 'listpack');
          // Multi-byte characters are never cut; past four pieces the last takes the rest.
          const odd = `${'é'.repeat(40)}😀${'ü'.repeat(100)}${'x'.repeat(150)}`;
          const other = await addSession(store, user, { userAgent: odd });
          assert.equal((await store.sessions.find(other.session.id))?.userAgent, odd);
          const listed = await store.sessions.listForUser(user.id, { now: T0 });
          assert.deepEqual(listed.map((s) => s.userAgent).sort(), [chrome, odd].sort());
        }));

      it('refuses a Redis without AOF, saying how to enable it, unless allowVolatile; warns on eviction', async () => {
        const client = redis.client();
        try {
          await client.config('SET', 'appendonly', 'no');
          await assert.rejects(checkRedisDurability(client), (err: unknown) => {
            assert.ok(err instanceof StoreError && err.code === 'ERR_STORE_REDIS_VOLATILE');
            assert.match(err.message, /appendonly yes/);
            assert.match(err.message, /appendfsync everysec/);
            assert.match(err.message, /redisAllowVolatile/);
            return true;
          });
          const warnings = await checkRedisDurability(client, { allowVolatile: true });
          assert.equal(warnings.length, 1);
          assert.equal(warnings[0]?.code, 'TESSERA_REDIS_VOLATILE');
          assert.match(warnings[0]?.message ?? '', /appendonly is off.*starting anyway/);
          await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
          await client.config('SET', 'appendonly', 'yes');
          const evicting = await checkRedisDurability(client);
          assert.equal(evicting.length, 1);
          assert.equal(evicting[0]?.code, 'TESSERA_REDIS_EVICTION');
          assert.match(evicting[0]?.message ?? '', /maxmemory-policy is allkeys-lru/);
        } finally {
          await client.config('SET', 'appendonly', 'yes');
          await client.config('SET', 'maxmemory-policy', 'noeviction');
          // Turning AOF on writes a first AOF in the background: let it finish before going on.
          while ((await client.info('persistence')).includes('aof_rewrite_in_progress:1')) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          client.disconnect();
        }
        const fresh = redis.client();
        assert.deepEqual(await checkRedisDurability(fresh), []);
        fresh.disconnect();
      });

      it('refuses a key prefix with braces', async () => {
        const sql = await createSqlStore({ dialect: 'sqlite', filename: ':memory:' });
        const client = redis.client();
        try {
          await assert.rejects(
            createRedisStore({ client, sql, keyPrefix: 'a{b}:' }),
            (err: unknown) => err instanceof StoreError && err.code === 'ERR_STORE_CONFIG',
          );
        } finally {
          client.disconnect();
          await sql.close();
        }
      });
    });
  });
}
