import type { SessionPurgeResult } from '../contract/sessions.js';
import type { RedisScripts } from './client.js';
import { type RedisKeys, ttlMs } from './keys.js';

/** Sessions looked at per read of a purge index. */
const BATCH = 500;

/**
 * What `purgeExpired` deletes, found through the purge indexes instead of a scan: each session is
 * listed once, scored by when purge must next look at it (its earliest token expiry, its absolute
 * end, or at once after a revocation). Each look is one script on the session's slot that deletes
 * what is over and answers when to look again. With `ids`, those sessions are deleted whatever
 * their times (their user was deleted; `now` is then past every end).
 *
 * @example
 * const { sessions, refreshTokens } = await purgeSessions(scripts, keys, Date.now());
 */
export async function purgeSessions(
  scripts: RedisScripts,
  keys: RedisKeys,
  now: number,
  ids?: readonly string[],
): Promise<SessionPurgeResult> {
  const result: SessionPurgeResult = { sessions: 0, refreshTokens: 0 };
  if (ids !== undefined) {
    await Promise.all(ids.map((id) => purgeOne(scripts, keys, id, now, result)));
    return result;
  }
  for (const shard of keys.sessionGcShards()) {
    for (;;) {
      const due = await scripts.client.zrangebyscore(shard, '-inf', now, 'LIMIT', 0, BATCH);
      await Promise.all(due.map((id) => purgeOne(scripts, keys, id, now, result)));
      if (due.length < BATCH) break;
    }
  }
  return result;
}

async function purgeOne(
  scripts: RedisScripts,
  keys: RedisKeys,
  id: string,
  now: number,
  result: SessionPurgeResult,
): Promise<void> {
  const { client } = scripts;
  const reply = (await scripts.run('tesseraPurgeSession', [keys.session(id), keys.grace(id)], [now])) as [
    number,
    string,
    number,
    number,
  ];
  const [deleted, userId, nextAt, tokens] = reply;
  result.sessions += deleted;
  result.refreshTokens += tokens;
  if (deleted === 1 && userId !== '') await client.zrem(keys.userSessions(userId), id);
  if (nextAt === -1) await client.zrem(keys.sessionGc(id), id);
  else await scripts.run('tesseraZaddKeep', [keys.sessionGc(id)], [id, nextAt, ttlMs(nextAt, now)]);
}
