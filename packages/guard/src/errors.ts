import type { JwtErrorCode } from '@tessera/jwt';
import { bearerChallenge, dpopChallenge } from '@tessera/jwt/internal';

/**
 * Every error code a guard answers with, its HTTP status and what it means.
 * The README lists the same codes; a test fails when one is missing there.
 */
export const GUARD_ERROR_CODES = {
  missing_token: {
    status: 401,
    meaning: 'The request carries no bearer token (RFC 6750 §3.1: the challenge has no error attribute).',
  },
  invalid_request: {
    status: 400,
    meaning:
      'The credentials are malformed: Bearer without a token, two tokens, a token with spaces or non-token68 characters, or a token sent by more than one method.',
  },
  invalid_token: {
    status: 401,
    meaning: 'The token is bad, expired, not yet valid, revoked, or could not be checked.',
  },
  insufficient_scope: {
    status: 403,
    meaning: 'The token is valid but lacks a required role, permission or scope.',
  },
  invalid_dpop_proof: {
    status: 401,
    meaning:
      'A DPoP-bound token came without a valid DPoP proof for this request (RFC 9449 §7.1): none, two, malformed, another method or URL, too old or from the future, replayed, for another token or by another key.',
  },
} as const;

/** A stable code; `switch (err.code)` narrows on it. */
export type GuardErrorCode = keyof typeof GUARD_ERROR_CODES;

/** Why the guard refused, beyond the code: a JwtError code or one of the guard's own. */
export type GuardReason =
  | JwtErrorCode
  | 'ERR_GUARD_NO_TOKEN'
  | 'ERR_GUARD_MALFORMED_CREDENTIALS'
  | 'ERR_GUARD_MULTIPLE_TOKENS'
  | 'ERR_GUARD_CLAIMS_INVALID'
  | 'ERR_GUARD_REVOKED'
  | 'ERR_GUARD_REVOCATIONS_UNAVAILABLE'
  | 'ERR_GUARD_UNEXPECTED'
  | 'ERR_GUARD_ROLE_MISSING'
  | 'ERR_GUARD_PERMISSION_MISSING'
  | 'ERR_GUARD_SCOPE_MISSING'
  | 'ERR_GUARD_DPOP_PROOF_MISSING'
  | 'ERR_GUARD_DPOP_MULTIPLE_PROOFS'
  | 'ERR_GUARD_DPOP_BOUND_AS_BEARER'
  | 'ERR_GUARD_DPOP_NOT_BOUND'
  | 'ERR_GUARD_DPOP_REQUIRED';

type Described = readonly [GuardErrorCode, string];

/** Fixed descriptions: nothing request-dependent ever reaches a message, so a token cannot leak. */
const REASONS: Record<GuardReason, Described> = {
  ERR_GUARD_NO_TOKEN: ['missing_token', 'missing bearer token'],
  ERR_GUARD_MALFORMED_CREDENTIALS: ['invalid_request', 'the bearer credentials are malformed'],
  ERR_GUARD_MULTIPLE_TOKENS: ['invalid_request', 'more than one access token was sent'],
  ERR_GUARD_CLAIMS_INVALID: ['invalid_token', 'the access token has an invalid claim'],
  ERR_GUARD_REVOKED: ['invalid_token', 'the access token was revoked'],
  ERR_GUARD_REVOCATIONS_UNAVAILABLE: ['invalid_token', 'the revocation list is out of date'],
  ERR_GUARD_UNEXPECTED: ['invalid_token', 'the access token is invalid'],
  ERR_GUARD_ROLE_MISSING: ['insufficient_scope', 'a required role is missing'],
  ERR_GUARD_PERMISSION_MISSING: ['insufficient_scope', 'a required permission is missing'],
  ERR_GUARD_SCOPE_MISSING: ['insufficient_scope', 'a required scope is missing'],
  ERR_GUARD_DPOP_PROOF_MISSING: ['invalid_dpop_proof', 'a DPoP proof is required'],
  ERR_GUARD_DPOP_MULTIPLE_PROOFS: ['invalid_dpop_proof', 'more than one DPoP proof was sent'],
  ERR_GUARD_DPOP_BOUND_AS_BEARER: [
    'invalid_token',
    'the access token is DPoP-bound: send it as DPoP with a proof',
  ],
  ERR_GUARD_DPOP_NOT_BOUND: ['invalid_token', 'the access token is not DPoP-bound: send it as Bearer'],
  ERR_GUARD_DPOP_REQUIRED: ['invalid_token', 'only DPoP-bound access tokens are accepted'],
  ERR_INVALID_OPTIONS: ['invalid_token', 'the access token is invalid'],
  ERR_JWT_TOO_LONG: ['invalid_token', 'the access token is too long'],
  ERR_JWS_INVALID: ['invalid_token', 'the access token is malformed'],
  ERR_JWS_UNSUPPORTED: ['invalid_token', 'the access token uses an unsupported JOSE feature'],
  ERR_JWS_ALG_NOT_ALLOWED: ['invalid_token', 'the access token algorithm is not allowed'],
  ERR_JWS_INVALID_SIGNATURE: ['invalid_token', 'the access token signature is invalid'],
  ERR_JWT_INVALID: ['invalid_token', 'the access token is malformed'],
  ERR_JWT_EXPIRED: ['invalid_token', 'the access token expired'],
  ERR_JWT_NOT_YET_VALID: ['invalid_token', 'the access token is not valid yet'],
  ERR_JWT_CLAIM_INVALID: ['invalid_token', 'the access token has an invalid claim'],
  ERR_KEY_INVALID: ['invalid_token', 'the access token is invalid'],
  ERR_KEY_WEAK: ['invalid_token', 'the access token is invalid'],
  ERR_KEY_ALG_MISMATCH: ['invalid_token', 'the access token algorithm does not match its key'],
  ERR_JWKS_INVALID: ['invalid_token', 'the signing keys are unavailable'],
  ERR_JWKS_NO_MATCHING_KEY: ['invalid_token', 'no signing key matches the access token'],
  ERR_JWKS_FETCH_FAILED: ['invalid_token', 'the signing keys are unavailable'],
  ERR_JWKS_TIMEOUT: ['invalid_token', 'the signing keys are unavailable'],
  ERR_DPOP_INVALID: ['invalid_dpop_proof', 'the DPoP proof is invalid'],
  ERR_DPOP_HTM_MISMATCH: ['invalid_dpop_proof', 'the DPoP proof is for another method'],
  ERR_DPOP_HTU_MISMATCH: ['invalid_dpop_proof', 'the DPoP proof is for another URL'],
  ERR_DPOP_IAT: ['invalid_dpop_proof', 'the DPoP proof is too old or from the future'],
  ERR_DPOP_ATH_MISMATCH: ['invalid_dpop_proof', 'the DPoP proof is for another access token'],
  ERR_DPOP_JKT_MISMATCH: ['invalid_dpop_proof', 'the DPoP proof is not by the key the token is bound to'],
  ERR_DPOP_NONCE: ['invalid_dpop_proof', 'the DPoP proof lacks the expected nonce'],
  ERR_DPOP_REPLAY: ['invalid_dpop_proof', 'the DPoP proof was used before'],
  ERR_DPOP_REPLAY_CACHE_FULL: [
    'invalid_dpop_proof',
    'the DPoP proof cannot be recorded now: try again later',
  ],
};

/** The JSON body of each reason, serialized once. */
const BODIES = new Map<GuardReason, string>();
for (const [reason, [code, description]] of Object.entries(REASONS) as [GuardReason, Described][]) {
  // RFC 6750 §3.1: a request without credentials gets no error information.
  const error = code === 'missing_token' ? 'unauthorized' : code;
  BODIES.set(reason, JSON.stringify({ error, error_description: description }));
}

/** The WWW-Authenticate values of one realm, built once per guard. */
export type Challenges = Readonly<Record<GuardErrorCode, string>>;

/** Which schemes a guard takes, for its challenges: `dpop` holds the proof algorithms. */
export interface ChallengeSchemes {
  bearer: boolean;
  dpop?: readonly string[] | undefined;
}

/**
 * The header values of one realm for requests that came as Bearer (or with no token), one per
 * code. `realm` must already be a valid quoted-string body. Without credentials every accepted
 * scheme is offered (RFC 9449 §7.2: `Bearer realm="api", DPoP realm="api", algs="ES256"`); a
 * DPoP proof error answers with the DPoP challenge.
 *
 * @example
 * buildChallenges('api').invalid_token; // 'Bearer realm="api", error="invalid_token"'
 */
export function buildChallenges(realm: string, schemes: ChallengeSchemes = { bearer: true }): Challenges {
  const { dpop } = schemes;
  const offer = [
    ...(schemes.bearer ? [bearerChallenge(realm)] : []),
    ...(dpop === undefined ? [] : [dpopChallenge(realm, dpop)]),
  ].join(', ');
  const bearerOr = (error: 'invalid_request' | 'invalid_token' | 'insufficient_scope') =>
    schemes.bearer || dpop === undefined ? bearerChallenge(realm, error) : dpopChallenge(realm, dpop, error);
  return Object.freeze({
    missing_token: offer,
    invalid_request: bearerOr('invalid_request'),
    invalid_token: bearerOr('invalid_token'),
    insufficient_scope: bearerOr('insufficient_scope'),
    invalid_dpop_proof: dpopChallenge(realm, dpop ?? [], 'invalid_dpop_proof'),
  });
}

/**
 * The header values for requests that came as `Authorization: DPoP`: the DPoP challenge with the
 * error and the proof algorithms (RFC 9449 §7.1).
 *
 * @example
 * buildDpopChallenges('api', ['ES256']).invalid_token; // 'DPoP realm="api", error="invalid_token", algs="ES256"'
 */
export function buildDpopChallenges(realm: string, algs: readonly string[]): Challenges {
  return Object.freeze({
    missing_token: dpopChallenge(realm, algs),
    invalid_request: dpopChallenge(realm, algs, 'invalid_request'),
    invalid_token: dpopChallenge(realm, algs, 'invalid_token'),
    insufficient_scope: dpopChallenge(realm, algs, 'insufficient_scope'),
    invalid_dpop_proof: dpopChallenge(realm, algs, 'invalid_dpop_proof'),
  });
}

/**
 * The one error of @tessera/guard: why a request was refused, and everything
 * needed to answer it (status, WWW-Authenticate, JSON body). Its message is a
 * fixed description: it never contains the token or any part of the request.
 *
 * @example
 * try {
 *   const auth = await guard.authenticate(req.headers.authorization);
 * } catch (err) {
 *   if (!(err instanceof GuardError)) throw err;
 *   res.writeHead(err.status, err.headers).end(err.json);
 * }
 */
export class GuardError extends Error {
  override readonly name = 'GuardError';
  /** 400, 401 or 403. */
  readonly status: 400 | 401 | 403;
  /** The RFC 6750 error code, or `missing_token` when the request had no credentials. */
  readonly code: GuardErrorCode;
  /** A safe, fixed description; also the `error_description` of the body. */
  readonly description: string;
  /** The value of the `WWW-Authenticate` response header. */
  readonly wwwAuthenticate: string;
  /** The underlying cause: a JwtError code or one of the guard's own. */
  readonly reason: GuardReason;

  /** @internal Guards create these; `challenges` comes from the guard's realm. */
  constructor(reason: GuardReason, challenges: Challenges) {
    const [code, description] = REASONS[reason] ?? REASONS.ERR_GUARD_UNEXPECTED;
    super(description);
    this.code = code;
    this.status = GUARD_ERROR_CODES[code].status;
    this.description = description;
    this.wwwAuthenticate = challenges[code];
    this.reason = reason in REASONS ? reason : 'ERR_GUARD_UNEXPECTED';
  }

  /** Response headers (Express's and Fastify's default error handlers apply `err.headers`). */
  get headers(): Record<string, string> {
    return { 'www-authenticate': this.wwwAuthenticate, 'content-type': 'application/json; charset=utf-8' };
  }

  /** The response body: `{ error, error_description }`. */
  get body(): { error: string; error_description: string } {
    return JSON.parse(this.json) as { error: string; error_description: string };
  }

  /** The response body, serialized (built once per reason). */
  get json(): string {
    return BODIES.get(this.reason) as string;
  }
}
