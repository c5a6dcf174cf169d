import { JwtError } from '../errors.js';
import { Key } from '../jwk/key.js';
import { KeySet } from '../jwks/key-set.js';
import { RemoteKeySet } from '../jwks/remote.js';
import { algorithmSet, DEFAULT_MAX_TOKEN_LENGTH, parseHeader, splitCompact } from '../jws/compact.js';
import { checkSignature, selectKey } from '../jws/signature.js';
import type { JwsHeader } from '../jws/types.js';
import { decodeBase64url } from '../lib/base64url.js';
import { decodeUtf8, parseJsonObject } from '../lib/json.js';
import { VerifiedTokenCache } from './cache.js';
import { type ClaimRules, checkClaims, checkTyp, compileRules } from './claims.js';
import type { JwtClaims, VerifiedJwt, VerifyOptions } from './types.js';

/** Options of the verified-token cache of createVerifier. */
export interface VerifyCacheOptions {
  /** The most tokens kept. Default 1000. */
  maxEntries?: number;
}

/** A verifier over local keys: `verify` is synchronous. */
export interface Verifier {
  /** Verifies a token or throws a JwtError. */
  verify(token: string): VerifiedJwt;
}

/** A verifier over a remote JWKS: `verify` may have to fetch keys first. */
export interface RemoteVerifier {
  /** Verifies a token, fetching the JWKS when needed; rejects with a JwtError. */
  verify(token: string): Promise<VerifiedJwt>;
  /**
   * Verifies with the keys already fetched, without a promise. Throws
   * `ERR_JWKS_NO_MATCHING_KEY` when the key is not known yet: then call `verify`.
   */
  verifySync(token: string): VerifiedJwt;
}

type CreateOptions<K> = VerifyOptions & { keys: K; cache?: boolean | VerifyCacheOptions };

const HEADER_CACHE_SIZE = 32;

/** A decoded, checked protected header, and the key it selected from the last key set used. */
interface HeaderEntry {
  readonly header: JwsHeader;
  key: Key | undefined;
  keySet: Key | KeySet | undefined;
}

/**
 * Makes a verifier: options are checked once (a missing `algorithms` throws
 * here, not at the first token), decoded headers are memoized, and with
 * `cache` verified tokens are remembered until they expire.
 *
 * @example
 * const verifier = createVerifier({
 *   keys: publicKey, algorithms: ['EdDSA'], issuer: 'https://auth.example.com', audience: 'api',
 * });
 * const { payload } = verifier.verify(token);
 */
export function createVerifier(opts: CreateOptions<Key | KeySet>): Verifier;
export function createVerifier(opts: CreateOptions<RemoteKeySet>): RemoteVerifier;
export function createVerifier(opts: CreateOptions<Key | KeySet | RemoteKeySet>): Verifier | RemoteVerifier {
  if (typeof opts !== 'object' || opts === null)
    throw new JwtError('ERR_INVALID_OPTIONS', 'options are required');
  const algorithms = algorithmSet(opts.algorithms);
  const rules = compileRules(opts);
  const maxLength = opts.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength <= 0) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'maxTokenLength must be a positive integer');
  }
  const keys = opts.keys;
  if (keys instanceof Key && !algorithms.has(keys.alg)) {
    throw new JwtError('ERR_INVALID_OPTIONS', "the key's alg is not in algorithms");
  }
  if (!(keys instanceof Key || keys instanceof KeySet || keys instanceof RemoteKeySet)) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'keys must be a Key, a KeySet or a RemoteKeySet');
  }
  const cache = makeCache(opts.cache);
  const headers = new Map<string, HeaderEntry>();

  const verifyWith = (token: string, keySet: Key | KeySet, version: number): VerifiedJwt => {
    const nowMs = rules.now === undefined ? Date.now() : rules.now.getTime();
    // Length first: a multi-megabyte string must not even be hashed for the cache lookup.
    if (cache !== undefined && typeof token === 'string' && token.length <= maxLength) {
      const hit = cache.get(token, nowMs, version);
      if (hit !== undefined) return hit;
    }
    const { dot1, dot2 } = splitCompact(token, maxLength);
    const headerSegment = token.slice(0, dot1);
    let entry = headers.get(headerSegment);
    if (entry === undefined) {
      const header = parseHeader(headerSegment, algorithms);
      checkTyp(header, rules);
      if (headers.size >= HEADER_CACHE_SIZE) headers.clear();
      entry = { header: Object.freeze(header), key: undefined, keySet: undefined };
      headers.set(headerSegment, entry);
    }
    // Key selection depends only on the header and the key set: remembered until the set changes.
    let key = entry.keySet === keySet ? entry.key : undefined;
    if (key === undefined) {
      key = selectKey(keySet, entry.header);
      entry.key = key;
      entry.keySet = keySet;
    }
    const payload = parseClaims(token.slice(dot1 + 1, dot2));
    checkSignature(key, token.slice(0, dot2), token.slice(dot2 + 1));
    checkClaims(payload, rules, nowMs / 1000);
    const result: VerifiedJwt = { header: entry.header, payload };
    if (cache === undefined) return result;
    return remember(cache, token, result, rules, version);
  };

  if (!(keys instanceof RemoteKeySet)) {
    return { verify: (token: string) => verifyWith(token, keys, 0) };
  }
  const remote = keys;
  const verifySync = (token: string): VerifiedJwt => {
    const set = remote.current();
    if (set === undefined)
      throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'the JWKS has not been fetched yet');
    return verifyWith(token, set, remote.version);
  };
  return {
    verifySync,
    verify(token: string): Promise<VerifiedJwt> {
      try {
        return Promise.resolve(verifySync(token));
      } catch (err) {
        if (!(err instanceof JwtError) || err.code !== 'ERR_JWKS_NO_MATCHING_KEY') return Promise.reject(err);
      }
      return verifyAfterFetch(remote, token, algorithms, maxLength, verifySync);
    },
  };
}

/** The slow path: find the header's key remotely (one fetch at most), then verify synchronously. */
async function verifyAfterFetch(
  remote: RemoteKeySet,
  token: string,
  algorithms: ReadonlySet<string>,
  maxLength: number,
  verifySync: (token: string) => VerifiedJwt,
): Promise<VerifiedJwt> {
  const { dot1 } = splitCompact(token, maxLength);
  const header = parseHeader(token.slice(0, dot1), algorithms);
  await remote.getKey(header.alg, header.kid);
  return verifySync(token);
}

function parseClaims(segment: string): JwtClaims {
  if (segment.length === 0) throw new JwtError('ERR_JWT_INVALID', 'a JWT payload cannot be empty');
  const text = decodeUtf8(decodeBase64url(segment, 'payload'), 'ERR_JWT_INVALID', 'payload');
  return parseJsonObject(text, 'ERR_JWT_INVALID', 'payload') as JwtClaims;
}

function makeCache(option: boolean | VerifyCacheOptions | undefined): VerifiedTokenCache | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== true) {
    if (typeof option !== 'object' || option === null) {
      throw new JwtError('ERR_INVALID_OPTIONS', 'cache must be a boolean or { maxEntries }');
    }
    for (const name of Object.keys(option)) {
      if (name !== 'maxEntries')
        throw new JwtError('ERR_INVALID_OPTIONS', `unknown cache option ${JSON.stringify(name)}`);
    }
  }
  const maxEntries = option === true ? 1000 : (option.maxEntries ?? 1000);
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'cache.maxEntries must be a positive integer');
  }
  return new VerifiedTokenCache(maxEntries);
}

function remember(
  cache: VerifiedTokenCache,
  token: string,
  result: VerifiedJwt,
  rules: ClaimRules,
  version: number,
): VerifiedJwt {
  const { exp, nbf, iat } = result.payload;
  // A token without exp is never cached: there is no bound on how long it could be served.
  if (typeof exp !== 'number') return result;
  const slack = rules.tolerance * 1000;
  let until = exp * 1000 + slack;
  if (rules.maxTokenAge !== undefined && typeof iat === 'number') {
    until = Math.min(until, (iat + rules.maxTokenAge) * 1000 + slack);
  }
  const from = typeof nbf === 'number' ? nbf * 1000 - slack : Number.NEGATIVE_INFINITY;
  return cache.set(token, result, from, until, version);
}

/**
 * Verifies a JWT in one call: compact JWS, the `algorithms` allow-list, the key's
 * bound alg, then the claims. For many tokens, `createVerifier` is faster.
 *
 * @example
 * const { payload } = verifyJwt(token, publicKey, {
 *   algorithms: ['EdDSA'], issuer: 'https://auth.example.com', audience: 'api',
 * });
 */
export function verifyJwt(token: string, keys: Key | KeySet, opts: VerifyOptions): VerifiedJwt {
  if (keys instanceof RemoteKeySet) {
    throw new JwtError(
      'ERR_INVALID_OPTIONS',
      'verifyJwt is synchronous: use createVerifier with a RemoteKeySet',
    );
  }
  return createVerifier({ ...opts, keys }).verify(token);
}
