import { JwtError } from '../errors.js';
import { importJwk } from '../jwk/import.js';
import { Key } from '../jwk/key.js';
import { type Jwk, PRIVATE_MEMBERS } from '../jwk/types.js';
import { type Alg, isAlg } from '../lib/algs.js';

/** The most keys a set may hold: a bigger JWKS is refused (it is a DoS lever). */
export const MAX_KEYS = 100;

/**
 * A set of keys, looked up by the `kid` and `alg` of a token's protected header.
 * A key is only ever picked by exact `kid` match (or, for a header without `kid`,
 * when exactly one key has the header's `alg`), and its bound `alg` must equal
 * the header's. Never by `jwk`, `jku`, `x5u` or `x5c`.
 */
export class KeySet {
  readonly keys: readonly Key[];
  private readonly byKid = new Map<string, Key>();
  private readonly withoutKid: Key[] = [];
  /** Only the constructor sets it, so only checked sets pass `instanceof KeySet`. */
  readonly #checked = true;

  /** `instanceof KeySet` is a brand check: an object built on `KeySet.prototype` is not a KeySet. */
  static [Symbol.hasInstance](value: unknown): value is KeySet {
    return typeof value === 'object' && value !== null && #checked in value;
  }

  /** @internal Use createKeySet. */
  constructor(keys: readonly Key[]) {
    if (keys.length > MAX_KEYS)
      throw new JwtError('ERR_JWKS_INVALID', `a key set holds at most ${MAX_KEYS} keys`);
    let secret = false;
    let asymmetric = false;
    for (const key of keys) {
      if (!(key instanceof Key)) throw new JwtError('ERR_JWKS_INVALID', 'a key set holds Key objects only');
      if (key.type === 'secret') secret = true;
      else asymmetric = true;
      if (key.kid === undefined) this.withoutKid.push(key);
      else if (this.byKid.has(key.kid)) throw new JwtError('ERR_JWKS_INVALID', 'duplicate kid in key set');
      else this.byKid.set(key.kid, key);
    }
    // A set that mixes HMAC secrets with public keys invites key confusion.
    if (secret && asymmetric)
      throw new JwtError('ERR_JWKS_INVALID', 'a key set mixes secret and asymmetric keys');
    this.keys = Object.freeze([...keys]);
  }

  /**
   * The key for a header's `alg` and `kid`, or undefined.
   *
   * @example
   * const key = keySet.find('EdDSA', '2026-11');
   */
  find(alg: string, kid: string | undefined): Key | undefined {
    if (kid !== undefined) {
      const key = this.byKid.get(kid);
      return key !== undefined && key.alg === alg ? key : undefined;
    }
    let found: Key | undefined;
    for (const key of this.keys) {
      if (key.alg !== alg) continue;
      if (found !== undefined) return undefined; // ambiguous: refuse rather than guess
      found = key;
    }
    return found;
  }

  /** Like `find`, but throws `ERR_JWKS_NO_MATCHING_KEY`. */
  resolve(alg: Alg, kid: string | undefined): Key {
    const key = this.find(alg, kid);
    if (key === undefined) throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'no key matches the token header');
    return key;
  }
}

/**
 * Builds a key set from Keys or from a JWKS object. In a JWKS, keys that can't
 * sign (`use: "enc"`, unsupported types, RSA keys without `alg`) are skipped;
 * a malformed set, a duplicate `kid`, or a mix of secret and public keys throws.
 *
 * @example
 * const keys = createKeySet(JSON.parse(readFileSync('jwks.json', 'utf8')));
 * const { payload } = verifyJwt(token, keys, { algorithms: ['EdDSA'], issuer, audience });
 */
export function createKeySet(source: { keys: Jwk[] } | Key[], opts: { publicOnly?: boolean } = {}): KeySet {
  if (Array.isArray(source)) return new KeySet(source);
  return new KeySet(keysFromJwks(source, opts.publicOnly ?? false));
}

/** Imports the usable signature keys of a JWKS object. */
export function keysFromJwks(jwks: unknown, publicOnly: boolean): Key[] {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray((jwks as { keys?: unknown }).keys)) {
    throw new JwtError('ERR_JWKS_INVALID', 'a JWKS is an object with a keys array');
  }
  const list = (jwks as { keys: unknown[] }).keys;
  if (list.length > MAX_KEYS) throw new JwtError('ERR_JWKS_INVALID', `a JWKS holds at most ${MAX_KEYS} keys`);
  const keys: Key[] = [];
  for (const jwk of list) {
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
      throw new JwtError('ERR_JWKS_INVALID', 'a JWKS entry is not an object');
    }
    if (publicOnly && PRIVATE_MEMBERS.some((m) => Object.hasOwn(jwk, m))) {
      throw new JwtError('ERR_JWKS_INVALID', 'a public JWKS must not contain private or secret key members');
    }
    const key = importUsable(jwk as Jwk);
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

function importUsable(jwk: Jwk): Key | undefined {
  // Keys that can't verify a JWS of ours are skipped, so a real issuer's mixed JWKS still works:
  // encryption keys, unsupported types or algorithms, and RSA/oct keys without an alg to bind.
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify') && !jwk.key_ops.includes('sign'))
    return undefined;
  if (!isSupportedKind(jwk)) return undefined;
  if (jwk.alg === undefined ? jwk.kty === 'RSA' || jwk.kty === 'oct' : !isAlg(jwk.alg)) return undefined;
  try {
    return importJwk(jwk);
  } catch (err) {
    // A broken key of a kind we do verify with (off-curve point, weak RSA…) makes the set invalid.
    throw new JwtError('ERR_JWKS_INVALID', 'a JWKS key is invalid', { cause: err });
  }
}

function isSupportedKind(jwk: Jwk): boolean {
  if (jwk.kty === 'EC') return jwk.crv === 'P-256' || jwk.crv === 'P-384' || jwk.crv === 'P-521';
  if (jwk.kty === 'OKP') return jwk.crv === 'Ed25519';
  return jwk.kty === 'RSA' || jwk.kty === 'oct';
}
