import { constants, createHmac, sign } from 'node:crypto';
import type { Key } from '../../src/index.js';

/** base64url of bytes or of a string's UTF-8. */
export function b64u(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url');
}

/**
 * Signs `signingInput` with a private or secret Key straight through node:crypto,
 * bypassing signJws: for tokens whose protected header signJws would never
 * write (other member order or whitespace, duplicates, refused parameters).
 */
export function rawSignature(signingInput: string, key: Key): string {
  const data = Buffer.from(signingInput, 'ascii');
  const bits = key.alg.slice(2);
  const hash = `sha${bits}`;
  switch (key.alg.slice(0, 2)) {
    case 'HS':
      return createHmac(hash, key.keyObject).update(data).digest('base64url');
    case 'RS':
      return sign(hash, data, key.keyObject).toString('base64url');
    case 'PS':
      return sign(hash, data, {
        key: key.keyObject,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: Number(bits) / 8,
      }).toString('base64url');
    case 'ES':
      return sign(hash, data, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    default:
      return sign(null, data, key.keyObject).toString('base64url');
  }
}

/** A compact JWS from any header JSON text and payload, signed raw with `key`. */
export function rawJws(headerJson: string, payload: string | Uint8Array, key: Key): string {
  const input = `${b64u(headerJson)}.${b64u(payload)}`;
  return `${input}.${rawSignature(input, key)}`;
}
