// The public surface of the store module: the contract, the SQL store and the Redis store. The
// conformance suite is its own entry point (./conformance/index.js) so that production code never
// loads node:test.
export * from './contract/index.js';
export { STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './errors.js';
export { connectRedis, type RedisClient, type RedisConnection } from './redis/client.js';
export {
  checkRedisDurability,
  type RedisDurabilityOptions,
  type RedisWarning,
} from './redis/durability.js';
export {
  createRedisStore,
  DEFAULT_REDIS_PREFIX,
  RedisStore,
  type RedisStoreOptions,
  type RedisStoreSql,
} from './redis/redis-store.js';
export type { SqlDialectName } from './sql/schema.js';
export {
  createSqlStore,
  DEFAULT_POSTGRES_SCHEMA,
  SqlStore,
  type SqlStoreOptions,
} from './sql/sql-store.js';
