import type { InvalidRefreshReason, RotateRefreshTokenInput, RotateResult } from '../contract/rotation.js';
import { REUSE_REASON } from '../contract/sessions.js';
import type { UserStore } from '../contract/users.js';
import type { RedisScripts } from './client.js';
import { decodeIndex, encodeIndex, fieldsOf, toSession } from './codec.js';
import { type RedisKeys, SKEW_MS, ttlMs } from './keys.js';

/** What the rotation needs besides the scripts: key names, the users (in SQL) and GC scheduling. */
export interface RotationContext {
  readonly scripts: RedisScripts;
  readonly keys: RedisKeys;
  readonly users: UserStore;
  /** Marks a session for the next purge (its tokens go once it is revoked). */
  scheduleGc(sessionId: string, at: number, until: number): Promise<void>;
}

/**
 * The Redis rotation: read the token's index (its own slot), read the user (SQL: blocked?) while
 * the successor's index is written, then ONE script on the session's slot decides and writes
 * everything, re-checking that the token belongs to that session and user. Of N concurrent calls
 * with one hash, exactly one script claims the token; the others see it used and answer 'grace'
 * with the winner's sealed successor.
 *
 * @example
 * const result = await rotateInRedis(ctx, { hash, successor, now, graceMs: 30_000 });
 */
export async function rotateInRedis(
  ctx: RotationContext,
  input: RotateRefreshTokenInput,
): Promise<RotateResult> {
  const { scripts, keys } = ctx;
  const { client } = scripts;
  const index = decodeIndex(await client.get(keys.tokenIndex(input.hash)));
  if (index === null) return { status: 'invalid', reason: 'unknown' };
  const { sessionId, userId } = index;
  // The successor's index first: a crash after the script must not leave a token nobody can find.
  // Written while the user is read (one round trip less); dropped below unless the token rotates.
  const successorIndex = keys.tokenIndex(input.successor.hash);
  const [user, indexed] = await Promise.all([
    ctx.users.findById(userId),
    client.set(
      successorIndex,
      encodeIndex(sessionId, userId),
      'PX',
      ttlMs(input.successor.expiresAt, input.now),
      'NX',
    ),
  ]);
  if (user === null) {
    if (indexed === 'OK') await client.del(successorIndex);
    return { status: 'invalid', reason: 'unknown' };
  }
  const reply = (await scripts.run(
    'tesseraRotate',
    [
      keys.session(sessionId),
      keys.token(sessionId, input.hash),
      keys.token(sessionId, input.successor.hash),
      keys.sessionTokens(sessionId),
    ],
    [
      input.now,
      input.graceMs,
      input.successor.hash,
      input.successor.sealed,
      input.successor.expiresAt,
      user.blocked ? 1 : 0,
      userId,
      SKEW_MS,
      REUSE_REASON,
      keys.tokenPrefix(sessionId),
      input.dpopJkt ?? '',
    ],
  )) as string[];
  const status = reply[0];
  if (status !== 'rotated' && indexed === 'OK') await client.del(successorIndex);
  if (status === 'invalid') return { status, reason: reply[1] as InvalidRefreshReason };
  const session = toSession(sessionId, fieldsOf(reply, 2));
  switch (status) {
    case 'rotated':
      // A successor never outlives its session: the index key follows the token key's TTL.
      if (session.absoluteExpiresAt < input.successor.expiresAt) {
        await client.pexpire(successorIndex, ttlMs(session.absoluteExpiresAt, input.now));
      }
      return { status, session, user };
    case 'grace':
      return { status, session, user, successorSealed: reply[1] as string };
    default:
      await ctx.scheduleGc(sessionId, input.now, session.absoluteExpiresAt);
      return { status: 'reused', session };
  }
}
