// Rate-limit and revocation scripts. A rate-limit window is one key; the revocation entries live
// in one slot ({rv}): they are few (bounded by the entries younger than one access-token
// lifetime) and one slot makes "assign a cursor and store the entry" one atomic step.

/** One hit of a fixed window. KEYS: window. ARGV: now, windowMs, skewMs. Returns {count, resetAt}. */
export const RATE_LIMIT_HIT = `
local now = tonumber(ARGV[1])
local v = redis.call('HMGET', KEYS[1], 'n', 'r')
local n, r
if not v[2] or tonumber(v[2]) <= now then
  n = 1
  r = now + tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'n', 1, 'r', string.format('%.0f', r))
else
  n = redis.call('HINCRBY', KEYS[1], 'n', 1)
  r = tonumber(v[2])
end
redis.call('PEXPIRE', KEYS[1], math.max(1, r - now) + tonumber(ARGV[3]))
return {n, r}
`;

/** Deletes a window that ended. KEYS: window. ARGV: now. Returns 1 if deleted. */
export const RATE_LIMIT_PURGE = `
local r = redis.call('HGET', KEYS[1], 'r')
if r and tonumber(r) <= tonumber(ARGV[1]) then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Appends entries with their cursors, in one step: cursor order is commit order, so a reader
 * polling by cursor can never skip one. A cursor is the previous one plus one, and never below
 * Redis's clock in microseconds: should the `last` key ever expire (no entry for a whole token
 * lifetime), new cursors still start above every cursor handed out before.
 * The TTLs count from Redis's clock: add() is given no time, and an entry's life is absolute.
 * KEYS: last, log, expiry index. ARGV: skewMs, then (expires, json) per entry.
 * The log member is "<cursor> <expires> <json>". Returns the cursors.
 */
export const REVOCATION_ADD = `
local time = redis.call('TIME')
local clock = tonumber(time[1]) * 1000000 + tonumber(time[2])
local cursor = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), clock - 1)
local out = {}
local latest = 0
for i = 2, #ARGV, 2 do
  cursor = cursor + 1
  local c = string.format('%.0f', cursor)
  redis.call('ZADD', KEYS[2], c, c .. ' ' .. ARGV[i] .. ' ' .. ARGV[i + 1])
  redis.call('ZADD', KEYS[3], ARGV[i], c)
  latest = math.max(latest, tonumber(ARGV[i]))
  out[#out + 1] = c
end
local ttl = math.max(1, latest * 1000 - math.floor(clock / 1000)) + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', cursor))
for i = 1, 3 do
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return out
`;

/**
 * Live entries after a cursor, in cursor order, skipping expired ones until `limit` are found.
 * KEYS: log. ARGV: after, limit, nowSeconds. Returns log members.
 */
export const REVOCATION_LIST = `
local limit = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local from = '(' .. ARGV[1]
local out = {}
while #out < limit do
  local batch = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'LIMIT', 0, 256)
  if #batch == 0 then break end
  for _, member in ipairs(batch) do
    local c, e = string.match(member, '^(%d+) (%-?%d+) ')
    from = '(' .. c
    if tonumber(e) > now then
      out[#out + 1] = member
      if #out >= limit then break end
    end
  end
end
return out
`;

/** Deletes entries with expires <= now. KEYS: log, expiry index. ARGV: nowSeconds. Returns how many. */
export const REVOCATION_PURGE = `
local cursors = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, c in ipairs(cursors) do redis.call('ZREMRANGEBYSCORE', KEYS[1], c, c) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
return #cursors
`;
