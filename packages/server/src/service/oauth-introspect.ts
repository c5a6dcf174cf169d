import type { Store } from '../store/index.js';
import { toEpochSeconds } from './clock.js';
import type { RevocationCutoffs } from './revocation-cutoffs.js';
import { isRefreshToken, refreshTokenHash } from './secrets.js';
import type { Sessions } from './sessions.js';
import { type AccessTokens, FIRST_PARTY_CLIENT_ID } from './tokens.js';

/** An RFC 7662 introspection response: `{ active: false }` alone, or the token's facts. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      /** `DPoP` for a DPoP-bound access token (RFC 9449 §6.2). */
      token_type: 'Bearer' | 'DPoP' | 'refresh_token';
      client_id: string;
      sub: string;
      iss: string;
      exp: number;
      iat: number;
      aud?: string | string[];
      jti?: string;
      sid?: string;
      scope?: string;
      cnf?: Record<string, unknown>;
    };

/** What introspection reads. */
export interface IntrospectionDeps {
  store: Store;
  tokens: AccessTokens;
  sessions: Sessions;
  /** The user, global and key cutoffs (a revoke-all or a revoked key applies to client tokens too). */
  cutoffs: RevocationCutoffs;
  issuer: string;
}

const INACTIVE: Introspection = Object.freeze({ active: false });

/**
 * Introspects one of this server's tokens, found by its shape: an opaque refresh token by the
 * hash of it (live: unused, unexpired, its session live and its user not blocked), an access
 * token by verifying it and then its revocation (a user's: the session check the server's own
 * routes make; a client's: its `jti` not revoked and the client still registered).
 *
 * @example
 * const facts = await introspectToken({ store, tokens, sessions, cutoffs, issuer }, token, Date.now());
 */
export async function introspectToken(
  deps: IntrospectionDeps,
  token: string,
  now: number,
): Promise<Introspection> {
  if (isRefreshToken(token)) return refreshToken(deps, token, now);
  if (!token.includes('.')) return INACTIVE;
  let verified: ReturnType<AccessTokens['verifyAny']>;
  try {
    verified = deps.tokens.verifyAny(token, now);
  } catch {
    return INACTIVE;
  }
  if (verified.kind === 'user') {
    const { claims } = verified;
    if ((await deps.sessions.liveSession(claims, verified.kid, { fresh: true })) === null) return INACTIVE;
    return {
      active: true,
      token_type: claims.cnf === undefined ? 'Bearer' : 'DPoP',
      client_id: claims.client_id ?? FIRST_PARTY_CLIENT_ID,
      sub: claims.sub,
      iss: claims.iss,
      aud: claims.aud,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      sid: claims.sid,
      ...confirmation(claims.cnf),
    };
  }
  const claims = verified.claims;
  await deps.cutoffs.sync();
  if (deps.cutoffs.revokes(claims.sub, claims.iat, verified.kid, toEpochSeconds(now))) return INACTIVE;
  if (await deps.store.tokenIds.has('revoked-access-token', claims.jti, now)) return INACTIVE;
  if ((await deps.store.clients.find(claims.client_id)) === null) return INACTIVE;
  return {
    active: true,
    token_type: claims.cnf === undefined ? 'Bearer' : 'DPoP',
    client_id: claims.client_id,
    sub: claims.sub,
    iss: claims.iss,
    aud: claims.aud,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    ...(claims.scope === undefined ? {} : { scope: claims.scope }),
    ...confirmation(claims.cnf),
  };
}

async function refreshToken(deps: IntrospectionDeps, token: string, now: number): Promise<Introspection> {
  const record = await deps.store.sessions.findRefreshToken(refreshTokenHash(token));
  if (record === null || record.usedAt !== null || record.expiresAt <= now) return INACTIVE;
  const session = await deps.store.sessions.find(record.sessionId);
  if (session === null || session.revokedAt !== null || session.absoluteExpiresAt <= now) return INACTIVE;
  const user = await deps.store.users.findById(session.userId);
  if (user === null || user.blocked) return INACTIVE;
  return {
    active: true,
    token_type: 'refresh_token',
    client_id: FIRST_PARTY_CLIENT_ID,
    sub: user.id,
    iss: deps.issuer,
    exp: toEpochSeconds(Math.min(record.expiresAt, session.absoluteExpiresAt)),
    iat: toEpochSeconds(record.createdAt),
    sid: session.id,
    ...(session.dpopJkt === null ? {} : { cnf: { jkt: session.dpopJkt } }),
  };
}

/** The `cnf` claim (RFC 7800) of a sender-constrained token, when it has one. */
function confirmation(cnf: unknown): { cnf?: Record<string, unknown> } {
  return typeof cnf === 'object' && cnf !== null && !Array.isArray(cnf)
    ? { cnf: cnf as Record<string, unknown> }
    : {};
}
