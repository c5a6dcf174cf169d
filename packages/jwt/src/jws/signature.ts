import { JwtError } from '../errors.js';
import { Key } from '../jwk/key.js';
import type { KeySet } from '../jwks/key-set.js';
import { isCanonicalBase64url } from '../lib/base64url.js';
import type { JwsHeader } from './types.js';

/** Picks the key for a header: a single Key must have the header's alg; a set looks up kid and alg. */
export function selectKey(keys: Key | KeySet, header: JwsHeader): Key {
  if (keys instanceof Key) {
    if (keys.alg !== header.alg)
      throw new JwtError('ERR_KEY_ALG_MISMATCH', "the token's alg is not the key's alg");
    return keys;
  }
  return keys.resolve(header.alg, header.kid);
}

/**
 * Checks a signature segment: exact length for the key, canonical base64url,
 * then the primitive. Anything node:crypto throws on hostile input counts as
 * a bad signature.
 */
export function checkSignature(key: Key, signingInput: string, signature: string): void {
  if (signature.length !== key.signatureLength || !isCanonicalBase64url(signature)) {
    throw new JwtError('ERR_JWS_INVALID_SIGNATURE', 'signature has the wrong length or encoding');
  }
  let valid = false;
  try {
    valid = key.verify(signingInput, Buffer.from(signature, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) throw new JwtError('ERR_JWS_INVALID_SIGNATURE', 'signature verification failed');
}
