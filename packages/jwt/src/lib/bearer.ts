// RFC 6750 pieces shared by every place that reads or answers a Bearer credential.

/** RFC 6750 §2.1 b64token (RFC 7235 token68). */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const BEARER = 'bearer';
const SP = 0x20;

/**
 * Whether `token` is made of RFC 6750 b64token characters (a compact JWS always is).
 *
 * @example
 * isToken68('eyJhbGciOiJFZERTQSJ9.e30.c2ln'); // true
 * isToken68('a b'); // false
 */
export function isToken68(token: string): boolean {
  return TOKEN68.test(token);
}

/**
 * The credentials of an Authorization header value in the `Bearer 1*SP token`
 * form (RFC 6750 §2.1; the scheme is case-insensitive): the text after the
 * spaces, not yet checked. `undefined` when the value is another scheme
 * (`Basic …`, `Bearerish x`) and so no bearer credential at all; `null` when it
 * is a broken Bearer (`Bearer`, `Bearer   `, `Bearer\tx`, `Bearer,x`).
 *
 * @example
 * bearerCredentials('Bearer eyJ…'); // 'eyJ…'
 * bearerCredentials('Basic dXNlcg=='); // undefined
 * bearerCredentials('Bearer'); // null
 */
export function bearerCredentials(header: string): string | null | undefined {
  return schemeCredentials(header, BEARER);
}

/**
 * The credentials of an Authorization header value in the `<scheme> 1*SP token`
 * form, for a lower-case `scheme` such as `'dpop'` (RFC 9449 §7.1) or `'bearer'`:
 * the same rules as bearerCredentials (scheme case-insensitive; `undefined` for
 * another scheme, `null` for a broken one).
 *
 * @example
 * schemeCredentials('DPoP eyJ…', 'dpop'); // 'eyJ…'
 * schemeCredentials('Bearer eyJ…', 'dpop'); // undefined
 */
export function schemeCredentials(header: string, scheme: string): string | null | undefined {
  const n = scheme.length;
  if (header.length < n) return undefined;
  for (let i = 0; i < n; i++) {
    if ((header.charCodeAt(i) | 0x20) !== scheme.charCodeAt(i)) return undefined;
  }
  if (header.length === n) return null;
  const next = header.charCodeAt(n);
  // "Bearerish x" is another scheme; "Bearer\tx" or "Bearer,x" is a broken Bearer.
  if (next !== SP) return isTchar(next) ? undefined : null;
  let start = n + 1;
  while (header.charCodeAt(start) === SP) start++;
  return start === header.length ? null : header.slice(start);
}

/** RFC 7230 tchar: what a longer scheme name could continue with. */
function isTchar(c: number): boolean {
  if ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a)) return true;
  return "!#$%&'*+-.^_`|~".includes(String.fromCharCode(c));
}

/** The RFC 6750 §3.1 error codes of a Bearer challenge, and RFC 9449 §7.1's of a DPoP one. */
export type BearerError = 'invalid_request' | 'invalid_token' | 'insufficient_scope';
export type DpopChallengeError = BearerError | 'invalid_dpop_proof' | 'use_dpop_nonce';

/**
 * A `WWW-Authenticate` value for a Bearer realm (RFC 6750 §3): with no error
 * attribute when the request had no credentials at all. `realm` must already
 * fit in a quoted-string (no `"` or `\`).
 *
 * @example
 * bearerChallenge('api', 'invalid_token'); // 'Bearer realm="api", error="invalid_token"'
 */
export function bearerChallenge(realm: string, error?: BearerError): string {
  const base = `Bearer realm="${realm}"`;
  return error === undefined ? base : `${base}, error="${error}"`;
}

/**
 * A `WWW-Authenticate` value for the DPoP scheme (RFC 9449 §7.1): the realm,
 * the error when there is one, and the proof algorithms accepted. `realm` must
 * already fit in a quoted-string; `algs` are JOSE names.
 *
 * @example
 * dpopChallenge('api', ['ES256', 'EdDSA'], 'invalid_dpop_proof');
 * // 'DPoP realm="api", error="invalid_dpop_proof", algs="ES256 EdDSA"'
 */
export function dpopChallenge(realm: string, algs: readonly string[], error?: DpopChallengeError): string {
  const base = `DPoP realm="${realm}"`;
  const withError = error === undefined ? base : `${base}, error="${error}"`;
  return `${withError}, algs="${algs.join(' ')}"`;
}
