import {
  createECDH,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type KeyObject,
  X509Certificate,
} from 'node:crypto';
import { JwtError } from '../errors.js';
import { ALGS, type Alg, type HmacAlg, isAlg, isHmacAlg } from '../lib/algs.js';
import { decodeBase64url, encodedLength, isCanonicalBase64url } from '../lib/base64url.js';
import { Key } from './key.js';
import type { Jwk } from './types.js';

/**
 * Imports a JWK. The algorithm comes from `opts.alg` or the JWK's `alg`; when both
 * are given they must agree. EC and Ed25519 keys without either get the one
 * algorithm their curve allows; RSA and `oct` keys must name theirs. Private JWKs
 * give private keys. Keys marked for encryption (`use: "enc"`, `key_ops` without
 * sign/verify) are refused.
 *
 * @example
 * const key = importJwk({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
 * key.alg; // 'EdDSA'
 */
export function importJwk(jwk: Jwk, opts: { alg?: Alg } = {}): Key {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new JwtError('ERR_KEY_INVALID', 'JWK must be an object');
  }
  const alg = jwkAlg(jwk, opts.alg);
  if (jwk.use !== undefined && jwk.use !== 'sig')
    throw new JwtError('ERR_KEY_INVALID', 'JWK use is not "sig"');
  const isPrivate = jwk.d !== undefined;
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops;
    if (!Array.isArray(ops) || !(ops.includes('sign') || ops.includes('verify'))) {
      throw new JwtError('ERR_KEY_INVALID', 'JWK key_ops does not allow signatures');
    }
  }
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string')
    throw new JwtError('ERR_KEY_INVALID', 'JWK kid is not a string');
  let keyObject: KeyObject;
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string' || !isCanonicalBase64url(jwk.k)) {
      throw new JwtError('ERR_KEY_INVALID', 'JWK k is not base64url');
    }
    keyObject = createSecretKey(decodeBase64url(jwk.k, 'JWK k'));
  } else {
    checkJwkMembers(jwk, alg);
    try {
      keyObject = isPrivate
        ? createPrivateKey({ key: jwk as never, format: 'jwk' })
        : createPublicKey({ key: jwk as never, format: 'jwk' });
    } catch (cause) {
      throw new JwtError('ERR_KEY_INVALID', 'JWK is not a valid key', { cause });
    }
    if (isPrivate) checkPublicMembersMatch(jwk, keyObject);
  }
  return new Key(alg, keyObject, jwk.kid);
}

/**
 * A private JWK's public members must describe the key its `d` makes, or its
 * thumbprint and JWKS entry would name another key. node:crypto derives
 * Ed25519 and RSA public keys from the private parts but takes an EC JWK's
 * x/y as given, so the EC point is recomputed from `d` here.
 */
function checkPublicMembersMatch(jwk: Jwk, keyObject: KeyObject): void {
  const derived = createPublicKey(keyObject).export({ format: 'jwk' }) as Jwk;
  if (jwk.kty === 'EC') {
    const ecdh = createECDH(keyObject.asymmetricKeyDetails?.namedCurve as string);
    ecdh.setPrivateKey(Buffer.from(jwk.d as string, 'base64url'));
    const point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y
    const size = (point.length - 1) / 2;
    derived.x = point.subarray(1, 1 + size).toString('base64url');
    derived.y = point.subarray(1 + size).toString('base64url');
  }
  for (const member of ['x', 'y', 'n', 'e'] as const) {
    if (jwk[member] !== undefined && derived[member] !== jwk[member]) {
      throw new JwtError('ERR_KEY_INVALID', 'JWK public members do not match its private key');
    }
  }
}

function jwkAlg(jwk: Jwk, requested: Alg | undefined): Alg {
  if (requested !== undefined && !isAlg(requested))
    throw new JwtError('ERR_INVALID_OPTIONS', 'alg is not supported');
  if (jwk.alg !== undefined) {
    if (!isAlg(jwk.alg)) throw new JwtError('ERR_KEY_INVALID', 'JWK alg is not a supported algorithm');
    if (requested !== undefined && requested !== jwk.alg) {
      throw new JwtError('ERR_KEY_ALG_MISMATCH', 'JWK alg and the requested alg differ');
    }
    return jwk.alg;
  }
  if (requested !== undefined) return requested;
  if (jwk.kty === 'EC') {
    const alg = ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const)[jwk.crv as 'P-256'];
    if (alg !== undefined) return alg;
  }
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new JwtError('ERR_KEY_INVALID', 'JWK has no alg and none was given');
}

/** kty/crv must fit the algorithm before node:crypto sees the JWK. */
function checkJwkMembers(jwk: Jwk, alg: Alg): void {
  const spec = ALGS[alg];
  const wanted =
    spec.family === 'ES' ? 'EC' : spec.family === 'EdDSA' ? 'OKP' : spec.family === 'HS' ? 'oct' : 'RSA';
  if (jwk.kty !== wanted) throw new JwtError('ERR_KEY_INVALID', `JWK kty does not fit ${alg}`);
  if (spec.crv !== undefined && jwk.crv !== spec.crv)
    throw new JwtError('ERR_KEY_INVALID', `JWK crv does not fit ${alg}`);
  for (const member of ['n', 'e', 'x', 'y', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
    const value = jwk[member];
    if (value !== undefined && (typeof value !== 'string' || !isCanonicalBase64url(value))) {
      throw new JwtError('ERR_KEY_INVALID', `JWK ${member} is not base64url`);
    }
  }
  if (spec.family === 'ES') {
    // RFC 7518 §6.2.1.2: x, y and d are exactly the curve's size; node:crypto also takes a leading zero byte.
    const size = encodedLength(spec.signatureBytes / 2);
    for (const member of ['x', 'y', 'd'] as const) {
      const value = jwk[member];
      if (value !== undefined && value.length !== size) {
        throw new JwtError('ERR_KEY_INVALID', `JWK ${member} is not the size of a ${spec.crv} coordinate`);
      }
    }
  }
}

/**
 * Imports a PEM key: SPKI public key, PKCS#8 private key, or an X.509 certificate
 * (its public key). PKCS#1 RSA and SEC1 EC PEMs work too.
 *
 * @example
 * const publicKey = importPem(readFileSync('issuer.pub.pem', 'utf8'), { alg: 'RS256', kid: 'main' });
 */
export function importPem(pem: string, opts: { alg: Alg; kid?: string }): Key {
  if (typeof pem !== 'string') throw new JwtError('ERR_KEY_INVALID', 'PEM must be a string');
  if (!isAlg(opts?.alg) || ALGS[opts.alg].family === 'HS') {
    throw new JwtError('ERR_INVALID_OPTIONS', 'importPem needs an asymmetric alg');
  }
  let keyObject: KeyObject;
  try {
    if (pem.includes('-----BEGIN CERTIFICATE-----')) keyObject = new X509Certificate(pem).publicKey;
    else if (pem.includes('PRIVATE KEY-----')) keyObject = createPrivateKey({ key: pem, format: 'pem' });
    else keyObject = createPublicKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new JwtError('ERR_KEY_INVALID', 'PEM is not a valid key', { cause });
  }
  return new Key(opts.alg, keyObject, opts.kid);
}

/**
 * Imports a raw HMAC secret (bytes, or a string taken as UTF-8). It must be at
 * least as long as the hash: 32, 48 or 64 bytes.
 *
 * @example
 * const key = importSecret(process.env.JWT_SECRET!, { alg: 'HS256' });
 */
export function importSecret(secret: Uint8Array | string, opts: { alg: HmacAlg; kid?: string }): Key {
  if (!isHmacAlg(opts?.alg)) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'importSecret needs HS256, HS384 or HS512');
  }
  let bytes: Buffer;
  if (typeof secret === 'string') bytes = Buffer.from(secret, 'utf8');
  else if (secret instanceof Uint8Array) bytes = Buffer.from(secret);
  else throw new JwtError('ERR_KEY_INVALID', 'secret must be a Uint8Array or a string');
  if (bytes.length === 0) throw new JwtError('ERR_KEY_WEAK', 'secret is empty');
  return new Key(opts.alg, createSecretKey(bytes), opts.kid);
}

/**
 * Wraps an existing `KeyObject`, binding it to `alg` after the same checks as every import.
 *
 * @example
 * const key = importKeyObject(crypto.createPublicKey(pem), { alg: 'ES256' });
 */
export function importKeyObject(keyObject: KeyObject, opts: { alg: Alg; kid?: string }): Key {
  if (typeof keyObject !== 'object' || keyObject === null || typeof keyObject.type !== 'string') {
    throw new JwtError('ERR_KEY_INVALID', 'keyObject must be a node:crypto KeyObject');
  }
  return new Key(opts.alg, keyObject, opts.kid);
}
