import type { Cluster, Redis } from 'ioredis';
import { StoreError } from '../errors.js';
import {
  RATE_LIMIT_HIT,
  RATE_LIMIT_PURGE,
  REVOCATION_ADD,
  REVOCATION_LIST,
  REVOCATION_PURGE,
} from './lua-other.js';
import {
  CREATE_SESSION,
  PURGE_SESSION,
  RAISE_ACCESS_NOT_BEFORE,
  REVOKE,
  REVOKE_BY_TOKEN,
  ROTATE,
  ZADD_KEEP,
} from './lua-sessions.js';

/** A standalone Redis or a Redis Cluster client (ioredis). */
export type RedisClient = Redis | Cluster;

const SCRIPTS = {
  tesseraCreateSession: { keys: 1, lua: CREATE_SESSION },
  tesseraRotate: { keys: 2, lua: ROTATE },
  tesseraRevoke: { keys: 1, lua: REVOKE },
  tesseraRevokeByToken: { keys: 1, lua: REVOKE_BY_TOKEN },
  tesseraRaiseAccessNotBefore: { keys: 1, lua: RAISE_ACCESS_NOT_BEFORE },
  tesseraPurgeSession: { keys: 2, lua: PURGE_SESSION },
  tesseraZaddKeep: { keys: 1, lua: ZADD_KEEP },
  tesseraRateLimitHit: { keys: 1, lua: RATE_LIMIT_HIT },
  tesseraRateLimitPurge: { keys: 1, lua: RATE_LIMIT_PURGE },
  tesseraRevocationAdd: { keys: 3, lua: REVOCATION_ADD },
  tesseraRevocationList: { keys: 1, lua: REVOCATION_LIST },
  tesseraRevocationPurge: { keys: 2, lua: REVOCATION_PURGE },
} as const;

/** The name of one of the store's Lua scripts. */
export type ScriptName = keyof typeof SCRIPTS;

/** What a script may answer: Redis replies of strings, integers, nil and arrays of them. */
export type ScriptReply = string | number | null | ScriptReply[];

/**
 * The store's scripts on one client: registered once (EVALSHA, with a transparent EVAL when the
 * server does not know the script yet, e.g. after a restart).
 *
 * @example
 * const scripts = new RedisScripts(client);
 * const reply = await scripts.run('tesseraRevoke', [keys.session(sid)], [now, 'logout']);
 */
export class RedisScripts {
  constructor(readonly client: RedisClient) {
    for (const [name, { keys, lua }] of Object.entries(SCRIPTS)) {
      client.defineCommand(name, { numberOfKeys: keys, lua });
    }
  }

  run(name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<ScriptReply> {
    const command = (this.client as unknown as Record<string, (...a: unknown[]) => Promise<ScriptReply>>)[
      name
    ];
    if (command === undefined) throw new StoreError('ERR_STORE_CONFIG', `unknown Redis script ${name}`);
    return command.call(this.client, ...keys, ...args.map(String));
  }
}

/** How to reach Redis: a URL (`redis://` or `rediss://`) or the nodes of a Redis Cluster. */
export type RedisConnection = { url: string } | { clusterNodes: readonly string[] };

/**
 * Opens an ioredis client (auto-pipelining on) and waits until it answers a PING.
 *
 * @example
 * const client = await connectRedis({ clusterNodes: ['127.0.0.1:7000', '127.0.0.1:7001'] });
 */
export async function connectRedis(connection: RedisConnection): Promise<RedisClient> {
  // Loaded on first use: a SQL-only server (and every CLI command) never pays for ioredis.
  const { Cluster, Redis } = await import('ioredis');
  let client: RedisClient;
  if ('url' in connection) {
    client = new Redis(connection.url, { enableAutoPipelining: true, lazyConnect: true });
    await client.connect();
  } else {
    const nodes = connection.clusterNodes.map(parseNode);
    if (nodes.length === 0) throw new StoreError('ERR_STORE_CONFIG', 'redisClusterNodes is empty');
    // No auto-pipelining on a Cluster: ioredis can fail a whole auto-pipelined batch caught in a
    // failover ("All keys in the pipeline should belong to the same slots allocation group",
    // ioredis issue #2075), which would answer 500 to requests that could simply be redirected.
    client = new Cluster(nodes, { lazyConnect: true });
    await client.connect();
  }
  try {
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw error;
  }
  return client;
}

function parseNode(text: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[2]);
  if (match === null || !(port > 0 && port < 65536)) {
    throw new StoreError('ERR_STORE_CONFIG', 'a Redis cluster node must be host:port');
  }
  return { host: match[1] as string, port };
}
