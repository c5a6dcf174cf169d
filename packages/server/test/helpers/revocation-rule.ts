import { decodeJwtUnverified } from '@tessera/jwt';
import type { RevocationEntry } from '../../src/store/index.js';

/**
 * The guards' rule over stored entries: a token is revoked by a session entry for its `sid`, a
 * user entry for its `sub` or a global entry when its `iat < before`, and by a key entry for the
 * `kid` of its header whatever its `iat`.
 *
 * @example
 * assert.ok(revokedByFeed((await t.service.revocations.feed(0, t.clock.now())).revoked, token));
 */
export function revokedByFeed(entries: readonly RevocationEntry[], token: string): boolean {
  const { header, payload } = decodeJwtUnverified(token);
  const { sid, sub, iat } = payload as { sid: string; sub: string; iat: number };
  return entries.some((e) => {
    switch (e.kind) {
      case 'session':
        return e.sid === sid && iat < e.before;
      case 'user':
        return e.sub === sub && iat < e.before;
      case 'all':
        return iat < e.before;
      default:
        return e.kid === header.kid;
    }
  });
}

/**
 * The session ids that session entries name.
 *
 * @example
 * assert.ok(sessionIds(feed.revoked).has(pair.sessionId));
 */
export function sessionIds(entries: readonly RevocationEntry[]): Set<string> {
  return new Set(entries.flatMap((e) => (e.kind === 'session' ? [e.sid] : [])));
}

/** One entry of `GET /auth/revocations` as it is on the wire. */
export type WireEntry =
  | { sid: string; before: number; expires: number }
  | { sub: string; before: number; expires: number }
  | { all: true; before: number; expires: number }
  | { kid: string; expires: number };

/**
 * The guards' rule over the wire format (see {@link revokedByFeed}), and the entry that revokes.
 *
 * @example
 * assert.ok(revokingWireEntry(feed.revoked, token));
 */
export function revokingWireEntry(entries: readonly WireEntry[], token: string): WireEntry | undefined {
  const { header, payload } = decodeJwtUnverified(token);
  const { sid, sub, iat } = payload as { sid: string; sub: string; iat: number };
  return entries.find((e) => {
    if ('kid' in e) return e.kid === header.kid;
    if ('sid' in e) return e.sid === sid && iat < e.before;
    if ('sub' in e) return e.sub === sub && iat < e.before;
    return e.all === true && iat < e.before;
  });
}
