import type { NewSession, RefreshTokenRecord, Session } from '../contract/sessions.js';

// Session hash fields: u userId, c createdAt, a absoluteExpiresAt, l lastUsedAt, r revokedAt,
// rr revokedReason, ua userAgent, ip, n accessNotBefore, le expiry of the live refresh token,
// jk dpopJkt.
// A null is an absent field. Token hash fields: c createdAt, e expiresAt, u usedAt,
// sh successorHash, ss successorSealed.

/** A flat HGETALL reply as a map. */
export function fieldsOf(reply: readonly unknown[], from = 0): Map<string, string> {
  const fields = new Map<string, string>();
  for (let i = from; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), String(reply[i + 1]));
  return fields;
}

function numberOr(fields: Map<string, string>, name: string, fallback: number | null): number | null {
  const value = fields.get(name);
  return value === undefined ? fallback : Number(value);
}

/** The session of a hash; `id` is known from its key. */
export function toSession(id: string, fields: Map<string, string>): Session {
  return {
    id,
    userId: fields.get('u') ?? '',
    createdAt: Number(fields.get('c')),
    absoluteExpiresAt: Number(fields.get('a')),
    lastUsedAt: Number(fields.get('l')),
    revokedAt: numberOr(fields, 'r', null),
    revokedReason: fields.get('rr') ?? null,
    userAgent: fields.get('ua') ?? null,
    ip: fields.get('ip') ?? null,
    accessNotBefore: numberOr(fields, 'n', 0) as number,
    dpopJkt: fields.get('jk') ?? null,
  };
}

/** The field/value pairs of a new session (null fields left out). */
export function sessionFields(session: NewSession, liveTokenExpiresAt: number): string[] {
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
    'le',
    String(liveTokenExpiresAt),
  ];
  if (session.userAgent !== null && session.userAgent !== undefined) fields.push('ua', session.userAgent);
  if (session.ip !== null && session.ip !== undefined) fields.push('ip', session.ip);
  if (session.dpopJkt !== null && session.dpopJkt !== undefined) fields.push('jk', session.dpopJkt);
  return fields;
}

/** Whether a session is listed by `activeOnly`: not revoked, not ended, its live token unexpired. */
export function isActive(fields: Map<string, string>, now: number): boolean {
  return !fields.has('r') && Number(fields.get('a')) > now && Number(fields.get('le')) > now;
}

/** The refresh-token record of a token hash. */
export function toRefreshToken(
  hash: string,
  sessionId: string,
  fields: Map<string, string>,
): RefreshTokenRecord {
  return {
    hash,
    sessionId,
    createdAt: Number(fields.get('c')),
    expiresAt: Number(fields.get('e')),
    usedAt: numberOr(fields, 'u', null),
    successorHash: fields.get('sh') ?? null,
    successorSealed: fields.get('ss') ?? null,
  };
}

/** The token index value: which session (and user) a token hash belongs to. */
export function encodeIndex(sessionId: string, userId: string): string {
  return JSON.stringify([sessionId, userId]);
}

/** Reads an index value; null when it is not one of ours. */
export function decodeIndex(value: string | null): { sessionId: string; userId: string } | null {
  if (value === null) return null;
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return null;
  return { sessionId: parsed[0], userId: parsed[1] };
}
