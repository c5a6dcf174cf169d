import { createHash, createPublicKey } from 'node:crypto';
import { JwtError } from '../errors.js';
import { Key } from './key.js';
import type { Jwk } from './types.js';

/**
 * Exports a key as a JWK with `kid`, `alg` and `use: "sig"`. Only public members
 * are written unless `private: true` is passed; a secret key needs `private: true`.
 *
 * @example
 * const jwks = { keys: [exportJwk(publicKey)] }; // what /.well-known/jwks.json serves
 */
export function exportJwk(key: Key, opts: { private?: boolean } = {}): Jwk {
  if (!(key instanceof Key)) throw new JwtError('ERR_INVALID_OPTIONS', 'key must be a Key');
  let source = key.keyObject;
  if (!opts.private) {
    if (key.type === 'secret') throw new JwtError('ERR_INVALID_OPTIONS', 'a secret key has no public form');
    if (key.type === 'private') source = createPublicKey(source);
  }
  let jwk: Jwk;
  try {
    jwk = source.export({ format: 'jwk' }) as Jwk;
  } catch (cause) {
    // node:crypto has no JWK form for some KeyObjects it signs with (RSA-PSS keys).
    throw new JwtError('ERR_KEY_INVALID', 'this key has no JWK form', { cause });
  }
  const out: Jwk = { ...jwk, alg: key.alg, use: 'sig' };
  if (key.kid !== undefined) out.kid = key.kid;
  return out;
}

const REQUIRED: Record<string, readonly string[]> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
  oct: ['k', 'kty'],
};

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of a JWK or Key. Only the
 * required members count, so `kid`, `alg` and `use` never change it; a private
 * key has the same thumbprint as its public key.
 *
 * @example
 * const kid = jwkThumbprint(publicKey);
 */
export function jwkThumbprint(jwkOrKey: Jwk | Key): string {
  const jwk =
    jwkOrKey instanceof Key ? exportJwk(jwkOrKey, { private: jwkOrKey.type === 'secret' }) : jwkOrKey;
  return createHash('sha256')
    .update(JSON.stringify(requiredMembers(jwk)))
    .digest('base64url');
}

/**
 * The RFC 7638 required members of a JWK, in lexicographic order: what its
 * thumbprint hashes, and all a DPoP proof's `jwk` header needs to carry.
 *
 * @example
 * requiredMembers({ kty: 'OKP', crv: 'Ed25519', x: '11qY…', kid: 'k1', use: 'sig' }); // { crv, kty, x }
 */
export function requiredMembers(jwk: Jwk): Record<string, string> {
  const members = typeof jwk?.kty === 'string' ? REQUIRED[jwk.kty] : undefined;
  if (members === undefined) throw new JwtError('ERR_KEY_INVALID', 'JWK kty is not supported');
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new JwtError('ERR_KEY_INVALID', `JWK ${name} is missing`);
    canonical[name] = value;
  }
  return canonical;
}
