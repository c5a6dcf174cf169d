// The Redis store on a real 6-node Redis Cluster (3 masters, 3 replicas) started by the test:
// the conformance suite, and every operation with no CROSSSLOT error (each atomic step is one
// script on one hash slot, and keys of one session share a slot).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { runStoreConformance } from '../src/store/conformance/index.js';
import { createRedisStore, createSqlStore, type RedisStore } from '../src/store/index.js';
import {
  deleteKeys,
  listKeys,
  redisSkipReason,
  startRedisCluster,
  type TestRedisCluster,
} from './helpers/redis.js';
import { exerciseStore } from './helpers/redis-scenario.js';

const skip = redisSkipReason('store-redis-cluster');

async function openStore(client: Cluster, prefix: string, dir: string): Promise<RedisStore> {
  const sql = await createSqlStore({ dialect: 'sqlite', filename: join(dir, 'tessera.db') });
  return createRedisStore({ client, sql, keyPrefix: prefix });
}

if (skip !== undefined) {
  it('Redis Cluster store', { skip }, () => {});
} else {
  // One suite: its hooks run when its tests are done (the file's own hooks would wait for an
  // idle event loop).
  describe('redis store on a cluster (SQLite)', () => {
    let cluster: TestRedisCluster;
    before(async () => {
      cluster = await startRedisCluster();
    });
    after(() => cluster.stop());

    runStoreConformance('redis cluster + sqlite', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tessera-store-cluster-'));
      const prefix = `t-${randomUUID()}:`;
      const store = await openStore(cluster.client(), prefix, dir);
      return {
        store,
        reopen: () => openStore(cluster.client(), prefix, dir),
        cleanup: async () => {
          const admin = cluster.client();
          await deleteKeys(admin, prefix);
          admin.disconnect();
          await store.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    });

    describe('redis cluster specifics', () => {
      it('runs every operation without a CROSSSLOT error, with keys spread over the masters', async () => {
        const dir = await mkdtemp(join(tmpdir(), 'tessera-store-cluster-'));
        after(() => rm(dir, { recursive: true, force: true }));
        const prefix = `t-${randomUUID()}:`;
        const store = await openStore(cluster.client(), prefix, dir);
        const admin = cluster.client();
        try {
          // Any CROSSSLOT (or "non local key") reply would reject here.
          const end = await exerciseStore(store);
          const keys = await listKeys(admin, prefix);
          const slots = new Set(await Promise.all(keys.map((k) => admin.cluster('KEYSLOT', k))));
          assert.ok(slots.size > 3, `keys in ${slots.size} slots`);
          const perMaster = await Promise.all(
            admin.nodes('master').map(async (node) => (await node.dbsize()) > 0),
          );
          assert.ok(perMaster.filter(Boolean).length >= 2, 'keys on more than one master');
          await store.sessions.purgeExpired(end);
          await store.rateLimits.purge(end);
          await store.revocations.purge(end);
        } finally {
          await deleteKeys(admin, prefix);
          admin.disconnect();
          await store.close();
        }
      });

      it('is a cluster that does refuse a script spanning two slots (so the test above can fail)', async () => {
        // Without auto-pipelining, which would refuse it in the client before Redis could.
        const [host, port] = (cluster.nodes[0] as string).split(':');
        const admin = new Cluster([{ host: host as string, port: Number(port) }]);
        try {
          await assert.rejects(
            admin.eval("return redis.call('GET', KEYS[1])", 2, '{a}x', '{b}y'),
            /CROSSSLOT/,
          );
          await assert.rejects(admin.eval("return redis.call('GET', '{b}y')", 1, '{a}x'), /slot|local/i);
        } finally {
          admin.disconnect();
        }
      });
    });
  });
}
