// Key layout of the Redis store. Every atomic step is ONE Lua script whose keys share ONE hash
// slot, so it runs unchanged on a Redis Cluster (a CROSSSLOT error there is a bug).
//
//   P{s:<sid>}             hash   the session (fields: see codec.ts)                TTL: absolute end
//   P{s:<sid>}:rts         zset   its refresh-token hashes, scored by expiresAt     TTL: absolute end
//   P{s:<sid>}:rt:<hash>   hash   one refresh token (used/successor state)          TTL: its expiry
//   P{t:<hash>}            string [sid, userId]: where the token lives              TTL: its expiry
//   P{u:<userId>}:sessions zset   the user's session ids, scored by createdAt       TTL: latest session end
//   P{gc:<0-15>}           zset   session ids, scored by when purge must look next  TTL: latest score
//   P{rl:<key>}            hash   one rate-limit window                             TTL: window end
//   P{rlgc:<0-15>}         zset   rate-limit keys, scored by window end             TTL: latest score
//   P{rv}:log / :exp / :last      the revocation entries (one slot: few, short-lived) TTL: latest expiry
//
// Why a token index: a client presents only its refresh token, whose hash says nothing about the
// session's slot, and the session id is not in the token. So each token has a small index key
// under its own tag, read first (one GET); the rotation script then runs on the session's slot
// and checks everything again there (the token record must exist in that session, the session
// must belong to the indexed user), so a stale or forged index entry can only yield 'unknown'.
// All the state that decides a rotation (the session, the token, its successor) lives in the
// session's slot, which is what makes "exactly one of N concurrent rotations wins" one script.
// A successor's index key is written BEFORE the rotation that creates the successor: a crash in
// between leaves a dangling index (harmless, it expires), never a live token nobody can find.
//
// Times are the caller's (stores never read the clock); a TTL is the remaining life of what the
// key holds, measured from the caller's `now`, plus SKEW_MS for clocks of instances and Redis that
// disagree a little. TTLs are garbage collection only: every decision compares stored times with
// the caller's `now`, and purge() removes what is logically over even before its TTL fires.

/** Added to every TTL: clocks of server instances and of Redis may differ by this much. */
export const SKEW_MS = 60_000;

/** Shards of the purge indexes, so that no single slot takes every session's writes. */
export const GC_SHARDS = 16;

/** The key names of one store, under a prefix. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  session(sid: string): string {
    return `${this.prefix}{s:${sid}}`;
  }
  sessionTokens(sid: string): string {
    return `${this.prefix}{s:${sid}}:rts`;
  }
  /** The prefix of a session's token keys; the scripts append a hash to reach a successor. */
  tokenPrefix(sid: string): string {
    return `${this.prefix}{s:${sid}}:rt:`;
  }
  token(sid: string, hash: string): string {
    return `${this.tokenPrefix(sid)}${hash}`;
  }
  tokenIndex(hash: string): string {
    return `${this.prefix}{t:${hash}}`;
  }
  userSessions(userId: string): string {
    return `${this.prefix}{u:${userId}}:sessions`;
  }
  sessionGc(sid: string): string {
    return `${this.prefix}{gc:${shard(sid)}}`;
  }
  sessionGcShards(): string[] {
    return Array.from({ length: GC_SHARDS }, (_, i) => `${this.prefix}{gc:${i}}`);
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
