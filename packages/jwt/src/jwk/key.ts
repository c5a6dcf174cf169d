import {
  createHmac,
  createPublicKey,
  constants as cryptoConstants,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  timingSafeEqual,
} from 'node:crypto';
import { JwtError } from '../errors.js';
import { ALGS, type Alg, type AlgSpec, isAlg, RSA_MAX_BITS, RSA_MIN_BITS } from '../lib/algs.js';
import { encodedLength } from '../lib/base64url.js';

const MAX_KID_LENGTH = 256;

/** Signs a JWS signing input (ASCII) and returns the base64url signature. */
type SignFn = (signingInput: string) => string;
/** Verifies decoded signature bytes over a JWS signing input. */
type VerifyFn = (signingInput: string, signature: Buffer) => boolean;

/**
 * A key bound to exactly one algorithm (and optionally a `kid`). It wraps a
 * `KeyObject` that was checked once, at creation, to fit that algorithm: type,
 * curve, size and exponent. A token whose header `alg` is not this key's `alg`
 * never verifies with it.
 *
 * Make keys with `generateKeyPair`, `generateSecret`, `importJwk`, `importPem`,
 * `importSecret` or `importKeyObject`.
 *
 * @example
 * const { privateKey, publicKey } = generateKeyPair('EdDSA', { kid: 'k1' });
 * publicKey.alg; // 'EdDSA'
 */
export class Key {
  readonly alg: Alg;
  readonly kid: string | undefined;
  /** `secret` (HMAC), `private` (can sign and verify) or `public` (verifies only). */
  readonly type: 'secret' | 'private' | 'public';
  readonly keyObject: KeyObject;
  /** Exact length of this key's signature in base64url characters. */
  readonly signatureLength: number;
  /** @internal */
  readonly sign: SignFn | undefined;
  /** @internal */
  readonly verify: VerifyFn;
  /** Only the constructor sets it, so only checked keys pass `instanceof Key`. */
  readonly #checked = true;

  /**
   * `instanceof Key` is a brand check: an object built on `Key.prototype` with
   * its own `alg` and `verify` (CVE-2022-23529-style key argument) is not a Key.
   */
  static [Symbol.hasInstance](value: unknown): value is Key {
    return typeof value === 'object' && value !== null && #checked in value;
  }

  /** @internal Use the import and generate functions instead. */
  constructor(alg: Alg, keyObject: KeyObject, kid?: string) {
    if (!isAlg(alg)) throw new JwtError('ERR_INVALID_OPTIONS', 'alg is not a supported algorithm');
    if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)) {
      throw new JwtError('ERR_INVALID_OPTIONS', `kid must be a string of 1 to ${MAX_KID_LENGTH} characters`);
    }
    const spec = ALGS[alg];
    const signatureBytes = checkKeyFitsAlg(alg, spec, keyObject);
    this.alg = alg;
    this.kid = kid;
    this.type = keyObject.type;
    this.keyObject = keyObject;
    this.signatureLength = encodedLength(signatureBytes);
    const verifyKey = keyObject.type === 'private' ? createPublicKey(keyObject) : keyObject;
    this.verify = makeVerify(spec, verifyKey);
    this.sign = keyObject.type === 'public' ? undefined : makeSign(spec, keyObject);
  }
}

/** Checks type, curve, size and exponent; returns the signature size in bytes. */
function checkKeyFitsAlg(alg: Alg, spec: AlgSpec, key: KeyObject): number {
  if (spec.family === 'HS') {
    if (key.type !== 'secret') throw new JwtError('ERR_KEY_INVALID', `${alg} needs a secret key`);
    if ((key.symmetricKeySize ?? 0) < spec.hashBytes) {
      throw new JwtError('ERR_KEY_WEAK', `${alg} needs a secret of at least ${spec.hashBytes} bytes`);
    }
    return spec.signatureBytes;
  }
  if (key.type === 'secret') throw new JwtError('ERR_KEY_INVALID', `${alg} needs an asymmetric key`);
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  switch (spec.family) {
    case 'RS':
    case 'PS': {
      if (type !== 'rsa' && !(spec.family === 'PS' && type === 'rsa-pss')) {
        throw new JwtError('ERR_KEY_INVALID', `${alg} needs an RSA key`);
      }
      // An RSA-PSS key may restrict its hashes and minimum salt: they must allow this alg's.
      if (
        details.hashAlgorithm !== undefined &&
        (details.hashAlgorithm !== spec.hash ||
          details.mgf1HashAlgorithm !== spec.hash ||
          (details.saltLength ?? 0) > spec.hashBytes)
      ) {
        throw new JwtError('ERR_KEY_INVALID', `the RSA-PSS key's parameters do not allow ${alg}`);
      }
      const bits = details.modulusLength ?? 0;
      if (bits < RSA_MIN_BITS)
        throw new JwtError('ERR_KEY_WEAK', `${alg} needs an RSA key of at least 2048 bits`);
      if (bits > RSA_MAX_BITS) throw new JwtError('ERR_KEY_INVALID', 'RSA keys over 8192 bits are refused');
      if (details.publicExponent !== 65537n)
        throw new JwtError('ERR_KEY_WEAK', 'RSA public exponent must be 65537');
      if (hasRocaFingerprint(key))
        throw new JwtError('ERR_KEY_WEAK', 'RSA modulus has the ROCA fingerprint (CVE-2017-15361)');
      return Math.ceil(bits / 8);
    }
    case 'ES':
      if (type !== 'ec' || details.namedCurve !== spec.curve) {
        throw new JwtError('ERR_KEY_INVALID', `${alg} needs an EC key on ${spec.crv}`);
      }
      return spec.signatureBytes;
    default:
      if (type !== 'ed25519') throw new JwtError('ERR_KEY_INVALID', 'EdDSA needs an Ed25519 key');
      return spec.signatureBytes;
  }
}

const ROCA_PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
  109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];
let rocaSubgroups: ReadonlySet<number>[] | undefined;

/**
 * ROCA (CVE-2017-15361): Infineon chips made primes `k·M + (65537^a mod M)`, so such a
 * modulus, taken mod each small prime r, lies in the subgroup that 65537 generates mod r.
 * A sound modulus does so for all these primes with probability about 4·10⁻⁹.
 */
function hasRocaFingerprint(key: KeyObject): boolean {
  let n: unknown;
  try {
    n = (key.export({ format: 'jwk' }) as { n?: unknown }).n;
  } catch {
    return false; // rsa-pss KeyObjects have no JWK form
  }
  if (typeof n !== 'string') return false;
  const modulus = BigInt(`0x${Buffer.from(n, 'base64url').toString('hex')}`);
  rocaSubgroups ??= ROCA_PRIMES.map((r) => {
    const members = new Set<number>();
    for (let x = 1; !members.has(x); x = (x * (65537 % r)) % r) members.add(x);
    return members;
  });
  const subgroups = rocaSubgroups;
  return ROCA_PRIMES.every((r, i) => subgroups[i]?.has(Number(modulus % BigInt(r))));
}

function makeSign(spec: AlgSpec, key: KeyObject): SignFn {
  const hash = spec.hash;
  switch (spec.family) {
    case 'HS':
      return (input) =>
        createHmac(hash as string, key)
          .update(input)
          .digest('base64url');
    case 'PS': {
      const opts = { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashBytes };
      return (input) => cryptoSign(hash, Buffer.from(input), opts).toString('base64url');
    }
    case 'ES': {
      const opts = { key, dsaEncoding: 'ieee-p1363' as const };
      return (input) => cryptoSign(hash, Buffer.from(input), opts).toString('base64url');
    }
    default:
      return (input) => cryptoSign(hash, Buffer.from(input), key).toString('base64url');
  }
}

function makeVerify(spec: AlgSpec, key: KeyObject): VerifyFn {
  const hash = spec.hash;
  switch (spec.family) {
    case 'HS':
      // Lengths were checked by the caller; timingSafeEqual keeps the compare constant-time.
      return (input, signature) =>
        timingSafeEqual(
          createHmac(hash as string, key)
            .update(input)
            .digest(),
          signature,
        );
    case 'PS': {
      const opts = { key, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashBytes };
      return (input, signature) => cryptoVerify(hash, Buffer.from(input), opts, signature);
    }
    case 'ES': {
      const opts = { key, dsaEncoding: 'ieee-p1363' as const };
      return (input, signature) => cryptoVerify(hash, Buffer.from(input), opts, signature);
    }
    default:
      return (input, signature) => cryptoVerify(hash, Buffer.from(input), key, signature);
  }
}
