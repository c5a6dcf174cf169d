// One Tessera instance on a Redis Cluster for the e2e tests: the service and HTTP app over the
// Redis store (hot state in the cluster, users and keys in the workspace's SQLite file), listening
// on a free port. Several instances on one workspace and cluster share everything.
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { buildServers } from '../../src/http/build-servers.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createTesseraService, loadKek } from '../../src/service/index.js';
import { checkKek, recordKek } from '../../src/service/kek.js';
import { createRedisStore, createSqlStore, type Store } from '../../src/store/index.js';

/** A running instance: its base URL, and `stop` to close it. */
export interface ClusterInstance {
  url: string;
  stop(): Promise<void>;
}

const sqlStores = new Map<string, Promise<Store>>();

/**
 * One SQLite store per file for every instance of this process: two connections to one file in
 * one thread would wait on each other's write lock (better-sqlite3 waits synchronously).
 */
function sharedSql(filename: string): Promise<Store> {
  let store = sqlStores.get(filename);
  if (store === undefined) {
    store = createSqlStore({ dialect: 'sqlite', filename });
    sqlStores.set(filename, store);
  }
  return store;
}

/** Closes the SQLite stores the instances shared. */
export async function closeSharedSql(): Promise<void> {
  const stores = [...sqlStores.values()];
  sqlStores.clear();
  for (const store of stores) await (await store).close();
}

/**
 * Starts an instance on the workspace (config file, SQLite data directory) and the cluster nodes.
 *
 * @example
 * const a = await startClusterInstance(ws, cluster.nodes); await call(a.url, 'GET', '/healthz');
 */
export async function startClusterInstance(
  ws: { dataDir: string; configFile: string },
  nodes: readonly string[],
): Promise<ClusterInstance> {
  const config = loadConfig(
    { configFile: ws.configFile, dataDir: ws.dataDir, port: 0, logLevel: 'warn', maxEventLoopDelayMs: 0 },
    {},
  );
  const shared = await sharedSql(join(ws.dataDir, 'tessera.db'));
  // Closing an instance leaves the shared SQLite store open (closeSharedSql closes it).
  const sql: Store = Object.assign(Object.create(shared) as Store, { close: async () => {} });
  const store = await createRedisStore({ clusterNodes: nodes, sql });
  const kek = await loadKek({ dataDir: ws.dataDir });
  await checkKek(store.meta, kek);
  const metrics = createMetrics();
  const service = createTesseraService({ config, store, kek, events: metrics.events });
  await service.start();
  await recordKek(store.meta, kek);
  const servers = await buildServers({ service, metrics, logger: false });
  const { address } = await servers.listen();
  return {
    url: address,
    async stop() {
      await servers.close();
      service.stop();
      await store.close();
    },
  };
}
