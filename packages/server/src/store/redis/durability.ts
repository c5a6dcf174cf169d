import type { Redis } from 'ioredis';
import { StoreError } from '../errors.js';
import type { RedisClient } from './client.js';

/** A problem to print on every start: `code` is a server warning code (docs/errors.md). */
export interface RedisWarning {
  code: 'TESSERA_REDIS_VOLATILE' | 'TESSERA_REDIS_EVICTION';
  message: string;
}

/** Options of {@link checkRedisDurability}. */
export interface RedisDurabilityOptions {
  /** Start anyway when Redis keeps nothing on disk (then a warning is returned, to print on every start). */
  allowVolatile?: boolean | undefined;
}

const HOW_TO_ENABLE =
  'set `appendonly yes` and `appendfsync everysec` in redis.conf (or run `CONFIG SET appendonly yes` ' +
  'and `CONFIG REWRITE` on every node), or accept losing every session and revocation on a Redis ' +
  'restart with redisAllowVolatile: true';

async function configGet(node: Redis, name: string): Promise<string | null> {
  try {
    const reply = (await node.config('GET', name)) as string[];
    return reply[1] ?? null;
  } catch {
    // Managed services often refuse CONFIG: durability can't be confirmed.
    return null;
  }
}

/**
 * Redis is the source of truth for sessions, refresh tokens and revocations in the Redis store, so
 * it must persist them: reads `CONFIG GET appendonly` on every node (every master of a cluster).
 * When AOF is off (or can't be read) it throws ERR_STORE_REDIS_VOLATILE saying how to enable it,
 * unless `allowVolatile`, in which case it returns that as a warning. It also warns when
 * `maxmemory-policy` is not `noeviction`: an evicted key would be a lost session or revocation.
 * Returns the warnings to print (empty when all is well).
 *
 * @example
 * for (const { code, message } of await checkRedisDurability(client, { allowVolatile: true })) log.warn({ code }, message);
 */
export async function checkRedisDurability(
  client: RedisClient,
  options: RedisDurabilityOptions = {},
): Promise<RedisWarning[]> {
  const nodes = 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('master') : [client];
  const warnings: RedisWarning[] = [];
  for (const node of nodes as Redis[]) {
    const where = `${node.options.host ?? 'redis'}:${node.options.port ?? 6379}`;
    const appendonly = await configGet(node, 'appendonly');
    if (appendonly !== 'yes') {
      const state = appendonly === null ? 'could not be read (CONFIG GET refused)' : 'is off';
      const message = `Redis ${where}: appendonly ${state}, so sessions, refresh tokens and revocations would be lost on a restart; ${HOW_TO_ENABLE}`;
      if (options.allowVolatile !== true) throw new StoreError('ERR_STORE_REDIS_VOLATILE', message);
      warnings.push({
        code: 'TESSERA_REDIS_VOLATILE',
        message: `${message} (redisAllowVolatile is set: starting anyway)`,
      });
    }
    const policy = await configGet(node, 'maxmemory-policy');
    if (policy !== null && policy !== 'noeviction') {
      warnings.push({
        code: 'TESSERA_REDIS_EVICTION',
        message: `Redis ${where}: maxmemory-policy is ${policy}; under memory pressure Redis would evict sessions and revocations. Set maxmemory-policy noeviction.`,
      });
    }
  }
  return warnings;
}
