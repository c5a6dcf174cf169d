import type { DpopReplayCache } from '@tessera/jwt';

/**
 * The one command the Redis replay cache sends, as ioredis (and node-redis through a two-line
 * wrapper) exposes it: `SET key value PX ttl NX`, answering `'OK'` when the key was set and `null`
 * when it existed.
 */
export interface RedisSetNxClient {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null | unknown>;
}

/** Options of createRedisReplayCache. */
export interface RedisReplayCacheOptions {
  /** Prefix of the keys. Default `'tessera:dpop:'`. */
  prefix?: string;
}

/**
 * A DpopReplayCache that several guards share through Redis (or Valkey): each accepted proof's
 * key thumbprint and `jti` become one key set with `SET … PX <window> NX`, so a proof replayed
 * to another instance within its `iat` window is refused there too. Pass your ioredis client;
 * @tessera/guard adds no dependency. A Redis error rejects, and the guard refuses the proof
 * (fail closed).
 *
 * @example
 * import Redis from 'ioredis';
 * const guard = createGuard({ ...options, dpop: { replayCache: createRedisReplayCache(new Redis()) } });
 */
export function createRedisReplayCache(
  client: RedisSetNxClient,
  opts: RedisReplayCacheOptions = {},
): DpopReplayCache {
  if (typeof client?.set !== 'function') {
    throw new TypeError('createRedisReplayCache: client must have set(key, value, "PX", ttl, "NX")');
  }
  const prefix = opts.prefix ?? 'tessera:dpop:';
  return {
    async checkAndStore(id, expiresAtMs) {
      const ttl = Math.ceil(expiresAtMs - Date.now()) + 1;
      // A proof whose window has closed could not be accepted anyway.
      if (ttl <= 0) return true;
      return (await client.set(`${prefix}${id}`, '1', 'PX', ttl, 'NX')) === 'OK';
    },
  };
}
