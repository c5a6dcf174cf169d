import type { RevocationPage, RevocationStore, Session, SessionStore } from '../store/index.js';
import { toEpochSeconds } from './clock.js';
import type { ServiceEvents } from './events.js';

/**
 * Revokes the access tokens of sessions: an entry "tokens of `sid` issued
 * before `before`" for the guards' feed, and the same cutoff on the session so
 * that tokens issued afterwards carry `iat >= before`.
 *
 * `before` is the next whole second: a token issued earlier in this very second
 * has `iat` equal to this second and must be caught; a token issued after the
 * revocation gets `iat = before` (at most a second ahead) and must not be.
 * When an earlier revocation already set a cutoff at or past that second, tokens
 * may have been issued with `iat` equal to it, so the new cutoff goes one past it.
 */
export class Revocations {
  constructor(
    private readonly revocations: RevocationStore,
    private readonly sessions: SessionStore,
    private readonly events: ServiceEvents,
    /** Entries live this long past `before`: the longest access-token lifetime plus clock skew. */
    private readonly lifetimeSeconds: number,
  ) {}

  /**
   * Revokes the current access tokens of these sessions.
   *
   * @example
   * await revocations.revokeAccess(await store.sessions.revokeAllForUser(userId, 'logout-all', now), now);
   */
  async revokeAccess(sessions: readonly Session[], nowMs: number): Promise<void> {
    if (sessions.length === 0) return;
    let latest = toEpochSeconds(nowMs);
    for (const session of sessions) latest = Math.max(latest, session.accessNotBefore);
    const before = latest + 1;
    const expires = before + this.lifetimeSeconds;
    await this.revocations.add(sessions.map((s) => ({ sid: s.id, before, expires })));
    await this.sessions.setAccessNotBefore({ sessionIds: sessions.map((s) => s.id) }, before);
    this.events.revoked(sessions.length);
  }

  /**
   * One page of the feed that guards follow.
   *
   * @example
   * const page = await revocations.feed(0, Date.now());
   */
  feed(after: number, nowMs: number, limit = 1000): Promise<RevocationPage> {
    return this.revocations.list({ after, limit, now: nowMs });
  }
}
