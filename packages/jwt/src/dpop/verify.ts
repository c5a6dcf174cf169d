import { JwtError } from '../errors.js';
import { jwkThumbprint } from '../jwk/export.js';
import { importJwk } from '../jwk/import.js';
import type { Key } from '../jwk/key.js';
import { type Jwk, PRIVATE_MEMBERS } from '../jwk/types.js';
import { algorithmSet, decodePayload, parseHeader, splitCompact } from '../jws/compact.js';
import { checkSignature } from '../jws/signature.js';
import type { JwsHeader } from '../jws/types.js';
import { type Alg, isHmacAlg } from '../lib/algs.js';
import { decodeUtf8, parseJsonObject } from '../lib/json.js';
import { checkNow, toSeconds } from '../lib/time.js';
import { accessTokenHash, htuOf } from './htu.js';

/** Options of verifyDpopProof: the request the proof must be for, and the limits. */
export interface VerifyDpopProofOptions {
  /** The request's method, e.g. `'POST'` (compared exactly). */
  htm: string;
  /** The request's URL as the client saw it (behind a proxy: the public base URL plus the path). */
  htu: string | URL;
  /** The allow-list of proof algorithms: asymmetric ones only, e.g. `['ES256', 'EdDSA']`. */
  algorithms: Alg[];
  /** The access token that came with the proof: `ath` must be its hash. */
  accessToken?: string;
  /** The thumbprint the access token is bound to (its `cnf.jkt`): the proof's key must have it. */
  expectedJkt?: string;
  /** The nonce this server handed out (`DPoP-Nonce`): the proof must carry it. */
  nonce?: string;
  /** How old a proof may be (against `iat`), seconds or `'60s'`. Default 60 s. */
  maxAge?: number | string;
  /** Clock skew allowed on `iat` both ways, seconds or `'5s'`; at most 60 s. Default 5 s. */
  clockTolerance?: number | string;
  /** Longer proofs are refused before any parsing. Default 4096 characters. */
  maxProofLength?: number;
  /** The current time. Default: now. */
  now?: Date;
}

/** A proof that passed every check. */
export interface VerifiedDpopProof {
  header: JwsHeader;
  payload: Record<string, unknown>;
  /** The RFC 7638 thumbprint of the proof's key: what `cnf.jkt` of a bound token names. */
  jkt: string;
  jti: string;
  iat: number;
  /** The last epoch ms at which the iat window still accepts this proof: how long a replay cache keeps it. */
  expiresAt: number;
}

const MAX_JTI_LENGTH = 256;
const MAX_TOLERANCE = 60;

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) for one request: its size before any
 * parsing, a compact JWS with `typ: dpop+jwt` and an allowed asymmetric `alg`,
 * the embedded public `jwk` (no private member; imported with the hardened
 * importJwk under the header's alg, and the only key ever used), `htm`, `htu`
 * (normalized, without query and fragment), `iat` within the window, and, when
 * given, `nonce`, `ath` and the key's thumbprint. Every failure is a JwtError
 * with an ERR_DPOP_* code. Replays are checked apart (checkDpopReplay).
 *
 * @example
 * const proof = verifyDpopProof(req.headers.dpop, {
 *   htm: req.method, htu: `https://api.example.com${req.path}`, algorithms: ['ES256', 'EdDSA'],
 *   accessToken, expectedJkt: claims.cnf.jkt,
 * });
 * await checkDpopReplay(replays, proof);
 */
export function verifyDpopProof(proof: string, opts: VerifyDpopProofOptions): VerifiedDpopProof {
  const rules = compileOptions(opts);
  if (typeof proof !== 'string' || proof.length > rules.maxLength) {
    throw invalid('the DPoP proof is missing or too long');
  }
  const { dot1, dot2 } = translate(() => splitCompact(proof, rules.maxLength));
  const header = translate(() => parseHeader(proof.slice(0, dot1), rules.algorithms));
  if (header.typ !== 'dpop+jwt') throw invalid('the DPoP proof typ is not dpop+jwt');
  const jwk = publicJwk(header.jwk);
  const payload = translate(() =>
    parseJsonObject(
      decodeUtf8(decodePayload(proof.slice(dot1 + 1, dot2)), 'ERR_DPOP_INVALID', 'the DPoP proof payload'),
      'ERR_DPOP_INVALID',
      'the DPoP proof payload',
    ),
  );
  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw invalid('the DPoP proof jti must be a short string');
  }
  if (
    typeof htm !== 'string' ||
    typeof htu !== 'string' ||
    typeof iat !== 'number' ||
    !Number.isFinite(iat)
  ) {
    throw invalid('the DPoP proof needs htm, htu and iat');
  }
  if (htm !== opts.htm) throw new JwtError('ERR_DPOP_HTM_MISMATCH', 'the DPoP proof is for another method');
  if (htuOf(htu) !== rules.htu)
    throw new JwtError('ERR_DPOP_HTU_MISMATCH', 'the DPoP proof is for another URL');
  const now = (opts.now?.getTime() ?? Date.now()) / 1000;
  if (iat > now + rules.tolerance || iat < now - rules.maxAge - rules.tolerance) {
    throw new JwtError('ERR_DPOP_IAT', 'the DPoP proof iat is outside the accepted window');
  }
  if (rules.nonce !== undefined && payload.nonce !== rules.nonce) {
    throw new JwtError('ERR_DPOP_NONCE', 'the DPoP proof does not carry the expected nonce');
  }
  if (rules.ath !== undefined && payload.ath !== rules.ath) {
    throw new JwtError('ERR_DPOP_ATH_MISMATCH', 'the DPoP proof ath does not match the access token');
  }
  const jkt = translate(() => jwkThumbprint(jwk));
  if (rules.expectedJkt !== undefined && jkt !== rules.expectedJkt) {
    throw new JwtError('ERR_DPOP_JKT_MISMATCH', 'the DPoP proof key is not the key the token is bound to');
  }
  const key = translate(() => importedKey(jwk, header.alg));
  translate(() => checkSignature(key, proof.slice(0, dot2), proof.slice(dot2 + 1)));
  return {
    header,
    payload,
    jkt,
    jti,
    iat,
    expiresAt: Math.ceil((iat + rules.maxAge + rules.tolerance) * 1000),
  };
}

interface Rules {
  readonly algorithms: ReadonlySet<Alg>;
  readonly htu: string;
  readonly maxLength: number;
  readonly maxAge: number;
  readonly tolerance: number;
  readonly nonce: string | undefined;
  readonly ath: string | undefined;
  readonly expectedJkt: string | undefined;
}

function compileOptions(opts: VerifyDpopProofOptions): Rules {
  if (typeof opts !== 'object' || opts === null)
    throw new JwtError('ERR_INVALID_OPTIONS', 'options are required');
  const algorithms = algorithmSet(opts.algorithms);
  for (const alg of algorithms) {
    if (isHmacAlg(alg))
      throw new JwtError('ERR_INVALID_OPTIONS', 'DPoP proofs use asymmetric algorithms only');
  }
  if (typeof opts.htm !== 'string' || opts.htm === '')
    throw new JwtError('ERR_INVALID_OPTIONS', 'htm is required');
  const htu = htuOf(opts.htu instanceof URL ? opts.htu.href : opts.htu);
  if (htu === undefined) throw new JwtError('ERR_INVALID_OPTIONS', 'htu must be an http: or https: URL');
  const maxLength = opts.maxProofLength ?? 4096;
  if (!Number.isInteger(maxLength) || maxLength <= 0) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'maxProofLength must be a positive integer');
  }
  const tolerance = opts.clockTolerance === undefined ? 5 : toSeconds(opts.clockTolerance, 'clockTolerance');
  if (tolerance > MAX_TOLERANCE)
    throw new JwtError('ERR_INVALID_OPTIONS', 'clockTolerance is at most 60 seconds');
  const maxAge = opts.maxAge === undefined ? 60 : toSeconds(opts.maxAge, 'maxAge');
  checkNow(opts.now);
  for (const name of ['nonce', 'expectedJkt'] as const) {
    const value = opts[name];
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw new JwtError('ERR_INVALID_OPTIONS', `${name} must be a non-empty string`);
    }
  }
  return {
    algorithms,
    htu,
    maxLength,
    maxAge,
    tolerance,
    nonce: opts.nonce,
    ath: opts.accessToken === undefined ? undefined : accessTokenHash(opts.accessToken),
    expectedJkt: opts.expectedJkt,
  };
}

/**
 * Imported proof keys by their exact JWK text and alg. A client signs every proof with one key,
 * and importing it (node's createPublicKey from a JWK, plus the hardened checks) costs about as
 * much as a third of the signature check: a hit skips it. Only successful imports are kept, the
 * cache key is the whole input of importJwk, and a full cache is emptied (a flood of keys can
 * only make it useless, never wrong).
 */
const KEY_CACHE_MAX = 1024;
const keyCache = new Map<string, Key>();

function importedKey(jwk: Jwk, alg: Alg): Key {
  const id = `${alg} ${JSON.stringify(jwk)}`;
  let key = keyCache.get(id);
  if (key === undefined) {
    key = importJwk(jwk, { alg });
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/** The header's `jwk`: a JSON object with no private member and no symmetric key. */
function publicJwk(value: unknown): Jwk {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('the DPoP proof has no jwk header');
  }
  const jwk = value as Jwk;
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member)) || jwk.kty === 'oct') {
    throw invalid('the DPoP proof jwk must be a public key');
  }
  return jwk;
}

/** Runs a parsing step; its JwtError (a JWS, JWK or JSON one) becomes ERR_DPOP_INVALID. */
function translate<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (!(err instanceof JwtError) || err.code === 'ERR_DPOP_INVALID') throw err;
    throw new JwtError('ERR_DPOP_INVALID', `the DPoP proof is invalid: ${err.message}`, { cause: err });
  }
}

function invalid(message: string): JwtError {
  return new JwtError('ERR_DPOP_INVALID', message);
}
