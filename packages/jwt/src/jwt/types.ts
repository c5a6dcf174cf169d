import type { JwsHeader } from '../jws/types.js';
import type { Alg } from '../lib/algs.js';

/** A JWT claims set. Registered claims are typed; any other claim is allowed. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}

/** What a successful verification returns. */
export interface VerifiedJwt {
  header: JwsHeader;
  payload: JwtClaims;
}

/** Options of signJwt and createSigner. */
export interface SignOptions {
  /** Defaults to the key's alg, and must equal it. */
  alg?: Alg;
  /** Defaults to the key's kid. */
  kid?: string;
  /** The `typ` header. Default `'JWT'`. */
  typ?: string;
  /** Seconds, or `'30s'`, `'15m'`, `'12h'`, `'7d'`; anything else throws. Sets `exp = iat + expiresIn`. */
  expiresIn?: number | string;
  /** Sets `nbf = iat + notBefore`. */
  notBefore?: number | string;
  issuer?: string;
  subject?: string;
  audience?: string | string[];
  /** A `jti`; `true` makes a random 128-bit one. */
  jwtId?: string | true;
  /** The time used for `iat`. Default: the current time. */
  now?: Date;
}

/** Options of verifyJwt and createVerifier. */
export interface VerifyOptions {
  /** The allow-list: required, non-empty, exact names. `none` is never possible. */
  algorithms: Alg[];
  /** Exact match against `iss` (any of a list). */
  issuer?: string | string[];
  /** At least one `aud` value must equal one of these. */
  audience?: string | string[];
  /** Exact match against `sub`. */
  subject?: string;
  /** Required `typ` header, compared as a media type: `at+jwt` matches `application/at+jwt` and `AT+JWT`. */
  typ?: string;
  /** Claims that must be present, e.g. `['sub', 'jti']`. `exp` is required anyway unless `requireExp: false`. */
  requiredClaims?: string[];
  /** Whether a token without `exp` is refused. Default true. */
  requireExp?: boolean;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds or a duration string; at most 60 s. Default 0. */
  clockTolerance?: number | string;
  /** Refuse tokens whose `iat` is older than this (seconds or a duration string); needs `iat`. */
  maxTokenAge?: number | string;
  /** Refuse longer tokens before any parsing. Default 8192. */
  maxTokenLength?: number;
  /** The time to verify at. Default: the current time. */
  now?: Date;
}
