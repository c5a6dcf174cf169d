import { createHash } from 'node:crypto';
import { JwtError } from '../errors.js';

/**
 * The form in which two `htu` values are compared (RFC 9449 §4.3): scheme and
 * host lower-case, the default port dropped, dot segments resolved, no query
 * and no fragment. Undefined for anything but an http: or https: URL without
 * credentials.
 *
 * @example
 * htuOf('HTTPS://Api.Example.com:443/a?b#c'); // 'https://api.example.com/a'
 */
export function htuOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  // WHATWG URL already lower-cased the scheme and host and dropped a default port.
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Normalizes a request URL for a DPoP `htu` claim or for comparing one:
 * `HTTPS://API.Example.com:443/a/../b?x=1#f` becomes `https://api.example.com/b`.
 * Throws ERR_INVALID_OPTIONS for anything but an http(s) URL without credentials.
 *
 * @example
 * normalizeHtu('https://API.example.com:443/orders?page=2'); // 'https://api.example.com/orders'
 */
export function normalizeHtu(url: string | URL): string {
  const htu = htuOf(url instanceof URL ? url.href : url);
  if (htu === undefined) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'htu must be an http: or https: URL without credentials');
  }
  return htu;
}

/**
 * The `ath` of a DPoP proof: the base64url SHA-256 of the access token's bytes
 * (RFC 9449 §4.2; a token is ASCII, so UTF-8 and ASCII agree).
 *
 * @example
 * const ath = accessTokenHash(accessToken); // 43 base64url characters
 */
export function accessTokenHash(accessToken: string): string {
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'accessToken must be a non-empty string');
  }
  return createHash('sha256').update(accessToken, 'utf8').digest('base64url');
}
