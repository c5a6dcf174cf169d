import { JwtError } from '../errors.js';
import type { Key } from '../jwk/key.js';
import { encodeBase64url } from '../lib/base64url.js';

const REFUSED_ON_SIGN = ['crit', 'b64', 'enc', 'zip', 'jwk', 'jku', 'x5u', 'x5c'];

/**
 * Builds the base64url protected-header segment for signing with `key`:
 * `alg` is always the key's, `kid` defaults to the key's, and parameters that
 * this library would refuse when verifying are refused when signing too.
 */
export function encodeHeader(key: Key, extra: Record<string, unknown> | undefined): string {
  if (key.sign === undefined) throw new JwtError('ERR_KEY_INVALID', 'a public key cannot sign');
  const header: Record<string, unknown> = { alg: key.alg };
  if (extra !== undefined) {
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
      throw new JwtError('ERR_INVALID_OPTIONS', 'header must be an object');
    }
    if (extra.alg !== undefined && extra.alg !== key.alg) {
      throw new JwtError('ERR_KEY_ALG_MISMATCH', "the header alg is not the key's alg");
    }
    for (const name of REFUSED_ON_SIGN) {
      if (Object.hasOwn(extra, name))
        throw new JwtError('ERR_INVALID_OPTIONS', `the ${name} header is not supported`);
    }
    for (const [name, value] of Object.entries(extra)) {
      if (value !== undefined && name !== 'alg' && name !== '__proto__') header[name] = value;
    }
  }
  if (header.kid === undefined && key.kid !== undefined) header.kid = key.kid;
  return encodeBase64url(JSON.stringify(header));
}
