import { performance } from 'node:perf_hooks';
import type { Store } from '../store/index.js';
import type { RequestMeta } from './accounts.js';
import type { AuditLog } from './audit.js';
import {
  type AuthenticatedClient,
  ClientAuthenticator,
  type ClientAuthResult,
  type ClientCredentials,
} from './client-auth.js';
import { parseScope } from './clients.js';
import { type Clock, toEpochSeconds } from './clock.js';
import type { ServiceEvents } from './events.js';
import { type Introspection, introspectToken } from './oauth-introspect.js';
import type { Revocations } from './revocations.js';
import { isRefreshToken, refreshTokenHash } from './secrets.js';
import type { Sessions } from './sessions.js';
import type { AccessTokens, VerifiedAccessToken } from './tokens.js';

/** Where the OAuth endpoints live, below the issuer URL. */
export const OAUTH_PATHS = {
  token: '/oauth/token',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
} as const;
export type OAuthEndpoint = keyof typeof OAUTH_PATHS;

/** RFC 6749 §5.2 error codes (RFC 7009 and 7662 reuse them). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  /** RFC 9449 §5: the DPoP proof is invalid, or a bound refresh token came without its key's proof. */
  | 'invalid_dpop_proof'
  /** RFC 9449 §8: the proof must carry the nonce of the `DPoP-Nonce` response header. */
  | 'use_dpop_nonce';

/** A refusal with its code and a fixed description (never an echo of input). */
export interface OAuthFailure {
  status: 'error';
  error: OAuthErrorCode;
  description: string;
}

/** The form parameters of a token request that the grants read. */
export interface TokenRequest {
  grantType: string | undefined;
  scope?: string | undefined;
  refreshToken?: string | undefined;
  /** The key thumbprint of the request's verified DPoP proof: the tokens are bound to it. */
  dpopJkt?: string | undefined;
}

/** A token response (RFC 6749 §5.1). */
export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  /** `'DPoP'` for a token bound to the request's DPoP key (RFC 9449 §5), else `'Bearer'`. */
  tokenType: 'Bearer' | 'DPoP';
  refreshToken?: string;
  /** Space-separated; only when scopes were granted. */
  scope?: string;
}

export type TokenResult = { status: 'ok'; tokens: IssuedTokens } | OAuthFailure;
export type RevokeResult = { status: 'ok' } | OAuthFailure;

/** Revoked client tokens are remembered this long past their `exp` (clock skew of verifiers). */
const SKEW_SECONDS = 60;

function fail(error: OAuthErrorCode, description: string): OAuthFailure {
  return { status: 'error', error, description };
}

/**
 * The OAuth 2 surface for services: `client_credentials` and `refresh_token` at the token
 * endpoint (RFC 6749), revocation (RFC 7009) and introspection (RFC 7662). Users' refresh tokens
 * belong to the first-party public client; a registered client allowed the `refresh_token`
 * grant acts for it (a backend that keeps users' refresh tokens).
 *
 * @example
 * const auth = await oauth.authenticateClient(credentials, 'token');
 * if (auth.status === 'ok') reply(await oauth.token(auth.client, { grantType: 'client_credentials' }));
 */
export class OAuth {
  /** The absolute URL of each endpoint. */
  readonly endpoints: Readonly<Record<OAuthEndpoint, string>>;
  private readonly authenticator: ClientAuthenticator;

  constructor(
    private readonly store: Store,
    private readonly tokens: AccessTokens,
    private readonly sessions: Sessions,
    private readonly revocations: Revocations,
    private readonly events: ServiceEvents,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly issuer: string,
  ) {
    const base = issuer.replace(/\/$/, '');
    this.endpoints = Object.freeze({
      token: `${base}${OAUTH_PATHS.token}`,
      revocation: `${base}${OAUTH_PATHS.revocation}`,
      introspection: `${base}${OAUTH_PATHS.introspection}`,
    });
    this.authenticator = new ClientAuthenticator(store, clock, [issuer, this.endpoints.token]);
  }

  /** Authenticates the caller of `endpoint`; the first-party public client is refused at introspection. */
  authenticateClient(credentials: ClientCredentials, endpoint: OAuthEndpoint): Promise<ClientAuthResult> {
    return this.authenticator.authenticate(credentials, this.endpoints[endpoint], {
      allowPublic: endpoint !== 'introspection',
    });
  }

  /** The token endpoint, after client authentication. */
  async token(
    client: AuthenticatedClient,
    request: TokenRequest,
    meta: RequestMeta = {},
  ): Promise<TokenResult> {
    switch (request.grantType) {
      case undefined:
        return fail('invalid_request', 'grant_type is required');
      case 'client_credentials':
        return this.clientCredentials(client, request.scope, request.dpopJkt);
      case 'refresh_token':
        return this.refresh(client, request, meta);
      default:
        return fail('unsupported_grant_type', 'the grant types are client_credentials and refresh_token');
    }
  }

  private async clientCredentials(
    client: AuthenticatedClient,
    scope: string | undefined,
    dpopJkt: string | undefined,
  ): Promise<TokenResult> {
    if (!client.grantTypes.includes('client_credentials')) {
      return fail('unauthorized_client', 'this client may not use the client_credentials grant');
    }
    // RFC 6749 §3.3: without a scope parameter, the client gets every scope it is allowed.
    const requested = scope === undefined ? [...client.scopes] : parseScope(scope);
    if (requested === null || !requested.every((s) => client.scopes.includes(s))) {
      return fail('invalid_scope', 'a requested scope is malformed or not allowed for this client');
    }
    const started = performance.now();
    const now = this.clock.now();
    // A revoke-all in this very second must not catch the token issued right after it.
    const cutoffs = this.revocations.cutoffs;
    await cutoffs.sync();
    const notBefore = cutoffs.notBefore(client.id, toEpochSeconds(now));
    const issued = this.tokens.issueForClient(client.id, requested, now, notBefore, dpopJkt);
    this.events.signed((performance.now() - started) / 1000);
    return {
      status: 'ok',
      tokens: {
        accessToken: issued.token,
        expiresIn: issued.expiresIn,
        tokenType: dpopJkt === undefined ? 'Bearer' : 'DPoP',
        ...(requested.length === 0 ? {} : { scope: requested.join(' ') }),
      },
    };
  }

  private async refresh(
    client: AuthenticatedClient,
    request: TokenRequest,
    meta: RequestMeta,
  ): Promise<TokenResult> {
    if (!client.grantTypes.includes('refresh_token')) {
      return fail('unauthorized_client', 'this client may not use the refresh_token grant');
    }
    if (request.refreshToken === undefined) return fail('invalid_request', 'refresh_token is required');
    // Sessions carry no scope: asking for one can't be granted (RFC 6749 §6).
    if (request.scope !== undefined && request.scope.trim() !== '') {
      return fail('invalid_scope', 'refresh tokens of user sessions carry no scope');
    }
    // The very rotation of /auth/refresh: grace window, reuse detection, audit.
    const result = await this.sessions.refresh(request.refreshToken, meta, request.dpopJkt);
    if (result.status === 'dpop-mismatch') {
      return fail('invalid_dpop_proof', 'this refresh token needs a DPoP proof by the key it is bound to');
    }
    if (result.status !== 'ok')
      return fail('invalid_grant', 'the refresh token is invalid, expired or revoked');
    const { accessToken, expiresIn, refreshToken, tokenType } = result.tokens;
    return { status: 'ok', tokens: { accessToken, expiresIn, tokenType, refreshToken } };
  }

  /**
   * RFC 7009: revokes a refresh token (its session ends, with its access tokens) or an access
   * token (a user's: that session's current access tokens, the session stays; a client's: its
   * `jti` for introspection, and a per-subject revocation entry, `sub` being the client, that
   * guards learn from the feed: every access token the client holds now stops working, new ones
   * work). Unknown, expired or malformed tokens are not an error. A token issued to another
   * client is refused with `unauthorized_client`.
   */
  async revoke(client: AuthenticatedClient, token: string, meta: RequestMeta = {}): Promise<RevokeResult> {
    const now = this.clock.now();
    if (isRefreshToken(token)) {
      if ((await this.store.sessions.findRefreshToken(refreshTokenHash(token))) === null)
        return { status: 'ok' };
      if (!actsForUsers(client)) return notYours();
      await this.sessions.logout({ refreshToken: token }, meta);
      return { status: 'ok' };
    }
    let verified: VerifiedAccessToken;
    try {
      verified = this.tokens.verifyAny(token, now);
    } catch {
      return { status: 'ok' };
    }
    if (verified.kind === 'user') {
      if (!actsForUsers(client)) return notYours();
      const session = await this.sessions.liveSession(verified.claims, verified.kid, { fresh: true });
      if (session === null) return { status: 'ok' };
      await this.revocations.revokeAccess([session], now);
      await this.audit.record('access-token-revoked', {
        userId: session.userId,
        sessionId: session.id,
        meta,
        details: { by: client.id },
      });
      return { status: 'ok' };
    }
    if (verified.claims.client_id !== client.id) return notYours();
    await this.store.tokenIds.add(
      'revoked-access-token',
      verified.claims.jti,
      (verified.claims.exp + SKEW_SECONDS) * 1000,
      now,
    );
    // Guards know no jti deny-list: the feed's per-subject cutoff is what reaches them.
    await this.revocations.revokeUser(client.id, now);
    await this.audit.record('access-token-revoked', { meta, details: { clientId: client.id } });
    return { status: 'ok' };
  }

  /** RFC 7662: `{ active: false }` for anything unknown, expired, revoked or malformed. */
  introspect(token: string): Promise<Introspection> {
    return introspectToken(
      {
        store: this.store,
        tokens: this.tokens,
        sessions: this.sessions,
        cutoffs: this.revocations.cutoffs,
        issuer: this.issuer,
      },
      token,
      this.clock.now(),
    );
  }
}

/** Users' tokens are the first-party app's; a registered client with the refresh_token grant acts for it. */
function actsForUsers(client: AuthenticatedClient): boolean {
  return client.firstParty || client.grantTypes.includes('refresh_token');
}

function notYours(): OAuthFailure {
  return fail('unauthorized_client', 'the token was not issued to this client');
}
