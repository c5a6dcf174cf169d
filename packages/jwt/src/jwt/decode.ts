import { JwtError } from '../errors.js';
import { DEFAULT_MAX_TOKEN_LENGTH, splitCompact } from '../jws/compact.js';
import type { JwsHeader } from '../jws/types.js';
import { isAlg } from '../lib/algs.js';
import { decodeBase64url } from '../lib/base64url.js';
import { decodeUtf8, parseJsonObject } from '../lib/json.js';
import type { JwtClaims } from './types.js';

/**
 * Decodes a JWT WITHOUT verifying it — for debugging and display only; never
 * trust what it returns. The same strict parsing as verification applies.
 *
 * @example
 * const { header, payload } = decodeJwtUnverified(token);
 * console.log(header.alg, payload.exp);
 */
export function decodeJwtUnverified(token: string): { header: JwsHeader; payload: JwtClaims } {
  const { dot1, dot2 } = splitCompact(token, DEFAULT_MAX_TOKEN_LENGTH);
  const header = parseJsonObject(
    decodeUtf8(
      decodeBase64url(token.slice(0, dot1), 'protected header'),
      'ERR_JWS_INVALID',
      'protected header',
    ),
    'ERR_JWS_INVALID',
    'protected header',
  );
  if (typeof header.alg !== 'string') throw new JwtError('ERR_JWS_INVALID', 'the header has no alg');
  const payload = parseJsonObject(
    decodeUtf8(decodeBase64url(token.slice(dot1 + 1, dot2), 'payload'), 'ERR_JWT_INVALID', 'payload'),
    'ERR_JWT_INVALID',
    'payload',
  );
  return { header: { ...header, alg: isAlg(header.alg) ? header.alg : (header.alg as never) }, payload };
}
