// The session and refresh-token scripts. Each touches the keys of ONE session only (its hash and
// its grace key, one hash slot). Missing hash fields come back as Lua false. A refresh token lives
// in its session's hash: the live one as `t` (its digest; expiry `le`, created at `l`), each used
// one as a field `.<digest>` = "createdAt,expiresAt,usedAt", the last used one named by `p`.

/**
 * The session fields, in the order every script answers them (codec.ts reads them by position).
 * `ua1`–`ua3` continue a user agent longer than 64 bytes (see codec.ts).
 */
export const SESSION_FIELDS = [
  'u',
  'c',
  'a',
  'l',
  'r',
  'rr',
  'ua',
  'ip',
  'n',
  'le',
  'jk',
  'ua1',
  'ua2',
  'ua3',
] as const;

const ANSWER = `redis.call('HMGET', KEYS[1], ${SESSION_FIELDS.map((f) => `'${f}'`).join(', ')})`;

/** KEYS: session. ARGV: sessionTtl, field, value… (the first token is among them: `t`, `le`). */
export const CREATE_SESSION = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

/**
 * The rotation: one atomic step deciding rotated | grace | reused | invalid, in the order of the
 * SQL store's judge(). KEYS: session, grace key. ARGV: now, graceMs, digest, successorDigest,
 * successorSealed, successorExpiresAt, blocked (0/1), userId, reuseReason, dpopJkt ('' without a
 * proof), graceTtl. The sealed successor is kept in the grace key only as long as a retry may ask
 * for it, so a session's hash stays small (Redis's compact encoding needs values of <= 64 bytes).
 * Answers {status, reason or sealed successor, session fields…}.
 */
export const ROTATE = `
local now = tonumber(ARGV[1])
local s = redis.call('HMGET', KEYS[1], 'u', 'jk', 'r', 'a', 't', 'le', 'l', 'p')
local used = false
if s[5] ~= ARGV[3] then
  used = redis.call('HGET', KEYS[1], '.' .. ARGV[3])
  if not used then return {'invalid', 'unknown'} end
end
if s[1] ~= ARGV[8] then return {'invalid', 'unknown'} end
if s[2] and s[2] ~= ARGV[10] then return {'invalid', 'dpop-mismatch'} end
if s[3] then return {'invalid', 'session-revoked'} end
if tonumber(s[4]) <= now then return {'invalid', 'session-expired'} end
if ARGV[7] == '1' then return {'invalid', 'user-blocked'} end
if not used then
  if tonumber(s[6]) <= now then return {'invalid', 'expired'} end
  redis.call('HSET', KEYS[1], '.' .. ARGV[3], s[7] .. ',' .. s[6] .. ',' .. ARGV[1],
    't', ARGV[4], 'le', ARGV[6], 'l', ARGV[1], 'p', ARGV[3])
  redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[11])
  return {'rotated', '', unpack(${ANSWER})}
end
local e, u = string.match(used, '^%d+,(%d+),(%d+)$')
if tonumber(e) <= now then return {'invalid', 'expired'} end
if ARGV[3] == s[8] and now - tonumber(u) < tonumber(ARGV[2]) and s[5] and tonumber(s[6]) > now then
  local sealed = redis.call('GET', KEYS[2])
  if sealed then return {'grace', sealed, unpack(${ANSWER})} end
end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'rr', ARGV[9])
return {'reused', '', unpack(${ANSWER})}
`;

/** Revokes a live session. KEYS: session. ARGV: now, reason. Returns the session fields or nil. */
export const REVOKE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local s = redis.call('HMGET', KEYS[1], 'r', 'a')
if s[1] or tonumber(s[2]) <= tonumber(ARGV[1]) then return false end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'rr', ARGV[2])
return ${ANSWER}
`;

/**
 * Revokes the live session that owns an unexpired token, used or not. KEYS: session. ARGV: now,
 * reason, digest. Returns the session fields or nil.
 */
export const REVOKE_BY_TOKEN = `
local now = tonumber(ARGV[1])
local s = redis.call('HMGET', KEYS[1], 't', 'le', 'r', 'a')
local e = s[2]
if s[1] ~= ARGV[3] then
  local used = redis.call('HGET', KEYS[1], '.' .. ARGV[3])
  if not used then return false end
  e = string.match(used, '^%d+,(%d+),')
end
if tonumber(e) <= now or s[3] or tonumber(s[4]) <= now then return false end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'rr', ARGV[2])
return ${ANSWER}
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
 * tokens; else its expired tokens. KEYS: session, grace key. ARGV: now.
 * Returns {sessionsDeleted, nextLookAt (-1: never), tokensDeleted}.
 */
export const PURGE_SESSION = `
local now = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return {0, -1, 0} end
local s = redis.call('HMGET', KEYS[1], 'a', 'r', 't', 'le')
local absolute = tonumber(s[1])
local everything = absolute <= now or s[2]
local drop = {}
local nextAt = absolute
local function look(field, expires)
  if everything or expires <= now then drop[#drop + 1] = field
  elseif expires < nextAt then nextAt = expires end
end
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if string.sub(all[i], 1, 1) == '.' then look(all[i], tonumber(string.match(all[i + 1], '^%d+,(%d+),'))) end
end
if s[3] then look('t', tonumber(s[4])) end
if absolute <= now then
  redis.call('DEL', KEYS[1], KEYS[2])
  return {1, -1, #drop}
end
for _, field in ipairs(drop) do redis.call('HDEL', KEYS[1], field) end
return {0, nextAt, #drop}
`;

/** Adds a member to a sorted set and makes its TTL at least ARGV[3] ms. KEYS: zset. ARGV: member, score, ttl. */
export const ZADD_KEEP = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local ttl = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`;
