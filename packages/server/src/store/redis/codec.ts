import {
  type NewSession,
  type RefreshTokenRecord,
  refreshHash,
  refreshHashParts,
  type Session,
} from '../contract/sessions.js';
import { SESSION_FIELDS } from './lua-sessions.js';

// Session hash fields: u userId, c createdAt, a absoluteExpiresAt, l lastUsedAt (also when the
// live token was created: only a rotation moves it), r revokedAt, rr revokedReason, ua userAgent,
// ip, n accessNotBefore, jk dpopJkt; the live refresh token: t its digest, le its expiry; p the
// digest of the last used token; `.<digest>` one used token, "createdAt,expiresAt,usedAt".
// A null is an absent field. Redis keeps a hash compact (listpack, about half the memory) only
// while every value is at most 64 bytes, so a longer user agent (a browser's is over 100) is
// stored in pieces: `ua`, then `ua1`, `ua2`, `ua3` (the last piece takes whatever remains).

export { SESSION_FIELDS };

/** The session of the values of {@link SESSION_FIELDS}, in that order; null when the hash is gone. */
export function toSession(id: string, values: readonly unknown[]): Session | null {
  const [u, c, a, l, r, rr, ua, ip, n, , jk, ...more] = values.map((v) =>
    v === null || v === false ? null : String(v),
  );
  if (u === null || u === undefined) return null;
  return {
    id,
    userId: u,
    createdAt: Number(c),
    absoluteExpiresAt: Number(a),
    lastUsedAt: Number(l),
    revokedAt: r == null ? null : Number(r),
    revokedReason: rr ?? null,
    userAgent: ua === null || ua === undefined ? null : ua + more.map((piece) => piece ?? '').join(''),
    ip: ip ?? null,
    accessNotBefore: n == null ? 0 : Number(n),
    dpopJkt: jk ?? null,
  };
}

/** The field/value pairs of a new session with its first token (null fields left out). */
export function sessionFields(session: NewSession, digest: string, tokenExpiresAt: number): string[] {
  const fields = [
    'u',
    session.userId,
    'c',
    String(session.createdAt),
    'a',
    String(session.absoluteExpiresAt),
    'l',
    String(session.createdAt),
    'n',
    String(session.accessNotBefore ?? 0),
    't',
    digest,
    'le',
    String(tokenExpiresAt),
  ];
  if (session.userAgent !== null && session.userAgent !== undefined) {
    userAgentPieces(session.userAgent).forEach((piece, i) => {
      fields.push(UA_FIELDS[i] as string, piece);
    });
  }
  if (session.ip !== null && session.ip !== undefined) fields.push('ip', session.ip);
  if (session.dpopJkt !== null && session.dpopJkt !== undefined) fields.push('jk', session.dpopJkt);
  return fields;
}

const UA_FIELDS = ['ua', 'ua1', 'ua2', 'ua3'] as const;
const PIECE_BYTES = 64;

/**
 * A user agent cut into at most four pieces of at most 64 UTF-8 bytes each, never inside a
 * character; the last piece takes whatever remains (over 192 bytes in all, it may be longer).
 *
 * @example
 * userAgentPieces('Mozilla/5.0 (Windows NT 10.0; …) Chrome/131.0.0.0 Safari/537.36'); // 2 pieces
 */
export function userAgentPieces(userAgent: string): string[] {
  const pieces: string[] = [];
  let rest = userAgent;
  while (pieces.length < UA_FIELDS.length - 1 && Buffer.byteLength(rest) > PIECE_BYTES) {
    let end = Math.min(rest.length, PIECE_BYTES);
    while (Buffer.byteLength(rest.slice(0, end)) > PIECE_BYTES) end--;
    // Not between the two halves of a surrogate pair.
    const last = rest.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  pieces.push(rest);
  return pieces;
}

/** The values of {@link SESSION_FIELDS} a new session's hash holds. */
export function sessionValues(fields: readonly string[]): (string | null)[] {
  const byName = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) byName.set(fields[i] as string, fields[i + 1] as string);
  return SESSION_FIELDS.map((name) => byName.get(name) ?? null);
}

/** Whether a session is listed by `activeOnly`: not revoked, not ended, its live token unexpired. */
export function isActive(session: Session, liveTokenExpiresAt: number, now: number): boolean {
  return session.revokedAt === null && session.absoluteExpiresAt > now && liveTokenExpiresAt > now;
}

/** The index of `le` (the live token's expiry) among {@link SESSION_FIELDS}. */
export const LIVE_EXPIRY = SESSION_FIELDS.indexOf('le');

/**
 * The record of the token `digest` from its session's hash: `fields` are the values of `t`, `le`,
 * `l`, `p` and `.<digest>` (its used record), `successorSealed` the grace key's value (read only
 * when the token is the last used one). Null when the session holds no such token.
 */
export function toRefreshToken(
  hash: string,
  sessionId: string,
  digest: string,
  fields: readonly (string | null)[],
  successorSealed: string | null,
): RefreshTokenRecord | null {
  const [t, le, l, p, used] = fields;
  if (t === digest) {
    return {
      hash,
      sessionId,
      createdAt: Number(l),
      expiresAt: Number(le),
      usedAt: null,
      successorHash: null,
      successorSealed: null,
    };
  }
  if (used === null || used === undefined) return null;
  const [createdAt, expiresAt, usedAt] = used.split(',').map(Number);
  // The last used token's successor is the live one; older ones' links are not kept.
  const last = p === digest && t !== null && t !== undefined;
  return {
    hash,
    sessionId,
    createdAt: createdAt as number,
    expiresAt: expiresAt as number,
    usedAt: usedAt as number,
    successorHash: last ? refreshHash(sessionId, t) : null,
    successorSealed: last ? successorSealed : null,
  };
}

/**
 * The digest of a token hash that must belong to `sessionId`: a hash naming another session, or
 * none, is a caller's bug (the service derives both from one token), not a stored state.
 */
export function digestIn(hash: string, sessionId: string): string {
  const parts = refreshHashParts(hash);
  if (parts === null || parts.sessionId !== sessionId) {
    throw new TypeError('a refresh token hash must name its session: <sessionId>.<digest>');
  }
  return parts.digest;
}
