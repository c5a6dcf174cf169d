import type { RotateRefreshTokenInput, RotateResult } from './rotation.js';

/** A login session: the family that all of its rotated refresh tokens belong to. Times are epoch ms. */
export interface Session {
  /** The `sid` claim of every access token of this session. */
  id: string;
  userId: string;
  createdAt: number;
  /** No refresh token of the session is accepted from this instant on, however it was rotated. */
  absoluteExpiresAt: number;
  lastUsedAt: number;
  revokedAt: number | null;
  /** e.g. 'logout', 'logout-all', 'password-change', 'blocked', 'admin', {@link REUSE_REASON}. */
  revokedReason: string | null;
  userAgent: string | null;
  ip: string | null;
  /** Epoch SECONDS: new access tokens of this session must carry `iat >=` this. 0 when unset. */
  accessNotBefore: number;
  /**
   * The RFC 7638 thumbprint of the DPoP key the session is bound to (RFC 9449 §5): its refresh
   * tokens are accepted only with a proof by that key. Null for an unbound session. Never changes.
   */
  dpopJkt: string | null;
}

/** The revocation reason the store itself writes when it detects refresh-token reuse. */
export const REUSE_REASON = 'reuse';

/** A new session; `createdAt` is also its first `lastUsedAt`. */
export interface NewSession {
  id: string;
  userId: string;
  createdAt: number;
  absoluteExpiresAt: number;
  userAgent?: string | null | undefined;
  ip?: string | null | undefined;
  accessNotBefore?: number | undefined;
  /** Binds the session's refresh tokens to this DPoP key thumbprint. */
  dpopJkt?: string | null | undefined;
}

/**
 * The two parts of a refresh token's stored hash, `<sessionId>.<SHA-256 of the token>` (the form
 * the service gives every store): a store may use the session id to find the token without an
 * index, as the Redis store does. Null for a bare SHA-256, the hash of a round-1 token, which
 * named no session (the SQL stores still find those by the whole hash).
 *
 * @example
 * const parts = refreshHashParts(input.hash); // { sessionId: 'sid-1', digest: 'q3Tw…' }
 */
export function refreshHashParts(hash: string): { sessionId: string; digest: string } | null {
  const dot = hash.lastIndexOf('.');
  if (dot <= 0 || dot === hash.length - 1) return null;
  return { sessionId: hash.slice(0, dot), digest: hash.slice(dot + 1) };
}

/**
 * A refresh token's stored hash from its two parts: the inverse of {@link refreshHashParts}.
 *
 * @example
 * const successorHash = refreshHash(session.id, digest);
 */
export function refreshHash(sessionId: string, digest: string): string {
  return `${sessionId}.${digest}`;
}

/**
 * A refresh token as the store receives it: only its hash, never the token. `hash` is
 * `<sessionId>.<SHA-256>` and names the session the token belongs to ({@link refreshHashParts}).
 */
export interface NewRefreshToken {
  hash: string;
  /** Idle expiry, epoch ms; the caller keeps it at or before the session's absoluteExpiresAt. */
  expiresAt: number;
}

/** A stored refresh token row. */
export interface RefreshTokenRecord {
  hash: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  successorHash: string | null;
  /** Opaque to the store: the successor sealed under a key derived from this token. */
  successorSealed: string | null;
}

/** `activeOnly` keeps sessions that are not revoked, not past absolute expiry and still hold a live refresh token. */
export interface ListSessionsOptions {
  now: number;
  activeOnly?: boolean | undefined;
}

/** Which sessions {@link SessionStore.setAccessNotBefore} touches. */
export type AccessNotBeforeTarget = { sessionIds: readonly string[] } | { userId: string };

/** How many rows {@link SessionStore.purgeExpired} deleted. */
export interface SessionPurgeResult {
  sessions: number;
  refreshTokens: number;
}

/**
 * Sessions and their rotating refresh tokens. A refresh token is live only while it is unused,
 * before its `expiresAt`, its session is neither revoked nor past `absoluteExpiresAt`, and its user
 * is not blocked; revoking a session therefore kills all of its refresh tokens in that one write.
 *
 * @example
 * await store.sessions.create({ id: sid, userId, createdAt: now, absoluteExpiresAt: now + 30 * DAY }, { hash, expiresAt: now + 14 * DAY });
 * const result = await store.sessions.rotateRefreshToken({ hash, successor, now, graceMs: 30_000 });
 */
export interface SessionStore {
  /** Inserts the session and its first refresh token atomically (both or neither). */
  create(session: NewSession, firstRefreshToken: NewRefreshToken): Promise<Session>;
  find(id: string): Promise<Session | null>;
  /** The user's sessions, newest first. */
  listForUser(userId: string, options: ListSessionsOptions): Promise<Session[]>;
  findRefreshToken(hash: string): Promise<RefreshTokenRecord | null>;
  /** Consumes a refresh token in ONE atomic step; see {@link RotateResult} for the outcomes and guarantees. */
  rotateRefreshToken(input: RotateRefreshTokenInput): Promise<RotateResult>;
  /** Revokes a live session. Returns it, or null if it is unknown, already revoked or expired. */
  revoke(id: string, reason: string, now: number): Promise<Session | null>;
  /** Revokes every live session of the user (but `exceptSessionId`) in one statement; returns those it revoked. */
  revokeAllForUser(
    userId: string,
    reason: string,
    now: number,
    options?: { exceptSessionId?: string | undefined },
  ): Promise<Session[]>;
  /**
   * Logout holding only a refresh token: revokes the live session that owns the unexpired token
   * (used or not) in one statement. Returns the session, or null when there is nothing to revoke.
   */
  revokeByRefreshToken(hash: string, reason: string, now: number): Promise<Session | null>;
  /** Raises `accessNotBefore` (epoch seconds) to `value`; never lowers it. Returns how many sessions changed. */
  setAccessNotBefore(target: AccessNotBeforeTarget, value: number): Promise<number>;
  /**
   * Deletes every session of the user, revoked or not, with all of their refresh tokens: the
   * first step of deleting an account. Returns how many sessions it deleted.
   */
  deleteAllForUser(userId: string): Promise<number>;
  /**
   * Deletes refresh tokens past `expiresAt` or of revoked sessions, and sessions past absolute expiry
   * (revoked sessions are kept until then, for listing). Not one atomic step: safe to run anytime.
   */
  purgeExpired(now: number): Promise<SessionPurgeResult>;
}
