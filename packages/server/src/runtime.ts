import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TesseraConfig } from './config.js';
import { createMetrics, type Metrics } from './http/metrics.js';
import { createTesseraService, loadKek, type TesseraService } from './service/index.js';
import { checkKek, recordKek } from './service/kek.js';
import {
  createRedisStore,
  createSqlStore,
  RedisStore,
  type RedisWarning,
  type SqlStore,
  type Store,
} from './store/index.js';

/** The SQLite file of the embedded default, inside the data directory. */
export const SQLITE_FILE = 'tessera.db';

/**
 * Opens the configured store: PostgreSQL when `databaseUrl` is set, otherwise
 * the embedded SQLite file under the data directory. Migrations run here. With `redisUrl` or
 * `redisClusterNodes`, sessions, refresh tokens, revocations and rate limits live in Redis (users,
 * keys and audit stay in SQL); a Redis without AOF is refused (ERR_STORE_REDIS_VOLATILE) unless
 * `redisAllowVolatile`; the RedisStore's `warnings` are to be printed on every start.
 *
 * @example
 * const store = await openStore(loadConfig());
 */
export async function openStore(config: TesseraConfig): Promise<Store> {
  let sql: SqlStore;
  if (config.databaseUrl !== undefined) {
    sql = await createSqlStore({ dialect: 'postgres', connectionString: config.databaseUrl });
  } else {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    sql = await createSqlStore({ dialect: 'sqlite', filename: join(config.dataDir, SQLITE_FILE) });
  }
  const redis =
    config.redisUrl !== undefined
      ? { url: config.redisUrl }
      : config.redisClusterNodes !== undefined
        ? { clusterNodes: config.redisClusterNodes }
        : undefined;
  if (redis === undefined) return sql;
  try {
    return await createRedisStore({ ...redis, sql, allowVolatile: config.redisAllowVolatile });
  } catch (err) {
    await sql.close();
    throw err;
  }
}

/**
 * A one-line warning when the data directory (SQLite database, kek.key) is open to its group or
 * to everyone: the files in it are created 0600, but a directory others may enter lets them see
 * the files and read any copy made with a looser mode (a backup, an older release). Null when it
 * is private, missing, or holds nothing (PostgreSQL with TESSERA_KEK set).
 *
 * @example
 * const warning = dataDirWarning(config);
 * if (warning !== null) printWarning('TESSERA_DATA_DIR_OPEN', warning);
 */
export function dataDirWarning(config: TesseraConfig): string | null {
  if (config.databaseUrl !== undefined && config.kek !== undefined) return null;
  let mode: number;
  try {
    mode = statSync(config.dataDir).mode;
  } catch {
    return null;
  }
  if ((mode & 0o077) === 0) return null;
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  return (
    `the data directory ${config.dataDir} is open to ${mode & 0o007 ? 'every local user' : 'its group'} ` +
    `(mode ${octal}); it holds the database and the key-encryption key: chmod 700 ${config.dataDir}`
  );
}

/** A started service with its store and metrics; `close` stops and releases everything. */
export interface Runtime {
  service: TesseraService;
  metrics: Metrics;
  /** Problems of the store to print on every start (a volatile Redis that was allowed, eviction). */
  warnings: readonly RedisWarning[];
  close(): Promise<void>;
}

/**
 * Opens the store, loads the key-encryption key and the signing keys (making
 * the first one on first start): everything `serve` and the CLI commands need.
 *
 * @example
 * const { service, close } = await openRuntime(loadConfig());
 */
export async function openRuntime(config: TesseraConfig, opts: { timers?: boolean } = {}): Promise<Runtime> {
  const store = await openStore(config);
  const warnings = store instanceof RedisStore ? store.warnings : [];
  try {
    const kek = await loadKek({ dataDir: config.dataDir, fromEnv: config.kek });
    await checkKek(store.meta, kek);
    const metrics = createMetrics();
    const service = createTesseraService({ config, store, kek, events: metrics.events });
    if (opts.timers === false) {
      await service.keys.load();
      await service.keys.maintain();
    } else {
      await service.start();
    }
    await recordKek(store.meta, kek);
    return {
      service,
      metrics,
      warnings,
      async close() {
        service.stop();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
