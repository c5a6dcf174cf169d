import type { Session } from './sessions.js';
import type { User } from './users.js';

/** The input of {@link SessionStore.rotateRefreshToken}. Times are epoch ms. */
export interface RotateRefreshTokenInput {
  /** SHA-256 of the presented refresh token. */
  hash: string;
  /** The token that replaces it, prepared by the caller before the call. */
  successor: {
    hash: string;
    /** The successor token sealed under a key derived from the presented token. */
    sealed: string;
    /** Idle expiry, already capped by the caller at the session's absoluteExpiresAt. */
    expiresAt: number;
  };
  now: number;
  /** A token used less than this long ago, whose successor is still live, yields 'grace'. */
  graceMs: number;
  /**
   * The JWK thumbprint of the caller's verified DPoP proof; absent or null without one. A session bound
   * to a key (its `dpopJkt`) yields 'invalid' / 'dpop-mismatch' for any other value, and nothing
   * is spent or revoked: a thief without the key can neither use the token nor burn it.
   */
  dpopJkt?: string | null | undefined;
}

/** Why a refresh token was refused; for logs and metrics, never for the client. */
export type InvalidRefreshReason =
  | 'unknown'
  | 'expired'
  | 'session-revoked'
  | 'session-expired'
  | 'user-blocked'
  | 'dpop-mismatch';

/**
 * The outcome of one atomic rotation. Among any number of concurrent calls with one hash,
 * exactly one gets 'rotated'; the others get 'grace' with that winner's `successorSealed`
 * (within the grace window). At most one caller ever gets 'reused' for a session.
 *
 * - 'rotated': the token was live; it is now used, the successor is stored, `lastUsedAt = now`.
 * - 'grace': an idempotent retry; the caller unseals `successorSealed` and returns that token again.
 * - 'reused': the token was used outside the grace window, or its successor was already used:
 *   theft. The session is revoked in the same step (reason {@link REUSE_REASON}); the caller
 *   writes the audit and revocation entries.
 * - 'invalid': unknown or expired token, dead session, blocked user, or a DPoP-bound session
 *   presented without its key ('dpop-mismatch', checked before anything else). Nothing changed.
 *
 * @example
 * switch (result.status) {
 *   case 'rotated': return issue(result.session, result.user, successorToken);
 *   case 'grace': return issue(result.session, result.user, unseal(result.successorSealed));
 *   case 'reused': return theft(result.session);
 *   case 'invalid': return invalidGrant();
 * }
 */
export type RotateResult =
  | { status: 'rotated'; session: Session; user: User }
  | { status: 'grace'; session: Session; user: User; successorSealed: string }
  | { status: 'reused'; session: Session }
  | { status: 'invalid'; reason: InvalidRefreshReason };
