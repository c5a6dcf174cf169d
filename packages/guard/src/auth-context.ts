import type { JwtClaims } from '@tessera/jwt';
import type { GuardReason } from './errors.js';

/** Who made the request, from a verified access token. */
export interface AuthContext {
  /** The `sub` claim: the user (or, for client credentials, the client). */
  subject: string;
  /** The `sid` claim: the login session, the unit of revocation. */
  sessionId?: string | undefined;
  /** The `roles` claim (absent: empty). */
  roles: string[];
  /** The `permissions` claim (absent: empty). */
  permissions: string[];
  /** The `scope` claim (RFC 9068 §2.2.3: one space-separated string), split; absent: empty. */
  scopes: string[];
  /** The `client_id` claim: the OAuth client the token was issued to (for client credentials, the subject too). */
  clientId?: string | undefined;
  /**
   * The `cnf.jkt` claim: the thumbprint of the DPoP key the token is bound to (RFC 9449 §6.1). The
   * guard accepted the request only with a DPoP proof by that key. Absent for a Bearer token.
   */
  dpopJkt?: string | undefined;
  /** Every claim of the token, verified. Read-only (frozen) when the guard's cache is on. */
  claims: JwtClaims;
}

const NONE: string[] = Object.freeze([]) as unknown as string[];
/** How far ahead of our clock an `iat` may be: issuer clocks drift, but a token from the future evades revocation. */
const MAX_FUTURE_IAT_SECONDS = 60;

/**
 * Builds the AuthContext of verified claims, or returns why it can't: `sub`
 * must be a non-empty string, `sid` and `client_id` non-empty strings if
 * present, `roles` and `permissions` arrays of strings if present, `scope` a
 * string if present, and `iat` not far in the future.
 * Only own properties count, so nothing inherited can pose as a claim.
 */
export function toAuthContext(
  claims: JwtClaims,
  nowSeconds: number,
  tolerance: number,
): AuthContext | GuardReason {
  const sub = Object.hasOwn(claims, 'sub') ? claims.sub : undefined;
  if (typeof sub !== 'string' || sub.length === 0) return 'ERR_GUARD_CLAIMS_INVALID';
  const sid = Object.hasOwn(claims, 'sid') ? claims.sid : undefined;
  if (sid !== undefined && (typeof sid !== 'string' || sid.length === 0)) return 'ERR_GUARD_CLAIMS_INVALID';
  const clientId = Object.hasOwn(claims, 'client_id') ? claims.client_id : undefined;
  if (clientId !== undefined && (typeof clientId !== 'string' || clientId.length === 0)) {
    return 'ERR_GUARD_CLAIMS_INVALID';
  }
  const roles = stringList(claims, 'roles');
  const permissions = stringList(claims, 'permissions');
  const scopes = scopeList(claims);
  if (roles === undefined || permissions === undefined || scopes === undefined)
    return 'ERR_GUARD_CLAIMS_INVALID';
  const iat = Object.hasOwn(claims, 'iat') ? claims.iat : undefined;
  if (typeof iat === 'number' && iat > nowSeconds + tolerance + MAX_FUTURE_IAT_SECONDS) {
    return 'ERR_JWT_CLAIM_INVALID';
  }
  const dpopJkt = confirmationJkt(claims);
  if (dpopJkt === null) return 'ERR_GUARD_CLAIMS_INVALID';
  const auth: AuthContext = { subject: sub, sessionId: sid, roles, permissions, scopes, clientId, claims };
  if (dpopJkt !== undefined) auth.dpopJkt = dpopJkt;
  return auth;
}

/**
 * The `cnf.jkt` of the claims: undefined without `cnf`, null when `cnf` is there but is not an
 * object with a non-empty string `jkt` (a confirmation the guard cannot check is not ignored).
 */
function confirmationJkt(claims: JwtClaims): string | undefined | null {
  if (!Object.hasOwn(claims, 'cnf')) return undefined;
  const cnf = claims.cnf;
  if (typeof cnf !== 'object' || cnf === null || !Object.hasOwn(cnf, 'jkt')) return null;
  const jkt = (cnf as { jkt: unknown }).jkt;
  return typeof jkt === 'string' && jkt.length > 0 ? jkt : null;
}

/** The `scope` claim split on spaces, [] when absent, undefined when it is not a string. */
function scopeList(claims: JwtClaims): string[] | undefined {
  if (!Object.hasOwn(claims, 'scope')) return NONE;
  const value = claims.scope;
  if (typeof value !== 'string') return undefined;
  return value === '' ? NONE : value.split(' ').filter((s) => s !== '');
}

/** The claim as a string array (the claim itself, not a copy), [] when absent, undefined when malformed. */
function stringList(claims: JwtClaims, name: string): string[] | undefined {
  if (!Object.hasOwn(claims, name)) return NONE;
  const value = claims[name];
  if (!Array.isArray(value)) return undefined;
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'string') return undefined;
  }
  return value as string[];
}
