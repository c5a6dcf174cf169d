/**
 * Every error code @tessera/jwt can throw, with what it means. `docs/errors.md`
 * lists the same codes; a test fails when one is missing there.
 */
export const JWT_ERROR_CODES = {
  ERR_INVALID_OPTIONS: 'An option passed by the program is missing or invalid (a programming error).',
  ERR_JWT_TOO_LONG: 'The token is longer than maxTokenLength; it was rejected before any parsing.',
  ERR_JWS_INVALID: 'The token is not a well-formed JWS in compact serialization.',
  ERR_JWS_UNSUPPORTED:
    'The token uses a JOSE feature that is refused: crit, b64, JWE or compression headers.',
  ERR_JWS_ALG_NOT_ALLOWED: 'The header alg is missing or not in the algorithms allow-list.',
  ERR_JWS_INVALID_SIGNATURE: 'The signature does not verify with the selected key.',
  ERR_JWT_INVALID: 'The payload is not a JSON object (it is not a JWT claims set).',
  ERR_JWT_EXPIRED: 'The token has expired (exp), or is older than maxTokenAge (iat).',
  ERR_JWT_NOT_YET_VALID: 'The token is not valid yet (nbf).',
  ERR_JWT_CLAIM_INVALID: 'A claim or the typ header is missing, has the wrong type, or does not match.',
  ERR_KEY_INVALID: 'The key is malformed, of an unsupported type, or does not fit its algorithm.',
  ERR_KEY_WEAK: 'The key is too weak for its algorithm (short HMAC secret, small RSA modulus, bad exponent).',
  ERR_KEY_ALG_MISMATCH: "The algorithm asked for is not the key's algorithm.",
  ERR_JWKS_INVALID: 'The JWK Set is malformed or unsafe (duplicate kid, mixed key kinds, private members).',
  ERR_JWKS_NO_MATCHING_KEY: 'No key in the key set matches the header kid and alg.',
  ERR_JWKS_FETCH_FAILED: 'The remote JWK Set could not be fetched or was not a valid response.',
  ERR_JWKS_TIMEOUT: 'The remote JWK Set fetch timed out.',
  ERR_DPOP_INVALID:
    'The DPoP proof is malformed or unsafe: too long, not a compact JWS, typ not dpop+jwt, alg not allowed, jwk missing, invalid or private, a claim missing, or a bad signature.',
  ERR_DPOP_HTM_MISMATCH: "The proof's htm is not the request's method.",
  ERR_DPOP_HTU_MISMATCH:
    "The proof's htu is not the request's URL (compared without query and fragment, after normalization).",
  ERR_DPOP_IAT: "The proof's iat is outside the accepted window: too old, or in the future.",
  ERR_DPOP_ATH_MISMATCH: "The proof's ath is missing or is not the hash of the access token it comes with.",
  ERR_DPOP_JKT_MISMATCH: "The proof's key is not the key the access token is bound to (cnf.jkt).",
  ERR_DPOP_NONCE: 'The proof has no nonce, or not the nonce the server asked for.',
  ERR_DPOP_REPLAY:
    'The proof (its key and jti) was seen before within its window, or the replay cache refused to record it.',
  ERR_DPOP_REPLAY_CACHE_FULL:
    'The in-memory replay cache is full of proofs still in their window and refuses new ones: a capacity limit (size it for the proof rate), not a replay.',
} as const;

/** A stable error code; `switch (err.code)` narrows on it. */
export type JwtErrorCode = keyof typeof JWT_ERROR_CODES;

/**
 * The one error class of @tessera/jwt. Messages never contain a token or key material.
 *
 * @example
 * try {
 *   verifyJwt(token, key, { algorithms: ['EdDSA'] });
 * } catch (err) {
 *   if (err instanceof JwtError && err.code === 'ERR_JWT_EXPIRED') refresh();
 * }
 */
export class JwtError extends Error {
  override readonly name = 'JwtError';
  readonly code: JwtErrorCode;
  /** For claim errors: the claim (or `typ` header) that failed. */
  readonly claim: string | undefined;

  constructor(code: JwtErrorCode, message: string, options?: { claim?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.claim = options?.claim;
  }
}

/** True when `err` is a JwtError, optionally with the given code. */
export function isJwtError(err: unknown, code?: JwtErrorCode): err is JwtError {
  return err instanceof JwtError && (code === undefined || err.code === code);
}
