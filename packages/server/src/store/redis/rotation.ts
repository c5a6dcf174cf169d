import type { InvalidRefreshReason, RotateRefreshTokenInput, RotateResult } from '../contract/rotation.js';
import { REUSE_REASON, refreshHashParts } from '../contract/sessions.js';
import type { UserStore } from '../contract/users.js';
import type { RedisScripts } from './client.js';
import { digestIn, toSession } from './codec.js';
import { type RedisKeys, SKEW_MS } from './keys.js';

/** What the rotation needs besides the scripts: key names, the users (in SQL) and GC scheduling. */
export interface RotationContext {
  readonly scripts: RedisScripts;
  readonly keys: RedisKeys;
  readonly users: UserStore;
  /** Marks a session for the next purge (its tokens go once it is revoked). */
  scheduleGc(sessionId: string, at: number): Promise<void>;
}

/**
 * The Redis rotation: the token's hash names its session, whose user is read from the session's
 * hash and then from SQL (blocked?); then ONE script on the session's hash decides and writes
 * everything, re-checking that the token is in that session and the session is that user's. Of
 * N concurrent calls with one hash, exactly one script claims the token; the others see it used
 * and answer 'grace' with the winner's sealed successor.
 *
 * @example
 * const result = await rotateInRedis(ctx, { hash, successor, now, graceMs: 30_000 });
 */
export async function rotateInRedis(
  ctx: RotationContext,
  input: RotateRefreshTokenInput,
): Promise<RotateResult> {
  const { scripts, keys } = ctx;
  const parts = refreshHashParts(input.hash);
  if (parts === null) return { status: 'invalid', reason: 'unknown' };
  const { sessionId, digest } = parts;
  const successorDigest = digestIn(input.successor.hash, sessionId);
  const session = keys.session(sessionId);
  const userId = await scripts.client.hget(session, 'u');
  if (userId === null) return { status: 'invalid', reason: 'unknown' };
  const user = await ctx.users.findById(userId);
  if (user === null) return { status: 'invalid', reason: 'unknown' };
  const reply = (await scripts.run(
    'tesseraRotate',
    [session, keys.grace(sessionId)],
    [
      input.now,
      input.graceMs,
      digest,
      successorDigest,
      input.successor.sealed,
      input.successor.expiresAt,
      user.blocked ? 1 : 0,
      userId,
      REUSE_REASON,
      input.dpopJkt ?? '',
      input.graceMs + SKEW_MS,
    ],
  )) as (string | null)[];
  const status = reply[0];
  if (status === 'invalid') return { status, reason: reply[1] as InvalidRefreshReason };
  const rotated = toSession(sessionId, reply.slice(2));
  if (rotated === null) throw new Error('the rotation script answered no session');
  switch (status) {
    case 'rotated':
      return { status, session: rotated, user };
    case 'grace':
      return { status, session: rotated, user, successorSealed: reply[1] as string };
    default:
      await ctx.scheduleGc(sessionId, input.now);
      return { status: 'reused', session: rotated };
  }
}
