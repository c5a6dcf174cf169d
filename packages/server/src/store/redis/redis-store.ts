import type { Store } from '../contract/index.js';
import type { SessionIndex } from '../contract/session-index.js';
import type { UserStore } from '../contract/users.js';
import { StoreError } from '../errors.js';
import { connectRedis, type RedisClient, type RedisConnection, RedisScripts } from './client.js';
import { checkRedisDurability, type RedisWarning } from './durability.js';
import { RedisKeys } from './keys.js';
import { RedisRateLimitStore } from './rate-limits.js';
import { RedisRevocationStore } from './revocations.js';
import { RedisSessionStore } from './sessions.js';
import { RedisRevocationSignal } from './signal.js';

/** The default key prefix: every key of the store starts with it. */
export const DEFAULT_REDIS_PREFIX = 'tessera:';

/** The SQL half of a Redis store: a store with a session index ({@link createSqlStore}'s). */
export type RedisStoreSql = Store & { readonly sessionIndex: SessionIndex };

/** Options of {@link createRedisStore}. */
export type RedisStoreOptions = (RedisConnection | { client: RedisClient }) & {
  /**
   * Users, signing keys, audit and meta come from this store (SQLite or PostgreSQL), and each
   * user's session ids (its session index); closed with it. Every instance on one Redis must use
   * the same database.
   */
  sql: RedisStoreSql;
  /** Default {@link DEFAULT_REDIS_PREFIX}; no braces (they would change the hash slots). */
  keyPrefix?: string | undefined;
  /** Start when Redis keeps nothing on disk (see {@link checkRedisDurability}). */
  allowVolatile?: boolean | undefined;
};

/**
 * The store with the hot state in Redis: sessions and refresh tokens, revocations and rate limits;
 * users, signing keys, audit, meta, OAuth clients and used token ids in the SQL store. `warnings` are to be printed on every
 * start (volatile Redis allowed, an eviction policy). `close()` closes both.
 *
 * @example
 * const store = await createRedisStore({ url: 'redis://127.0.0.1:6379', sql: await createSqlStore(options) });
 * for (const { code, message } of store.warnings) log.warn({ code }, message);
 */
export class RedisStore implements Store {
  readonly users: UserStore;
  readonly sessions: RedisSessionStore;
  readonly revocations: RedisRevocationStore;
  readonly rateLimits: RedisRateLimitStore;
  readonly keys: Store['keys'];
  readonly audit: Store['audit'];
  readonly meta: Store['meta'];
  readonly clients: Store['clients'];
  readonly tokenIds: Store['tokenIds'];
  /** Redis pub/sub on `<prefix>revocations`. */
  readonly revocationSignal: RedisRevocationSignal;
  #closed: Promise<void> | null = null;

  constructor(
    readonly client: RedisClient,
    readonly sql: RedisStoreSql,
    readonly warnings: readonly RedisWarning[],
    prefix = DEFAULT_REDIS_PREFIX,
  ) {
    const scripts = new RedisScripts(client);
    const keys = new RedisKeys(prefix);
    this.sessions = new RedisSessionStore(scripts, keys, sql.users, sql.sessionIndex);
    this.revocations = new RedisRevocationStore(scripts, keys);
    this.rateLimits = new RedisRateLimitStore(scripts, keys);
    this.keys = sql.keys;
    this.audit = sql.audit;
    this.meta = sql.meta;
    this.clients = sql.clients;
    this.tokenIds = sql.tokenIds;
    this.users = withSessionCleanup(sql.users, this.sessions);
    this.revocationSignal = new RedisRevocationSignal(client, `${prefix}revocations`);
  }

  /** Closes the Redis connection and the SQL store; calling it again is harmless. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.revocationSignal.close();
      try {
        await this.client.quit();
      } catch {
        this.client.disconnect();
      }
      await this.sql.close();
    })();
    return this.#closed;
  }
}

/** Deleting a user deletes its sessions too (in SQL a foreign key does it; here, we do). */
function withSessionCleanup(users: UserStore, sessions: RedisSessionStore): UserStore {
  return {
    create: (user) => users.create(user),
    findById: (id) => users.findById(id),
    findByEmail: (email) => users.findByEmail(email),
    list: (options) => users.list(options),
    count: (filter) => users.count(filter),
    updatePasswordHash: (id, hash, now) => users.updatePasswordHash(id, hash, now),
    updateAccess: (id, access, now) => users.updateAccess(id, access, now),
    setBlocked: (id, blocked, now) => users.setBlocked(id, blocked, now),
    async delete(id) {
      const deleted = await users.delete(id);
      await sessions.deleteAllForUser(id);
      return deleted;
    },
  };
}

/**
 * Connects to Redis (a URL or cluster nodes, or an ioredis client you made), checks that it
 * persists its data (AOF; see {@link checkRedisDurability}) and returns the composite store.
 *
 * @example
 * const store = await createRedisStore({
 *   clusterNodes: ['10.0.0.1:6379', '10.0.0.2:6379'],
 *   sql: await createSqlStore({ dialect: 'postgres', connectionString }),
 * });
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const prefix = options.keyPrefix ?? DEFAULT_REDIS_PREFIX;
  if (/[{}]/.test(prefix))
    throw new StoreError('ERR_STORE_CONFIG', 'the Redis key prefix must not contain braces');
  const client = 'client' in options ? options.client : await connectRedis(options);
  try {
    const warnings = await checkRedisDurability(client, { allowVolatile: options.allowVolatile });
    return new RedisStore(client, options.sql, warnings, prefix);
  } catch (error) {
    if (!('client' in options)) client.disconnect();
    throw error;
  }
}
