import type { SessionIndex } from '../contract/session-index.js';
import type { SessionPurgeResult } from '../contract/sessions.js';
import type { RedisScripts } from './client.js';
import type { RedisKeys } from './keys.js';

/** Sessions looked at per read of the index. */
const BATCH = 500;

/**
 * What `purgeExpired` deletes, found through the session index instead of a scan: each session is
 * listed once with when purge must next look at it (its earliest token expiry, its absolute end,
 * or at once after a revocation). Each look is one script on the session's hash that deletes what
 * is over and answers when to look again, which the index then records (or drops the entry of a
 * session that is gone). With `ids`, those sessions are deleted whatever their times (their user
 * was deleted; `now` is then past every end) and the caller drops their entries.
 *
 * @example
 * const { sessions, refreshTokens } = await purgeSessions(scripts, keys, index, Date.now());
 */
export async function purgeSessions(
  scripts: RedisScripts,
  keys: RedisKeys,
  index: SessionIndex,
  now: number,
  ids?: readonly string[],
): Promise<SessionPurgeResult> {
  const result: SessionPurgeResult = { sessions: 0, refreshTokens: 0 };
  if (ids !== undefined) {
    await Promise.all(ids.map((id) => purgeOne(scripts, keys, id, now, result)));
    return result;
  }
  for (;;) {
    const due = await index.due(now, BATCH);
    const next = await Promise.all(due.map((id) => purgeOne(scripts, keys, id, now, result)));
    await index.remove(due.filter((_, i) => next[i] === -1));
    await Promise.all(due.map((id, i) => (next[i] === -1 ? null : index.lookAt([id], next[i] as number))));
    if (due.length < BATCH) return result;
  }
}

/** Looks at one session; answers when to look again, or -1 when it is gone. */
async function purgeOne(
  scripts: RedisScripts,
  keys: RedisKeys,
  id: string,
  now: number,
  result: SessionPurgeResult,
): Promise<number> {
  const [deleted, nextAt, tokens] = (await scripts.run(
    'tesseraPurgeSession',
    [keys.session(id), keys.grace(id)],
    [now],
  )) as [number, number, number];
  result.sessions += deleted;
  result.refreshTokens += tokens;
  return nextAt;
}
