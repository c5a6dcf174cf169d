// Revocation push between instances: a revocation written by one service reaches another one on
// the same store through the store's signal (PostgreSQL LISTEN/NOTIFY, Redis pub/sub), with no
// timer running: its in-memory cutoffs refuse at once, and its revocation streams push the entry.
// After the signal's connection is cut, the instance catches up by itself once it is back.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import { createTesseraService, FrozenClock, type TesseraService } from '../src/service/index.js';
import type { RevocationPage, Store } from '../src/store/index.js';
import { createRedisStore, createSqlStore } from '../src/store/index.js';
import { revocationChannel } from '../src/store/sql/notify.js';
import { dropSchema, postgresForTests, randomSchemaName } from './helpers/postgres.js';
import {
  deleteKeys,
  redisSkipReason,
  startRedis,
  startRedisCluster,
  type TestRedis,
  type TestRedisCluster,
} from './helpers/redis.js';
import { T0, testConfig } from './helpers/service.js';

/** A service over `store` that follows the signal (as `start()` does) but runs no timer. */
function instance(store: Store, dir: string): TesseraService {
  const service = createTesseraService({
    config: testConfig(dir),
    store,
    kek: randomBytes(32),
    clock: new FrozenClock(T0),
  });
  service.revocations.listen();
  return service;
}

/**
 * Instances A and B on two Redis stores sharing one Redis (or Cluster) under a prefix of their
 * own, each with its own SQLite file; the stores, their keys and files go after the test.
 */
async function redisInstances(
  connection: () => { client: Redis } | { clusterNodes: readonly string[] },
  admin: () => Redis | Cluster,
): Promise<[TesseraService, TesseraService]> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-push-'));
  const prefix = `t-${randomUUID()}:`;
  const open = async (name: string) =>
    createRedisStore({
      ...connection(),
      sql: await createSqlStore({ dialect: 'sqlite', filename: join(dir, `${name}.db`) }),
      keyPrefix: prefix,
    });
  const storeA = await open('a');
  const storeB = await open('b');
  after(async () => {
    await storeA.close();
    await storeB.close();
    const client = admin();
    await deleteKeys(client, prefix);
    client.disconnect();
    await rm(dir, { recursive: true, force: true });
  });
  return [instance(storeA, dir), instance(storeB, dir)];
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The pair test: A revokes, B refuses and streams it, without any timer. */
async function pushes(a: TesseraService, b: TesseraService, reconnect: () => Promise<void>): Promise<void> {
  const nowSeconds = T0 / 1000;
  const pages: RevocationPage[] = [];
  const handle = b.revocations.openStream(0, { entries: (page) => pages.push(page), end: () => {} });
  assert.ok(handle !== null);
  await handle.replayed;
  after(() => handle.close());
  // Give the signal's connection a moment to be up (it opens on the first listener).
  await b.revocations.catchUp();

  const user = `user-${randomUUID()}`;
  const entry = await a.revocations.revokeUser(user, T0);
  assert.ok(entry.kind === 'user');
  await until(() => b.revocations.cutoffs.notBefore(user, nowSeconds) === entry.before, 'B refuses');
  await until(
    () => pages.some((p) => p.revoked.some((e) => e.kind === 'user' && e.sub === user)),
    'B streams',
  );

  // The signal's connection is cut; meanwhile a revocation is written; B catches up when back.
  await reconnect();
  const later = `user-${randomUUID()}`;
  await a.revocations.revokeUser(later, T0);
  await until(() => b.revocations.cutoffs.notBefore(later, nowSeconds) > 0, 'B catches up after the cut');
  await until(
    () => pages.some((p) => p.revoked.some((e) => e.kind === 'user' && e.sub === later)),
    'B streams it',
  );
  assert.deepEqual(
    pages.flatMap((p) => p.revoked.map((e) => e.cursor)),
    [...new Set(pages.flatMap((p) => p.revoked.map((e) => e.cursor)))].sort((x, y) => x - y),
    'each entry once, in cursor order',
  );
}

describe('revocation push between instances', async () => {
  const postgres = await postgresForTests('service-revocation-push (PostgreSQL)');
  it('PostgreSQL alone: LISTEN/NOTIFY', { skip: postgres.skip }, async () => {
    const schema = randomSchemaName();
    const dir = await mkdtemp(join(tmpdir(), 'tessera-push-'));
    const storeA = await createSqlStore({ dialect: 'postgres', connectionString: postgres.url, schema });
    const storeB = await createSqlStore({ dialect: 'postgres', connectionString: postgres.url, schema });
    after(async () => {
      await storeA.close();
      await storeB.close();
      await dropSchema(postgres.url, schema);
      await rm(dir, { recursive: true, force: true });
    });
    const a = instance(storeA, dir);
    const b = instance(storeB, dir);
    await pushes(a, b, async () => {
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      try {
        const listen = `LISTEN "${revocationChannel(schema)}"`;
        const killed = await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where query = $1',
          [listen],
        );
        // Both stores listen (A and B): both connections are cut.
        assert.ok(killed.rowCount !== null && killed.rowCount >= 1);
      } finally {
        await admin.end();
      }
    });
  });

  const redisSkip = redisSkipReason('service-revocation-push (Redis)');
  describe('Redis', { skip: redisSkip }, () => {
    let redis: TestRedis;
    before(async () => {
      redis = await startRedis();
    });
    after(() => redis?.stop());

    it('Redis: pub/sub', async () => {
      const [a, b] = await redisInstances(
        () => ({ client: redis.client() }),
        () => redis.client(),
      );
      await pushes(a, b, async () => {
        const admin = redis.client();
        await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
        admin.disconnect();
      });
    });
  });
  describe('Redis Cluster', { skip: redisSkip }, () => {
    let cluster: TestRedisCluster;
    before(async () => {
      cluster = await startRedisCluster();
    });
    after(() => cluster?.stop());

    it('Redis Cluster: pub/sub reaches an instance subscribed on another node', async () => {
      const [a, b] = await redisInstances(
        () => ({ clusterNodes: cluster.nodes }),
        () => cluster.client(),
      );
      await pushes(a, b, async () => {
        const admin = cluster.client();
        await admin.ping();
        for (const node of admin.nodes('all'))
          await node.call('CLIENT', 'KILL', 'TYPE', 'pubsub').catch(() => 0);
        admin.disconnect();
      });
    });
  });
});
