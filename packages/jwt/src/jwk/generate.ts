import { generateKeyPairSync, generateKeySync, type KeyObject } from 'node:crypto';
import { JwtError } from '../errors.js';
import { ALGS, type Alg, type HmacAlg, isAlg, isHmacAlg } from '../lib/algs.js';
import { Key } from './key.js';

/**
 * Generates a key pair for an asymmetric algorithm: RSA-2048 for RS and PS algorithms
 * (or `modulusLength`), the matching curve for ES*, Ed25519 for EdDSA.
 *
 * @example
 * const { privateKey, publicKey } = generateKeyPair('ES256', { kid: '2026-11' });
 * const token = signJwt({ sub: 'u1' }, privateKey, { expiresIn: '10m' });
 */
export function generateKeyPair(
  alg: Alg,
  opts: { kid?: string; modulusLength?: number } = {},
): { privateKey: Key; publicKey: Key } {
  if (!isAlg(alg)) throw new JwtError('ERR_INVALID_OPTIONS', 'alg is not a supported algorithm');
  const spec = ALGS[alg];
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (spec.family) {
    case 'HS':
      throw new JwtError('ERR_INVALID_OPTIONS', `${alg} is symmetric: use generateSecret`);
    case 'RS':
    case 'PS':
      pair = generateKeyPairSync('rsa', { modulusLength: opts.modulusLength ?? 2048, publicExponent: 65537 });
      break;
    case 'ES':
      pair = generateKeyPairSync('ec', { namedCurve: spec.curve as string });
      break;
    default:
      pair = generateKeyPairSync('ed25519');
  }
  return {
    privateKey: new Key(alg, pair.privateKey, opts.kid),
    publicKey: new Key(alg, pair.publicKey, opts.kid),
  };
}

/**
 * Generates a random HMAC secret as long as the hash output (32, 48 or 64 bytes).
 *
 * @example
 * const secret = generateSecret('HS256');
 * const token = signJwt({ sub: 'u1' }, secret, { expiresIn: '15m' });
 */
export function generateSecret(alg: HmacAlg, opts: { kid?: string } = {}): Key {
  if (!isHmacAlg(alg)) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'generateSecret needs HS256, HS384 or HS512');
  }
  return new Key(alg, generateKeySync('hmac', { length: ALGS[alg].hashBytes * 8 }), opts.kid);
}
