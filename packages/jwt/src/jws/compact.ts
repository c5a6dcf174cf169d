import { JwtError } from '../errors.js';
import { type Alg, isAlg } from '../lib/algs.js';
import { decodeBase64url, isCanonicalBase64url } from '../lib/base64url.js';
import { decodeUtf8, parseJsonObject } from '../lib/json.js';
import type { JwsHeader } from './types.js';

export const DEFAULT_MAX_TOKEN_LENGTH = 8192;
const MAX_KID_LENGTH = 256;

/** Header parameters of JWE and compression: this is a JWS-only library. */
const REFUSED_PARAMETERS = ['enc', 'zip', 'p2c', 'p2s', 'epk', 'apu', 'apv', 'iv', 'tag'];

/** The positions of a compact JWS's two dots, after the length and segment-count checks. */
export interface Split {
  /** Index of the first dot. */
  readonly dot1: number;
  /** Index of the second dot; `token.slice(0, dot2)` is the signing input. */
  readonly dot2: number;
}

/**
 * Finds the two dots of a compact JWS. The length cap comes first, before any
 * scan, and a fourth segment (JWE has five) is refused.
 */
export function splitCompact(token: unknown, maxLength: number): Split {
  if (typeof token !== 'string') throw new JwtError('ERR_JWS_INVALID', 'token must be a string');
  if (token.length > maxLength) throw new JwtError('ERR_JWT_TOO_LONG', 'token is longer than maxTokenLength');
  const dot1 = token.indexOf('.');
  const dot2 = dot1 === -1 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 === -1 || token.indexOf('.', dot2 + 1) !== -1) {
    throw new JwtError('ERR_JWS_INVALID', 'a compact JWS has exactly three segments');
  }
  if (dot1 === 0) throw new JwtError('ERR_JWS_INVALID', 'the protected header is empty');
  return { dot1, dot2 };
}

/**
 * Decodes and checks a protected header: canonical base64url, strict UTF-8, a
 * JSON object without duplicates, an allowed `alg`, no `crit` (no extension is
 * implemented, so any listed one must be refused), no JWE parameters, and a
 * string `kid` of bounded length.
 */
export function parseHeader(segment: string, algorithms: ReadonlySet<string>): JwsHeader {
  const header = parseJsonObject(
    decodeUtf8(decodeBase64url(segment, 'protected header'), 'ERR_JWS_INVALID', 'protected header'),
    'ERR_JWS_INVALID',
    'protected header',
  );
  const alg = header.alg;
  if (!isAlg(alg) || !algorithms.has(alg))
    throw new JwtError('ERR_JWS_ALG_NOT_ALLOWED', 'alg is not allowed');
  if (Object.hasOwn(header, 'crit'))
    throw new JwtError('ERR_JWS_UNSUPPORTED', 'crit extensions are not supported');
  for (const name of REFUSED_PARAMETERS) {
    if (Object.hasOwn(header, name))
      throw new JwtError('ERR_JWS_UNSUPPORTED', `the ${name} header is not supported`);
  }
  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH)) {
    throw new JwtError('ERR_JWS_INVALID', 'kid must be a short string');
  }
  return header as JwsHeader;
}

/** Decodes a payload segment (possibly empty) after the canonical check. */
export function decodePayload(segment: string): Buffer {
  if (!isCanonicalBase64url(segment))
    throw new JwtError('ERR_JWS_INVALID', 'payload is not canonical base64url');
  return Buffer.from(segment, 'base64url');
}

/** Validates an `algorithms` option: required, non-empty, supported names only. */
export function algorithmSet(algorithms: unknown): ReadonlySet<Alg> {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'algorithms is required: a non-empty list such as ["EdDSA"]');
  }
  for (const alg of algorithms) {
    if (!isAlg(alg)) throw new JwtError('ERR_INVALID_OPTIONS', 'algorithms lists an unsupported algorithm');
  }
  return new Set(algorithms as Alg[]);
}
