// Test keys, generated once per process (RSA generation is slow), plus the key
// encodings that attacks feed to verifiers as HMAC secrets.
import { randomBytes } from 'node:crypto';
import { type Alg, generateKeyPair, importKeyObject, importSecret, type Key } from '../../src/index.js';

/** Every alg the library signs and verifies, listed by hand so tests don't trust the library's own table. */
export const ALL_ALGS: Alg[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

export interface TestPair {
  privateKey: Key;
  publicKey: Key;
}

const pairs = new Map<string, TestPair>();

/** A key pair for an asymmetric alg, memoized; with `kid`, the same material rebound to that kid. */
export function pair(alg: Exclude<Alg, 'HS256' | 'HS384' | 'HS512'>, kid?: string): TestPair {
  let base = pairs.get(alg);
  if (base === undefined) {
    base = generateKeyPair(alg);
    pairs.set(alg, base);
  }
  if (kid === undefined) return base;
  return {
    privateKey: importKeyObject(base.privateKey.keyObject, { alg, kid }),
    publicKey: importKeyObject(base.publicKey.keyObject, { alg, kid }),
  };
}

/** A fresh, unrelated key pair (never memoized): "the attacker's own key". */
export function freshPair(alg: Exclude<Alg, 'HS256' | 'HS384' | 'HS512'>, kid?: string): TestPair {
  return generateKeyPair(alg, kid === undefined ? {} : { kid });
}

export interface TestSecret {
  bytes: Buffer;
  key: Key;
}

/** A random HMAC secret of the hash size, as bytes and as a Key. */
export function secret(alg: 'HS256' | 'HS384' | 'HS512' = 'HS256', kid?: string): TestSecret {
  const bytes = randomBytes(Number(alg.slice(2)) / 8);
  return { bytes, key: importSecret(bytes, kid === undefined ? { alg } : { alg, kid }) };
}
