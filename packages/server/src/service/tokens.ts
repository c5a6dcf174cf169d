import { createSigner, type JwtClaims, JwtError, type Key, type Signer, verifyJwt } from '@tessera/jwt';
import type { Session, User } from '../store/index.js';
import { toEpochSeconds } from './clock.js';
import type { SigningKeys } from './signing-keys.js';

/**
 * The `client_id` of the tokens users get from login and refresh: the first-party app, a
 * public client (no secret) that no registered client can be (their ids are random UUIDs).
 */
export const FIRST_PARTY_CLIENT_ID = 'tessera';

/** The claims of a user's access token (RFC 9068 profile plus roles and permissions). */
export interface AccessTokenClaims extends JwtClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  sid: string;
  roles: string[];
  permissions: string[];
  /** {@link FIRST_PARTY_CLIENT_ID}; absent in tokens issued before it was added. */
  client_id?: string;
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to; absent for a Bearer token. */
  cnf?: { jkt: string };
}

/** The claims of a `client_credentials` access token: the client is the subject; no session, no roles. */
export interface ClientAccessTokenClaims extends JwtClaims {
  iss: string;
  /** The client id, as `client_id`. */
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  /** Space-separated (RFC 9068 §2.2.3); absent when no scope was granted. */
  scope?: string;
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to; absent for a Bearer token. */
  cnf?: { jkt: string };
}

/** One of this issuer's verified access tokens, by kind. */
export type VerifiedAccessToken =
  | { kind: 'user'; claims: AccessTokenClaims; kid: string | undefined }
  | { kind: 'client'; claims: ClientAccessTokenClaims; kid: string | undefined };

/** A freshly signed access token. */
export interface IssuedAccessToken {
  token: string;
  /** Seconds until `exp`, as the token response reports it. */
  expiresIn: number;
}

/**
 * Signs access tokens (`typ: at+jwt`) with the current signing key, and
 * verifies this issuer's own tokens for the server's Bearer routes.
 *
 * @example
 * const { token } = tokens.issue(user, session, clock.now());
 */
export class AccessTokens {
  private signers = new Map<Key, Signer>();

  constructor(
    private readonly keys: SigningKeys,
    private readonly opts: { issuer: string; audience: string | string[]; ttlSeconds: number },
  ) {}

  /**
   * Signs a token for the session. `iat` is never below the session's
   * `accessNotBefore` nor `notBefore` (the user's and the global revocation
   * cutoff): after a revocation in this very second, a new token must not look
   * as if it was issued before the cutoff. With `jkt` the token is DPoP-bound (`cnf.jkt`).
   */
  issue(user: User, session: Session, nowMs: number, notBefore = 0, jkt?: string): IssuedAccessToken {
    const now = toEpochSeconds(nowMs);
    const iat = Math.max(now, session.accessNotBefore, notBefore);
    const exp = iat + this.opts.ttlSeconds;
    const claims: Record<string, unknown> = {
      sub: user.id,
      sid: session.id,
      roles: user.roles,
      permissions: user.permissions,
      client_id: FIRST_PARTY_CLIENT_ID,
      iat,
      exp,
    };
    if (jkt !== undefined) claims.cnf = { jkt };
    const token = this.signer().sign(claims);
    return { token, expiresIn: exp - now };
  }

  /**
   * Signs a `client_credentials` token: `sub` and `client_id` are the client, `scope` the
   * granted scopes (left out when none), no `sid`, no roles. `iat` is never below `notBefore`
   * (a revoke-all cutoff in this very second). With `jkt` the token is DPoP-bound (`cnf.jkt`).
   *
   * @example
   * const { token } = tokens.issueForClient(client.id, ['invoices:read'], clock.now());
   */
  issueForClient(
    clientId: string,
    scopes: readonly string[],
    nowMs: number,
    notBefore = 0,
    jkt?: string,
  ): IssuedAccessToken {
    const now = toEpochSeconds(nowMs);
    const iat = Math.max(now, notBefore);
    const exp = iat + this.opts.ttlSeconds;
    const claims: Record<string, unknown> = { sub: clientId, client_id: clientId, iat, exp };
    if (scopes.length > 0) claims.scope = scopes.join(' ');
    if (jkt !== undefined) claims.cnf = { jkt };
    return { token: this.signer().sign(claims), expiresIn: exp - now };
  }

  /**
   * Verifies one of this issuer's user access tokens (signature, alg, iss, aud, typ, exp) and
   * returns its claims with the `kid` of its header. Whether it is revoked is the caller's next
   * check.
   */
  verify(token: string, nowMs: number): { claims: AccessTokenClaims; kid: string | undefined } {
    const verified = this.verifyAny(token, nowMs);
    if (verified.kind !== 'user') {
      throw new JwtError('ERR_JWT_CLAIM_INVALID', 'not a user access token: the sid claim is missing', {
        claim: 'sid',
      });
    }
    return { claims: verified.claims, kid: verified.kid };
  }

  /**
   * Verifies an access token of either kind (signature, alg, iss, aud, typ, exp) and says which
   * it is: a user's (it has `sid`) or a client's (`sub` equals `client_id`, no `sid`). Whether it
   * was revoked is the caller's next check. Throws a JwtError for anything else.
   *
   * @example
   * const verified = tokens.verifyAny(token, clock.now());
   * if (verified.kind === 'client') checkDenylist(verified.claims.jti);
   */
  verifyAny(token: string, nowMs: number): VerifiedAccessToken {
    const { header, payload } = verifyJwt(token, this.keys.verificationKeys(), {
      algorithms: [this.keys.policy.alg],
      issuer: this.opts.issuer,
      audience: this.opts.audience,
      typ: 'at+jwt',
      requiredClaims: ['sub', 'iat', 'jti'],
      now: new Date(nowMs),
    });
    if (Object.hasOwn(payload, 'sid')) {
      const wrong = !isStringArray(payload.roles)
        ? 'roles'
        : !isStringArray(payload.permissions)
          ? 'permissions'
          : typeof payload.sid !== 'string'
            ? 'sid'
            : undefined;
      if (wrong !== undefined) {
        throw new JwtError('ERR_JWT_CLAIM_INVALID', `the ${wrong} claim has the wrong type`, {
          claim: wrong,
        });
      }
      checkCnf(payload.cnf);
      return { kind: 'user', claims: payload as AccessTokenClaims, kid: header.kid };
    }
    const { client_id: clientId, scope } = payload;
    if (typeof clientId !== 'string' || payload.sub !== clientId) {
      throw new JwtError('ERR_JWT_CLAIM_INVALID', 'client_id must be a string equal to sub', {
        claim: 'client_id',
      });
    }
    if (!(scope === undefined || typeof scope === 'string')) {
      throw new JwtError('ERR_JWT_CLAIM_INVALID', 'the scope claim has the wrong type', { claim: 'scope' });
    }
    checkCnf(payload.cnf);
    return { kind: 'client', claims: payload as ClientAccessTokenClaims, kid: header.kid };
  }

  private signer(): Signer {
    const key = this.keys.current();
    let signer = this.signers.get(key);
    if (signer === undefined) {
      if (this.signers.size > 8) this.signers.clear();
      signer = createSigner({
        key,
        typ: 'at+jwt',
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        jwtId: true,
      });
      this.signers.set(key, signer);
    }
    return signer;
  }
}

/** `cnf`, when present, is `{ jkt: <string> }` (RFC 9449 §6.1). */
function checkCnf(cnf: unknown): void {
  if (cnf === undefined) return;
  if (
    typeof cnf !== 'object' ||
    cnf === null ||
    typeof (cnf as { jkt?: unknown }).jkt !== 'string' ||
    (cnf as { jkt: string }).jkt === ''
  ) {
    throw new JwtError('ERR_JWT_CLAIM_INVALID', 'the cnf claim has the wrong type', { claim: 'cnf' });
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
