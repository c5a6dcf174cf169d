/** The JWS algorithms @tessera/jwt implements. `none` is not one of them, by design. */
export type Alg =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

export type HmacAlg = 'HS256' | 'HS384' | 'HS512';

export type AlgFamily = 'HS' | 'RS' | 'PS' | 'ES' | 'EdDSA';

export interface AlgSpec {
  readonly family: AlgFamily;
  /** node:crypto digest name; null for EdDSA (the hash is part of the scheme). */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
  /** Hash output in bytes: the minimum HMAC key size and the PSS salt length. */
  readonly hashBytes: number;
  /** Fixed signature size in bytes, or 0 when it depends on the key (RSA). */
  readonly signatureBytes: number;
  /** node:crypto curve name for ES*. */
  readonly curve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
  /** JWK `crv` for ES* and EdDSA. */
  readonly crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
}

export const ALGS: Readonly<Record<Alg, AlgSpec>> = {
  HS256: { family: 'HS', hash: 'sha256', hashBytes: 32, signatureBytes: 32 },
  HS384: { family: 'HS', hash: 'sha384', hashBytes: 48, signatureBytes: 48 },
  HS512: { family: 'HS', hash: 'sha512', hashBytes: 64, signatureBytes: 64 },
  RS256: { family: 'RS', hash: 'sha256', hashBytes: 32, signatureBytes: 0 },
  RS384: { family: 'RS', hash: 'sha384', hashBytes: 48, signatureBytes: 0 },
  RS512: { family: 'RS', hash: 'sha512', hashBytes: 64, signatureBytes: 0 },
  PS256: { family: 'PS', hash: 'sha256', hashBytes: 32, signatureBytes: 0 },
  PS384: { family: 'PS', hash: 'sha384', hashBytes: 48, signatureBytes: 0 },
  PS512: { family: 'PS', hash: 'sha512', hashBytes: 64, signatureBytes: 0 },
  ES256: {
    family: 'ES',
    hash: 'sha256',
    hashBytes: 32,
    signatureBytes: 64,
    curve: 'prime256v1',
    crv: 'P-256',
  },
  ES384: {
    family: 'ES',
    hash: 'sha384',
    hashBytes: 48,
    signatureBytes: 96,
    curve: 'secp384r1',
    crv: 'P-384',
  },
  ES512: {
    family: 'ES',
    hash: 'sha512',
    hashBytes: 64,
    signatureBytes: 132,
    curve: 'secp521r1',
    crv: 'P-521',
  },
  EdDSA: { family: 'EdDSA', hash: null, hashBytes: 64, signatureBytes: 64, crv: 'Ed25519' },
  // RFC 9864's fully-specified name for the same signature. A key is bound to one of the two
  // names, so a token must name the key's: Node's WebCrypto exports Ed25519 JWKs with this one.
  Ed25519: { family: 'EdDSA', hash: null, hashBytes: 64, signatureBytes: 64, crv: 'Ed25519' },
};

/** True for exactly the supported algorithm names (case-sensitive; never `none`). */
export function isAlg(value: unknown): value is Alg {
  return typeof value === 'string' && Object.hasOwn(ALGS, value);
}

/** RSA moduli outside these bounds are refused: too weak below, a DoS lever above. */
export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 8192;

/**
 * True for HS256, HS384 and HS512: the algorithms whose key is a shared secret.
 *
 * @example
 * isHmacAlg('HS384'); // true
 * isHmacAlg('ES256'); // false
 */
export function isHmacAlg(value: unknown): value is HmacAlg {
  return isAlg(value) && ALGS[value].family === 'HS';
}
