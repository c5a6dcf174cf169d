// Builds arbitrary compact tokens with node:crypto only, so attack tests can
// forge what @tessera/jwt itself would refuse to sign: any header, any payload
// bytes, any signature bytes, any segment encoding.
import {
  createHmac,
  createSecretKey,
  constants as cryptoConstants,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import type { Key } from '../../src/index.js';

/** The frozen clock of every attack test. */
export const NOW = new Date('2026-06-01T12:00:00.000Z');
/** NOW in NumericDate seconds. */
export const NOW_S = Math.floor(NOW.getTime() / 1000);

/** Unpadded base64url of bytes or of a string's UTF-8. */
export function b64u(input: string | Uint8Array): string {
  return (typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input)).toString('base64url');
}

/**
 * A header or payload to encode: an object or array (JSON.stringify'd), a string
 * (taken as raw JSON text, so duplicates and odd numbers survive), or raw bytes.
 */
export type Part = Record<string, unknown> | unknown[] | string | Uint8Array;

/** The base64url segment of a Part. */
export function segment(part: Part): string {
  if (typeof part === 'string' || part instanceof Uint8Array) return b64u(part);
  return b64u(JSON.stringify(part));
}

/** HMAC secrets may be raw bytes, a string (UTF-8) or a secret KeyObject. */
export type SigningKey = KeyObject | Uint8Array | string;

const HASHES: Record<string, 'sha256' | 'sha384' | 'sha512'> = {
  '256': 'sha256',
  '384': 'sha384',
  '512': 'sha512',
};

/**
 * Signs `input` as the JWS algorithm `alg` would, with no checks at all: an HMAC
 * secret can be empty, an RSA key can be 512 bits, an ECDSA signature can be DER.
 */
export function rawSign(
  alg: string,
  key: SigningKey,
  input: string | Uint8Array,
  opts: { dsaEncoding?: 'der' | 'ieee-p1363' } = {},
): Buffer {
  const data = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  const hash = HASHES[alg.slice(2)];
  const family = alg.slice(0, 2);
  if (family === 'HS') {
    const secret =
      typeof key === 'string' || key instanceof Uint8Array ? createSecretKey(Buffer.from(key)) : key;
    return createHmac(hash as string, secret)
      .update(data)
      .digest();
  }
  if (typeof key === 'string' || key instanceof Uint8Array) throw new Error(`${alg} needs a KeyObject`);
  switch (family) {
    case 'RS':
      return cryptoSign(hash as string, data, key);
    case 'PS':
      return cryptoSign(hash as string, data, {
        key,
        padding: cryptoConstants.RSA_PKCS1_PSS_PADDING,
        saltLength: Number(alg.slice(2)) / 8,
      });
    case 'ES':
      return cryptoSign(hash as string, data, { key, dsaEncoding: opts.dsaEncoding ?? 'ieee-p1363' });
    default:
      if (alg !== 'EdDSA') throw new Error(`rawSign cannot sign ${alg}`);
      return cryptoSign(null, data, key);
  }
}

/** The base64url signature of `signingInput` by a private or secret Key, straight through node:crypto. */
export function rawSignature(signingInput: string, key: Key): string {
  return rawSign(key.alg, key.keyObject, signingInput).toString('base64url');
}

/** Joins segments and signs `h.p` with `key` as `alg` (or appends `signature` as given). */
export function signSegments(
  headerSegment: string,
  payloadSegment: string,
  how: { alg: string; key: SigningKey; dsaEncoding?: 'der' | 'ieee-p1363' } | { signature: string },
): string {
  const input = `${headerSegment}.${payloadSegment}`;
  if ('signature' in how) return `${input}.${how.signature}`;
  const opts = how.dsaEncoding === undefined ? {} : { dsaEncoding: how.dsaEncoding };
  return `${input}.${rawSign(how.alg, how.key, input, opts).toString('base64url')}`;
}

export interface ForgeOptions {
  header: Part;
  payload: Part;
  /** Signs with this key; without it (and without `signature`) the signature segment is empty. */
  key?: SigningKey;
  /** The algorithm to sign with; default: the header's `alg`. */
  alg?: string;
  /** Use these signature bytes, or this exact signature segment text, instead of signing. */
  signature?: Uint8Array | string;
  dsaEncoding?: 'der' | 'ieee-p1363';
}

/** Forges a compact token from any header, payload and key. */
export function forge(opts: ForgeOptions): string {
  const h = segment(opts.header);
  const p = segment(opts.payload);
  if (opts.signature !== undefined) {
    const sig = typeof opts.signature === 'string' ? opts.signature : b64u(opts.signature);
    return signSegments(h, p, { signature: sig });
  }
  if (opts.key === undefined) return signSegments(h, p, { signature: '' });
  const headerAlg =
    typeof opts.header === 'object' && !(opts.header instanceof Uint8Array) && !Array.isArray(opts.header)
      ? opts.header.alg
      : undefined;
  const alg = opts.alg ?? headerAlg;
  if (typeof alg !== 'string') throw new Error('forge: no alg to sign with');
  return signSegments(h, p, {
    alg,
    key: opts.key,
    ...(opts.dsaEncoding === undefined ? {} : { dsaEncoding: opts.dsaEncoding }),
  });
}

/** Valid claims at NOW (issued now, expire in 10 minutes), plus `extra`. */
export function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { sub: 'user-1', iat: NOW_S, exp: NOW_S + 600, ...extra };
}

/** The three segments of a compact token. */
export function parts(token: string): [string, string, string] {
  const [h, p, s] = token.split('.');
  return [h ?? '', p ?? '', s ?? ''];
}

/** Replaces the signature segment of a token. */
export function withSignature(token: string, signature: Uint8Array | string): string {
  const [h, p] = parts(token);
  return `${h}.${p}.${typeof signature === 'string' ? signature : b64u(signature)}`;
}

/** The decoded signature bytes of a token. */
export function signatureBytes(token: string): Buffer {
  return Buffer.from(parts(token)[2], 'base64url');
}
