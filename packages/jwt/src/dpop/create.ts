import { randomBytes } from 'node:crypto';
import { JwtError } from '../errors.js';
import { exportJwk, requiredMembers } from '../jwk/export.js';
import { Key } from '../jwk/key.js';
import { isHmacAlg } from '../lib/algs.js';
import { encodeBase64url } from '../lib/base64url.js';
import { isHttpToken } from '../lib/headers.js';
import { checkNow } from '../lib/time.js';
import { accessTokenHash, htuOf } from './htu.js';

/** What a DPoP proof says about its request. */
export interface CreateDpopProofOptions {
  /** The HTTP method, e.g. `'GET'`. */
  htm: string;
  /** The request URL; its query and fragment are dropped (normalizeHtu). */
  htu: string | URL;
  /** The access token sent with the proof: its hash becomes `ath`. */
  accessToken?: string;
  /** A precomputed `ath` (accessTokenHash); not together with accessToken. */
  ath?: string;
  /** The nonce the server asked for (its `DPoP-Nonce` header). */
  nonce?: string;
  /** The proof's `jti`. Default: 128 random bits. */
  jti?: string;
  /** The time of `iat`. Default: now. */
  now?: Date;
}

/**
 * Creates a DPoP proof (RFC 9449 §4.2): a compact JWS with the header
 * `{ typ: 'dpop+jwt', alg, jwk }`, where `jwk` is the public key (its RFC 7638
 * required members only), signed with the private key; the payload holds
 * `jti`, `htm`, `htu`, `iat`, and `ath` and `nonce` when given. A browser makes
 * the same bytes with WebCrypto (see the README).
 *
 * @example
 * const { privateKey } = generateKeyPair('ES256');
 * const proof = createDpopProof(privateKey, { htm: 'GET', htu: 'https://api.example.com/orders', accessToken });
 * fetch(url, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
 */
export function createDpopProof(key: Key, opts: CreateDpopProofOptions): string {
  if (!(key instanceof Key) || key.type !== 'private' || isHmacAlg(key.alg) || key.sign === undefined) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'a DPoP proof is signed with an asymmetric private key');
  }
  if (typeof opts !== 'object' || opts === null)
    throw new JwtError('ERR_INVALID_OPTIONS', 'options are required');
  if (!isHttpToken(opts.htm)) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'htm must be an HTTP method such as "GET"');
  }
  const htu = htuOf(opts.htu instanceof URL ? opts.htu.href : opts.htu);
  if (htu === undefined) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'htu must be an http: or https: URL without credentials');
  }
  if (opts.accessToken !== undefined && opts.ath !== undefined) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'give accessToken or ath, not both');
  }
  for (const name of ['ath', 'nonce', 'jti'] as const) {
    const value = opts[name];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw new JwtError('ERR_INVALID_OPTIONS', `${name} must be a non-empty string`);
    }
  }
  checkNow(opts.now);
  const header = { typ: 'dpop+jwt', alg: key.alg, jwk: requiredMembers(exportJwk(key)) };
  const payload: Record<string, unknown> = {
    jti: opts.jti ?? randomBytes(16).toString('base64url'),
    htm: opts.htm,
    htu,
    iat: Math.floor((opts.now?.getTime() ?? Date.now()) / 1000),
  };
  const ath = opts.accessToken === undefined ? opts.ath : accessTokenHash(opts.accessToken);
  if (ath !== undefined) payload.ath = ath;
  if (opts.nonce !== undefined) payload.nonce = opts.nonce;
  const signingInput = `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(JSON.stringify(payload))}`;
  return `${signingInput}.${key.sign(signingInput)}`;
}
