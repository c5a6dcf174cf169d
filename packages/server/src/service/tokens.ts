import { createSigner, type JwtClaims, JwtError, type Key, type Signer, verifyJwt } from '@tessera/jwt';
import type { Session, User } from '../store/index.js';
import { toEpochSeconds } from './clock.js';
import type { SigningKeys } from './signing-keys.js';

/** The claims of a Tessera access token (RFC 9068 profile plus roles and permissions). */
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
}

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
   * as if it was issued before the cutoff.
   */
  issue(user: User, session: Session, nowMs: number, notBefore = 0): IssuedAccessToken {
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
    const now = toEpochSeconds(nowMs);
    const iat = Math.max(now, session.accessNotBefore, notBefore);
    const exp = iat + this.opts.ttlSeconds;
    const token = signer.sign({
      sub: user.id,
      sid: session.id,
      roles: user.roles,
      permissions: user.permissions,
      iat,
      exp,
    });
    return { token, expiresIn: exp - now };
  }

  /**
   * Verifies one of this issuer's access tokens (signature, alg, iss, aud,
   * typ, exp) and returns its claims with the `kid` of its header. Whether it
   * is revoked is the caller's next check.
   */
  verify(token: string, nowMs: number): { claims: AccessTokenClaims; kid: string | undefined } {
    const { header, payload } = verifyJwt(token, this.keys.verificationKeys(), {
      algorithms: [this.keys.policy.alg],
      issuer: this.opts.issuer,
      audience: this.opts.audience,
      typ: 'at+jwt',
      requiredClaims: ['sub', 'sid', 'iat', 'jti'],
      now: new Date(nowMs),
    });
    const wrong = !isStringArray(payload.roles)
      ? 'roles'
      : !isStringArray(payload.permissions)
        ? 'permissions'
        : typeof payload.sid !== 'string'
          ? 'sid'
          : undefined;
    if (wrong !== undefined) {
      throw new JwtError('ERR_JWT_CLAIM_INVALID', `the ${wrong} claim has the wrong type`, { claim: wrong });
    }
    return { claims: payload as AccessTokenClaims, kid: header.kid };
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
