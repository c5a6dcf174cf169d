// Key layout of the Redis store. Every atomic step is ONE Lua script whose keys share ONE hash
// slot, so it runs unchanged on a Redis Cluster (a CROSSSLOT error there is a bug).
//
//   P{s:<sid>}             hash   the session and its refresh tokens (see lua-sessions.ts)  TTL: absolute end
//   P{s:<sid>}:g           string the sealed successor of its last used token            TTL: grace window
//   P{rl:<key>}            hash   one rate-limit window                             TTL: window end
//   P{rlgc:<0-15>}         zset   rate-limit keys, scored by window end             TTL: latest score
//   P{rv}:log / :exp / :last      the revocation entries (one slot: few, short-lived) TTL: latest expiry
//
// No token index: a refresh token names its session (`<sid>.<random>`, and the hash the service
// gives the store is `<sid>.<SHA-256>`), so a token's lookup goes straight to its session's hash,
// where the digest must be found; a token with another session's id is unknown there. Everything
// that decides a rotation (the session, the presented token, its successor) is in that one hash,
// which is what makes "exactly one of N concurrent rotations wins" one script, and what keeps a
// session with its live token to one key. Which sessions a user has, and when purge looks at each,
// are in the SQL store's session index (a per-user key here would cost more than the session).
//
// Times are the caller's (stores never read the clock); a TTL is the remaining life of what the
// key holds, measured from the caller's `now`, plus SKEW_MS for clocks of instances and Redis that
// disagree a little. TTLs are garbage collection only: every decision compares stored times with
// the caller's `now`, and purge() removes what is logically over even before its TTL fires.

/** Added to every TTL: clocks of server instances and of Redis may differ by this much. */
export const SKEW_MS = 60_000;

/** Shards of the rate-limit purge index, so that no single slot takes every window's writes. */
export const GC_SHARDS = 16;

/** The key names of one store, under a prefix. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  session(sid: string): string {
    return `${this.prefix}{s:${sid}}`;
  }
  /** The sealed successor of the session's last used token, for a retry within the grace window. */
  grace(sid: string): string {
    return `${this.prefix}{s:${sid}}:g`;
  }
  rateLimit(key: string): string {
    return `${this.prefix}{rl:${key}}`;
  }
  rateLimitGc(key: string): string {
    return `${this.prefix}{rlgc:${shard(key)}}`;
  }
  rateLimitGcShards(): string[] {
    return Array.from({ length: GC_SHARDS }, (_, i) => `${this.prefix}{rlgc:${i}}`);
  }
  revocationLast(): string {
    return `${this.prefix}{rv}:last`;
  }
  revocationLog(): string {
    return `${this.prefix}{rv}:log`;
  }
  revocationExpiry(): string {
    return `${this.prefix}{rv}:exp`;
  }
}

/** Milliseconds a key must live to outlast `until` (epoch ms) seen from `now`, plus the skew. */
export function ttlMs(until: number, now: number): number {
  return Math.max(1, Math.ceil(until - now)) + SKEW_MS;
}

function shard(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h % GC_SHARDS;
}
