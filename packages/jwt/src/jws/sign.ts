import { JwtError } from '../errors.js';
import { Key } from '../jwk/key.js';
import { encodeBase64url } from '../lib/base64url.js';
import { encodeHeader } from './header.js';

/**
 * Signs bytes or a string as a compact JWS with the key's algorithm.
 *
 * @example
 * const jws = signJws('hello', secret, { header: { cty: 'text/plain' } });
 * const { payload } = verifyJws(jws, secret, { algorithms: ['HS256'] });
 */
export function signJws(
  payload: Uint8Array | string,
  key: Key,
  opts: { header?: Record<string, unknown> } = {},
): string {
  if (!(key instanceof Key)) throw new JwtError('ERR_INVALID_OPTIONS', 'key must be a Key');
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'payload must be a string or a Uint8Array');
  }
  const signingInput = `${encodeHeader(key, opts.header)}.${encodeBase64url(payload)}`;
  return `${signingInput}.${(key.sign as (input: string) => string)(signingInput)}`;
}
