import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { refreshHash } from '../store/index.js';

/**
 * A new opaque refresh token: 256 random bits, base64url (43 characters).
 *
 * @example
 * const token = randomToken();
 */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of an opaque token, base64url: the only form in which refresh tokens
 * are stored or looked up (an exact-match lookup, never by prefix).
 *
 * @example
 * const secretHash = hashToken(clientSecret);
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A refresh token: `<sessionId>.<43 random characters>`, or the 43 characters alone (round 1). */
const REFRESH_TOKEN = /^(?:([A-Za-z0-9-]{1,64})\.)?[A-Za-z0-9_-]{43}$/;

/**
 * A new refresh token of a session: `<sessionId>.<256 random bits, base64url>`. The session id is
 * public (it is every access token's `sid`); it lets a store go from the token straight to its
 * session (see `refreshHashParts`). `sessionId` null gives the bare 43 characters, for the successor
 * of a round-1 token, which named no session.
 *
 * @example
 * const token = newRefreshToken(session.id); // '0f6c…-…-….Jk3v…'
 */
export function newRefreshToken(sessionId: string | null): string {
  return sessionId === null ? randomToken() : `${sessionId}.${randomToken()}`;
}

/**
 * Whether a value has the shape of a refresh token ({@link newRefreshToken}); says nothing of
 * whether it was issued.
 *
 * @example
 * if (!isRefreshToken(body.refresh_token)) return invalidGrant();
 */
export function isRefreshToken(value: unknown): boolean {
  return typeof value === 'string' && REFRESH_TOKEN.test(value);
}

/**
 * The session id a refresh token names, or null for a round-1 token.
 *
 * @example
 * const successor = newRefreshToken(refreshTokenSession(presented));
 */
export function refreshTokenSession(token: string): string | null {
  return REFRESH_TOKEN.exec(token)?.[1] ?? null;
}

/**
 * The stored form of a refresh token: `<sessionId>.<SHA-256 of the whole token>`, or the bare
 * SHA-256 for a round-1 token. The session id is a routing hint for the store, never trusted on
 * its own: the digest covers it, so a token with another session's id is just unknown.
 *
 * @example
 * await store.sessions.findRefreshToken(refreshTokenHash(token));
 */
export function refreshTokenHash(token: string): string {
  const sessionId = refreshTokenSession(token);
  return sessionId === null ? hashToken(token) : refreshHash(sessionId, hashToken(token));
}

const VERSION = 'v1';

/**
 * Encrypts with AES-256-GCM under a 32-byte key; `context` is bound as
 * additional data, so a sealed value can't be moved to another record.
 *
 * @example
 * const sealed = seal(kek, privateJwkBytes, `signing-key:${kid}`);
 */
export function seal(key: Buffer, plaintext: Uint8Array, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `${VERSION}.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

/**
 * Decrypts what `seal` produced with the same key and context; returns null
 * when the key, the context or the data is wrong.
 *
 * @example
 * const bytes = open(kek, sealed, `signing-key:${kid}`);
 */
export function open(key: Buffer, sealed: string, context: string): Buffer | null {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  } catch {
    return null;
  }
}

/**
 * The key that seals a refresh token's successor: derived from the presented
 * token itself, so only someone holding that token can read the successor
 * back during the grace window, and the database alone reveals nothing.
 */
export function successorKey(presentedToken: string): Buffer {
  return createHash('sha256').update('tessera/refresh-successor/v1\0').update(presentedToken).digest();
}
