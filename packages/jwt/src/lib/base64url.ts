import { JwtError } from '../errors.js';

const CHARSET = /^[A-Za-z0-9_-]*$/;
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i)] = i;
}

/**
 * True when `s` is canonical unpadded base64url: only the 64 URL-safe characters,
 * no length ≡ 1 (mod 4), and zero unused bits in the last character, so that
 * decoding and re-encoding gives `s` back. Node's decoder accepts much more
 * (padding, `+`, `/`, stray characters), so this check runs before it.
 */
export function isCanonicalBase64url(s: string): boolean {
  const rest = s.length & 3;
  if (rest === 1 || !CHARSET.test(s)) return false;
  if (rest === 0) return true;
  const last = VALUE[s.charCodeAt(s.length - 1)] as number;
  return rest === 2 ? (last & 15) === 0 : (last & 3) === 0;
}

/** Length of the unpadded base64url encoding of `bytes` bytes. */
export function encodedLength(bytes: number): number {
  const rest = bytes % 3;
  return ((bytes - rest) / 3) * 4 + (rest === 0 ? 0 : rest + 1);
}

/** Decodes canonical base64url or throws `ERR_JWS_INVALID`. */
export function decodeBase64url(s: string, what: string): Buffer {
  if (!isCanonicalBase64url(s)) throw new JwtError('ERR_JWS_INVALID', `${what} is not canonical base64url`);
  return Buffer.from(s, 'base64url');
}

/** Encodes bytes or a UTF-8 string as unpadded base64url. */
export function encodeBase64url(input: Uint8Array | string): string {
  return (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input)).toString('base64url');
}
