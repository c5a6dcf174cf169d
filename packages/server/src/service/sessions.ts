import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { InvalidRefreshReason, Session, Store, User } from '../store/index.js';
import type { RequestMeta } from './accounts.js';
import type { AuditLog } from './audit.js';
import { type Clock, toEpochSeconds } from './clock.js';
import type { ServiceEvents } from './events.js';
import { checkPassword, type PasswordHasher } from './passwords.js';
import type { Revocations } from './revocations.js';
import {
  isRefreshToken,
  newRefreshToken,
  open,
  refreshTokenHash,
  refreshTokenSession,
  seal,
  successorKey,
} from './secrets.js';
import type { AccessTokenClaims, AccessTokens } from './tokens.js';

/** Session lifetimes, in ms. */
export interface SessionPolicy {
  /** A refresh token unused this long dies. Default 14 days. */
  refreshIdleMs: number;
  /** No refresh token of a session lives past this, however often it rotates. Default 30 days. */
  refreshAbsoluteMs: number;
  /** A retry with a just-rotated token within this window gets the same successor. Default 30 s. */
  refreshGraceMs: number;
}

/** What login and refresh hand to the client. */
export interface TokenPair {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken: string;
  sessionId: string;
  /** `'DPoP'` when the access token is bound to a DPoP key, else `'Bearer'`. */
  tokenType: 'Bearer' | 'DPoP';
}

export type LoginResult =
  | { status: 'ok'; user: User; session: Session; tokens: TokenPair }
  | { status: 'invalid-credentials' }
  | { status: 'blocked' }
  | { status: 'password-too-long' };

export type RefreshResult =
  | { status: 'ok'; tokens: TokenPair; user: User; session: Session }
  | { status: 'reused'; sessionId: string }
  | { status: 'invalid'; reason: Exclude<InvalidRefreshReason, 'dpop-mismatch'> | 'malformed' }
  /** The session is DPoP-bound and the request had no proof by its key; nothing was spent. */
  | { status: 'dpop-mismatch' };

export type AuthenticateResult =
  | { status: 'ok'; claims: AccessTokenClaims; session: Session }
  | { status: 'invalid' }
  | { status: 'revoked' };

const SUCCESSOR_CONTEXT = 'refresh-successor';

/**
 * Login sessions and their rotating refresh tokens.
 *
 * @example
 * const login = await sessions.login('ada@example.com', password, { ip });
 * if (login.status === 'ok') reply(login.tokens);
 * const next = await sessions.refresh(login.tokens.refreshToken, { ip });
 */
export class Sessions {
  constructor(
    private readonly store: Store,
    private readonly hasher: PasswordHasher,
    private readonly tokens: AccessTokens,
    private readonly revocations: Revocations,
    private readonly events: ServiceEvents,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly policy: SessionPolicy,
  ) {}

  /**
   * Checks the credentials and opens a new session. Unknown email and wrong
   * password cost the same argon2 work and give the same result. With `dpopJkt` (the key of a
   * verified DPoP proof) the session's refresh tokens and its access tokens are bound to that key.
   */
  async login(
    email: string,
    password: string,
    meta: RequestMeta = {},
    dpopJkt?: string,
  ): Promise<LoginResult> {
    if (checkPassword(password) === 'too-long') return { status: 'password-too-long' };
    const user = await this.store.users.findByEmail(email);
    if (user === null) {
      await this.hasher.verifyDummy(password);
      this.events.login('invalid-credentials');
      await this.audit.record('login-failed', { meta, details: { reason: 'unknown-email' } });
      return { status: 'invalid-credentials' };
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      this.events.login('invalid-credentials');
      await this.audit.record('login-failed', {
        userId: user.id,
        meta,
        details: { reason: 'wrong-password' },
      });
      return { status: 'invalid-credentials' };
    }
    if (user.blocked) {
      this.events.login('blocked');
      await this.audit.record('login-failed', { userId: user.id, meta, details: { reason: 'blocked' } });
      return { status: 'blocked' };
    }
    const now = this.clock.now();
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.store.users.updatePasswordHash(user.id, await this.hasher.hash(password), now);
    }
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken(sessionId);
    const absoluteExpiresAt = now + this.policy.refreshAbsoluteMs;
    await this.revocations.cutoffs.sync();
    const session = await this.store.sessions.create(
      {
        id: sessionId,
        userId: user.id,
        createdAt: now,
        absoluteExpiresAt,
        ip: meta.ip ?? null,
        userAgent: meta.userAgent ?? null,
        dpopJkt: dpopJkt ?? null,
      },
      {
        hash: refreshTokenHash(refreshToken),
        expiresAt: Math.min(now + this.policy.refreshIdleMs, absoluteExpiresAt),
      },
    );
    this.events.login('ok');
    await this.audit.record('login', {
      userId: user.id,
      sessionId: session.id,
      meta,
      details: dpopJkt === undefined ? {} : { dpop: true },
    });
    return { status: 'ok', user, session, tokens: this.pair(user, session, refreshToken, now, dpopJkt) };
  }

  /**
   * Trades a refresh token for a new pair, in one atomic store step. A retry
   * within the grace window gets the same successor back; a token used before
   * that is theft: the whole session is revoked and the event audited.
   *
   * `dpopJkt` is the key of the request's verified DPoP proof: the new access token is bound to
   * it. A DPoP-bound session (RFC 9449 §5) is refreshed only with a proof by its own key; without
   * one the answer is `dpop-mismatch` and the refresh token is NOT spent (the store's atomic
   * rotation checks the binding first), so a thief without the key can neither use it nor burn it.
   */
  async refresh(refreshToken: string, meta: RequestMeta = {}, dpopJkt?: string): Promise<RefreshResult> {
    if (!isRefreshToken(refreshToken)) {
      this.events.refresh('invalid');
      return { status: 'invalid', reason: 'malformed' };
    }
    const now = this.clock.now();
    const successor = newRefreshToken(refreshTokenSession(refreshToken));
    // The cutoffs are read alongside, not after: the new access token's iat must clear a user or
    // global cutoff written (by any instance) before this refresh.
    const [result] = await Promise.all([
      this.store.sessions.rotateRefreshToken({
        hash: refreshTokenHash(refreshToken),
        successor: {
          hash: refreshTokenHash(successor),
          sealed: seal(successorKey(refreshToken), Buffer.from(successor), SUCCESSOR_CONTEXT),
          expiresAt: now + this.policy.refreshIdleMs,
        },
        now,
        graceMs: this.policy.refreshGraceMs,
        dpopJkt: dpopJkt ?? null,
      }),
      this.revocations.cutoffs.sync(),
    ]);
    switch (result.status) {
      case 'rotated':
        this.events.refresh('rotated');
        return {
          status: 'ok',
          user: result.user,
          session: result.session,
          tokens: this.pair(result.user, result.session, successor, now, dpopJkt),
        };
      case 'grace': {
        const same = open(successorKey(refreshToken), result.successorSealed, SUCCESSOR_CONTEXT);
        if (same === null) return { status: 'invalid', reason: 'unknown' };
        this.events.refresh('grace');
        return {
          status: 'ok',
          user: result.user,
          session: result.session,
          tokens: this.pair(result.user, result.session, same.toString('utf8'), now, dpopJkt),
        };
      }
      case 'reused':
        this.events.refresh('reused');
        await this.revocations.revokeAccess([result.session], now);
        await this.audit.record('refresh-reuse', {
          userId: result.session.userId,
          sessionId: result.session.id,
          meta,
          details: {
            family: result.session.id,
            action: 'session-revoked',
          },
        });
        return { status: 'reused', sessionId: result.session.id };
      default:
        this.events.refresh('invalid');
        if (result.reason === 'dpop-mismatch') return { status: 'dpop-mismatch' };
        return { status: 'invalid', reason: result.reason };
    }
  }

  /**
   * Ends a session, found by id (Bearer logout) or by refresh token. Unknown
   * ones are not an error: logout always succeeds (RFC 7009 style).
   */
  async logout(by: { sessionId: string } | { refreshToken: string }, meta: RequestMeta = {}): Promise<void> {
    const now = this.clock.now();
    let session: Session | null = null;
    if ('sessionId' in by) session = await this.store.sessions.revoke(by.sessionId, 'logout', now);
    else if (isRefreshToken(by.refreshToken)) {
      session = await this.store.sessions.revokeByRefreshToken(
        refreshTokenHash(by.refreshToken),
        'logout',
        now,
      );
    }
    if (session === null) return;
    await this.revocations.revokeAccess([session], now);
    await this.audit.record('logout', { userId: session.userId, sessionId: session.id, meta });
  }

  /** Ends every session of the user; their access tokens are cut by one per-user entry. */
  async logoutAll(userId: string, meta: RequestMeta = {}): Promise<number> {
    const now = this.clock.now();
    const revoked = await this.store.sessions.revokeAllForUser(userId, 'logout-all', now);
    await this.revocations.revokeUser(userId, now);
    await this.audit.record('logout-all', { userId, meta, details: { count: revoked.length } });
    return revoked.length;
  }

  /** The user's live sessions, newest first. */
  list(userId: string): Promise<Session[]> {
    return this.store.sessions.listForUser(userId, { now: this.clock.now(), activeOnly: true });
  }

  /** Ends one of the user's own sessions; false when it isn't theirs or isn't live. */
  async revokeOwn(userId: string, sessionId: string, meta: RequestMeta = {}): Promise<boolean> {
    const session = await this.store.sessions.find(sessionId);
    if (session === null || session.userId !== userId) return false;
    const now = this.clock.now();
    const revoked = await this.store.sessions.revoke(sessionId, 'logout', now);
    if (revoked === null) return false;
    await this.revocations.revokeAccess([revoked], now);
    await this.audit.record('logout', { userId, sessionId, meta, details: { from: 'sessions-endpoint' } });
    return true;
  }

  /**
   * Checks a Bearer access token for the server's own routes: signature and
   * claims, then its session in the store (revoked, or issued before the
   * session's cutoff), then the user, global and key cutoffs held in memory
   * (see RevocationCutoffs), so logout and role changes apply here at once.
   * One store read per call; `fresh` first catches up with entries written by
   * other instances (one more, usually empty, read): write routes ask for it.
   */
  async authenticate(accessToken: string, opts: { fresh?: boolean } = {}): Promise<AuthenticateResult> {
    const now = this.clock.now();
    let verified: ReturnType<AccessTokens['verify']>;
    try {
      verified = this.tokens.verify(accessToken, now);
    } catch {
      return { status: 'invalid' };
    }
    const { claims, kid } = verified;
    const session = await this.liveSession(claims, kid, opts);
    return session === null ? { status: 'revoked' } : { status: 'ok', claims, session };
  }

  /**
   * The session of a verified access token, or null when the token was revoked: its session is
   * gone, revoked or someone else's, or a session, user, global or key cutoff lies after the
   * token's `iat` (or names its `kid`). `fresh` first catches up with entries other instances wrote.
   *
   * @example
   * const session = await sessions.liveSession(claims, header.kid);
   */
  async liveSession(
    claims: AccessTokenClaims,
    kid: string | undefined,
    opts: { fresh?: boolean } = {},
  ): Promise<Session | null> {
    const cutoffs = this.revocations.cutoffs;
    const [session] = await Promise.all([
      this.store.sessions.find(claims.sid),
      opts.fresh === true ? cutoffs.sync() : cutoffs.ready(),
    ]);
    if (session === null || session.userId !== claims.sub) return null;
    if (session.revokedAt !== null || claims.iat < session.accessNotBefore) return null;
    if (cutoffs.revokes(claims.sub, claims.iat, kid, toEpochSeconds(this.clock.now()))) return null;
    return session;
  }

  private pair(
    user: User,
    session: Session,
    refreshToken: string,
    now: number,
    dpopJkt: string | undefined,
  ): TokenPair {
    const started = performance.now();
    const notBefore = this.revocations.cutoffs.notBefore(user.id, toEpochSeconds(now));
    const access = this.tokens.issue(user, session, now, notBefore, dpopJkt);
    this.events.signed((performance.now() - started) / 1000);
    return {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken,
      sessionId: session.id,
      tokenType: dpopJkt === undefined ? 'Bearer' : 'DPoP',
    };
  }
}
