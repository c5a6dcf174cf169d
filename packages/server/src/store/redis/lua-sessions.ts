// The session and refresh-token scripts. Each touches the keys of ONE session only (one hash
// slot). A token's successor key is derived inside the script from the session's token prefix
// (ARGV), which keeps it in that same slot. Missing hash fields come back as Lua false.

/** KEYS: session, tokens zset, first token. ARGV: sessionTtl, tokenTtl, createdAt, tokenExpiresAt, hash, field, value… */
export const CREATE_SESSION = `
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], 'c', ARGV[3], 'e', ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 1
`;

/**
 * The rotation: one atomic step deciding rotated | grace | reused | invalid, in the order of the
 * SQL store's judge(). KEYS: session, token, new successor, tokens zset. ARGV: now, graceMs,
 * successorHash, successorSealed, successorExpiresAt, blocked (0/1), userId, skewMs, reuseReason,
 * tokenPrefix, dpopJkt ('' without a proof).
 */
export const ROTATE = `
local now = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[2]) == 0 then return {'invalid', 'unknown'} end
local s = redis.call('HMGET', KEYS[1], 'u', 'r', 'a', 'jk')
if s[1] ~= ARGV[7] then return {'invalid', 'unknown'} end
if s[4] and s[4] ~= ARGV[11] then return {'invalid', 'dpop-mismatch'} end
if s[2] then return {'invalid', 'session-revoked'} end
local absolute = tonumber(s[3])
if absolute <= now then return {'invalid', 'session-expired'} end
if ARGV[6] == '1' then return {'invalid', 'user-blocked'} end
local t = redis.call('HMGET', KEYS[2], 'e', 'u', 'sh', 'ss')
if tonumber(t[1]) <= now then return {'invalid', 'expired'} end
if not t[2] then
  local expires = tonumber(ARGV[5])
  redis.call('HSET', KEYS[2], 'u', ARGV[1], 'sh', ARGV[3], 'ss', ARGV[4])
  redis.call('HSET', KEYS[3], 'c', ARGV[1], 'e', ARGV[5])
  redis.call('PEXPIRE', KEYS[3], math.max(1, math.min(expires, absolute) - now) + tonumber(ARGV[8]))
  redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
  redis.call('HSET', KEYS[1], 'l', ARGV[1], 'le', ARGV[5])
  return {'rotated', '', unpack(redis.call('HGETALL', KEYS[1]))}
end
local live = false
if t[3] then
  local n = redis.call('HMGET', ARGV[10] .. t[3], 'u', 'e')
  live = (not n[1]) and n[2] ~= false and tonumber(n[2]) > now
end
if now - tonumber(t[2]) < tonumber(ARGV[2]) and live and t[4] then
  return {'grace', t[4], unpack(redis.call('HGETALL', KEYS[1]))}
end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'rr', ARGV[9])
return {'reused', '', unpack(redis.call('HGETALL', KEYS[1]))}
`;

/** Revokes a live session. KEYS: session. ARGV: now, reason. Returns the session or nil. */
export const REVOKE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local s = redis.call('HMGET', KEYS[1], 'r', 'a')
if s[1] or tonumber(s[2]) <= tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'rr', ARGV[2])
return redis.call('HGETALL', KEYS[1])
`;

/** Revokes the live session that owns an unexpired token. KEYS: session, token. ARGV: now, reason. */
export const REVOKE_BY_TOKEN = `
local e = redis.call('HGET', KEYS[2], 'e')
if not e or tonumber(e) <= tonumber(ARGV[1]) then return false end
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local s = redis.call('HMGET', KEYS[1], 'r', 'a')
if s[1] or tonumber(s[2]) <= tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'rr', ARGV[2])
return redis.call('HGETALL', KEYS[1])
`;

/** Raises accessNotBefore, never lowers it. KEYS: session. ARGV: value. Returns 1 if changed. */
export const RAISE_ACCESS_NOT_BEFORE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if tonumber(redis.call('HGET', KEYS[1], 'n') or '0') >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'n', ARGV[1])
return 1
`;

/**
 * Purges one session as the SQL store would: past its absolute end, everything; revoked, its
 * tokens; else its expired tokens. KEYS: session, tokens zset. ARGV: now, tokenPrefix.
 * Returns {sessionsDeleted, userId, nextLookAt (-1: never), deleted token hashes…}.
 */
export const PURGE_SESSION = `
local now = tonumber(ARGV[1])
local gone = {}
local function drop(hashes)
  for _, h in ipairs(hashes) do
    if redis.call('DEL', ARGV[2] .. h) == 1 then gone[#gone + 1] = h end
    redis.call('ZREM', KEYS[2], h)
  end
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  drop(redis.call('ZRANGE', KEYS[2], 0, -1))
  redis.call('DEL', KEYS[2])
  return {0, '', -1, unpack(gone)}
end
local s = redis.call('HMGET', KEYS[1], 'a', 'r', 'u')
local absolute = tonumber(s[1])
if absolute <= now then
  drop(redis.call('ZRANGE', KEYS[2], 0, -1))
  redis.call('DEL', KEYS[2], KEYS[1])
  return {1, s[3], -1, unpack(gone)}
end
if s[2] then
  drop(redis.call('ZRANGE', KEYS[2], 0, -1))
  redis.call('DEL', KEYS[2])
  return {0, s[3], absolute, unpack(gone)}
end
drop(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now))
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local nextAt = absolute
if first[2] and tonumber(first[2]) < absolute then nextAt = tonumber(first[2]) end
return {0, s[3], nextAt, unpack(gone)}
`;

/** Adds a member to a sorted set and makes its TTL at least ARGV[3] ms. KEYS: zset. ARGV: member, score, ttl. */
export const ZADD_KEEP = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local ttl = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`;
