import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { normalizeEmail } from '../store/index.js';

/** How long a device token lets its browser or app past the per-account login limit. */
export const DEVICE_TOKEN_TTL_MS = 90 * 24 * 60 * 60 * 1000;

const TOKEN = /^v1\.([A-Za-z0-9_-]{22})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;
/** Tokens dated a little ahead are accepted: instances' clocks differ by seconds. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * OWASP's "device cookie": after a successful login the client gets a token binding the account
 * (its normalized email) to a random device nonce, MACed with a key derived from the KEK (so every
 * instance on one database accepts it, and nothing new is stored). Presenting it at a later login
 * for that account skips the per-account limit an attacker elsewhere may have filled; the
 * device's own failures are still counted (by its nonce). The token reveals neither the email
 * nor anything of the KEK.
 *
 * @example
 * const devices = new DeviceTokens(kek);
 * const token = devices.issue('ada@example.com', Date.now());
 * devices.verify(token, 'ada@example.com', Date.now()); // { nonce: '…' }
 */
export class DeviceTokens {
  readonly #key: Buffer;

  constructor(kek: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'tessera device token v1', 32));
  }

  /** A new token for a device that just logged in to the account. */
  issue(email: string, now: number): string {
    const nonce = randomBytes(16).toString('base64url');
    const issued = Math.floor(now).toString(36);
    return `v1.${nonce}.${issued}.${this.#mac(nonce, issued, email)}`;
  }

  /** The device nonce when the token is genuine, for this account, and not expired; else null. */
  verify(token: string | undefined, email: string, now: number): { nonce: string } | null {
    const match = token === undefined ? null : TOKEN.exec(token);
    if (match === null) return null;
    const [, nonce = '', issued = '', mac = ''] = match;
    const at = Number.parseInt(issued, 36);
    if (!(at <= now + FUTURE_SKEW_MS && now - at < DEVICE_TOKEN_TTL_MS)) return null;
    const expected = Buffer.from(this.#mac(nonce, issued, email));
    const actual = Buffer.from(mac);
    return actual.length === expected.length && timingSafeEqual(actual, expected) ? { nonce } : null;
  }

  #mac(nonce: string, issued: string, email: string): string {
    return createHmac('sha256', this.#key)
      .update(`${nonce}|${issued}|${normalizeEmail(email)}`)
      .digest('base64url');
  }
}
