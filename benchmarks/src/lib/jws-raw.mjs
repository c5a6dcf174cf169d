// Straightforward JWS compact helpers on node:crypto. Used to make reference
// tokens and to check what the libraries produce. Not a timed path.
import { createHmac, sign as cryptoSign, verify as cryptoVerify, timingSafeEqual } from 'node:crypto';

const HMAC_HASH = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export function b64urlJson(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parseB64urlJson(segment) {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/** Split a compact JWS and decode its header and payload (no verification). */
export function decodeJwt(token) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error(`expected 3 segments, got ${parts.length}`);
  return {
    header: parseB64urlJson(parts[0]),
    payload: parseB64urlJson(parts[1]),
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: Buffer.from(parts[2], 'base64url'),
  };
}

/**
 * Signature bytes over signingInput.
 * key: KeyObject or Buffer (HMAC); private KeyObject for RS256/ES256/EdDSA.
 */
export function rawSignature(alg, key, signingInput) {
  const data = Buffer.from(signingInput);
  if (alg in HMAC_HASH) return createHmac(HMAC_HASH[alg], key).update(data).digest();
  if (alg === 'RS256') return cryptoSign('sha256', data, key);
  if (alg === 'ES256') return cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  if (alg === 'EdDSA') return cryptoSign(null, data, key);
  if (alg === 'none') return Buffer.alloc(0);
  throw new Error(`unsupported alg ${alg}`);
}

/** A compact JWS with the given header (default {alg, typ:'JWT'}). */
export function rawSign(alg, key, payload, header = { alg, typ: 'JWT' }) {
  const signingInput = `${b64urlJson(header)}.${b64urlJson(payload)}`;
  return `${signingInput}.${rawSignature(alg, key, signingInput).toString('base64url')}`;
}

/** true when token's signature is valid for alg and key (public KeyObject, or the secret). */
export function rawVerifySignature(alg, key, token) {
  const { signingInput, signature } = decodeJwt(token);
  const data = Buffer.from(signingInput);
  if (alg in HMAC_HASH) {
    const expected = createHmac(HMAC_HASH[alg], key).update(data).digest();
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
  if (alg === 'RS256') return cryptoVerify('sha256', data, key, signature);
  if (alg === 'ES256') return cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (alg === 'EdDSA') return cryptoVerify(null, data, key, signature);
  throw new Error(`unsupported alg ${alg}`);
}
