import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenPair } from '../../service/index.js';
import { describePasswordProblem } from '../../service/passwords.js';
import { normalizeEmail } from '../../store/index.js';
import { accessCredentials, authenticateAccess } from '../bearer.js';
import { isBrowserClient } from '../browser.js';
import { bearerChallenge, sendError } from '../errors.js';
import { loginSucceeded } from '../login-throttle.js';
import { requestMeta } from '../request-meta.js';
import type { RouteContext } from './context.js';

const credentials = {
  type: 'object',
  required: ['email', 'password'],
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 254 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

const refreshBody = {
  anyOf: [
    { type: 'null' },
    { type: 'object', properties: { refresh_token: { type: 'string', minLength: 1, maxLength: 512 } } },
  ],
} as const;

/**
 * Sends a token pair: the refresh token in the body, or only in the cookie in browser mode. After
 * a login the device token goes the same way (`device_token` in the body, or the device cookie).
 */
function sendTokens(
  ctx: RouteContext,
  reply: FastifyReply,
  tokens: TokenPair,
  browser: boolean,
  deviceToken?: string,
) {
  reply.code(200).header('cache-control', 'no-store').header('pragma', 'no-cache');
  const body: Record<string, unknown> = {
    access_token: tokens.accessToken,
    token_type: tokens.tokenType,
    expires_in: tokens.expiresIn,
    session_id: tokens.sessionId,
  };
  if (browser) {
    ctx.browser.setRefreshCookie(reply, tokens.refreshToken);
    if (deviceToken !== undefined) ctx.browser.setDeviceCookie(reply, deviceToken);
  } else {
    body.refresh_token = tokens.refreshToken;
    if (deviceToken !== undefined) body.device_token = deviceToken;
  }
  return reply.send(body);
}

/**
 * The refresh token a cookie request carries, or the error already sent: a cookie request needs an
 * allowed Origin, and one with two refresh cookies is refused and both cleared (a sibling
 * subdomain may have tossed one in to log the victim into the attacker's session).
 */
function cookieRefreshToken(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): { token?: string; sent?: FastifyReply } {
  const cookie = ctx.browser.refreshCookie(request);
  if (cookie.status === 'none') return {};
  if (!ctx.browser.originAllowed(request)) {
    return { sent: sendError(reply, 403, 'invalid_request', 'cookie requests need an allowed Origin') };
  }
  if (cookie.status === 'several') {
    ctx.browser.clearRefreshCookie(reply);
    return {
      sent: sendError(reply, 400, 'invalid_request', 'more than one refresh cookie: log in again'),
    };
  }
  return { token: cookie.token };
}

/**
 * The request's DPoP proof for a login or a refresh (RFC 9449 §5): `{ jkt }` of a good one, `{}`
 * without one, or the refusal already sent (400; `use_dpop_nonce` when only the server nonce is
 * missing). The current nonce, when nonces are on, goes out with every answer.
 */
async function dpopOf(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
): Promise<{ jkt?: string; sent?: FastifyReply }> {
  const nonce = ctx.service.dpop.nonce();
  if (nonce !== undefined) reply.header('dpop-nonce', nonce);
  const check = await ctx.service.dpop.check(request.headers.dpop, { method: 'POST', path });
  if (check.status === 'absent') return {};
  if (check.status === 'ok') return { jkt: check.jkt };
  return { sent: sendError(reply, 400, check.error, check.description) };
}

/** Register, login, refresh and logout. */
export function authTokenRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service, browser, limits } = ctx;

  app.post<{ Body: { email: string; password: string } }>(
    '/auth/register',
    { schema: { body: credentials }, preHandler: limits.register },
    async (request, reply) => {
      const { email, password } = request.body;
      const result = await service.accounts.selfRegister(email, password, requestMeta(request));
      switch (result.status) {
        case 'registration-closed':
          return sendError(
            reply,
            403,
            'access_denied',
            'registration is closed: an administrator creates accounts',
          );
        case 'created':
          return reply.code(201).send({ id: result.user.id, email: result.user.email });
        case 'duplicate-email':
          // Same status and shape as a success, so registration can't tell who has an account.
          return reply.code(201).send({ id: randomUUID(), email: normalizeEmail(email) });
        case 'invalid-email':
          return sendError(reply, 400, 'invalid_request', 'email is not a valid address');
        default:
          return sendError(reply, 400, 'invalid_request', describePasswordProblem(result.problem));
      }
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    { schema: { body: credentials }, preHandler: limits.login },
    async (request, reply) => {
      const { email, password } = request.body;
      // Before the password hash: a proof that fails costs no argon2 work.
      const dpop = await dpopOf(ctx, request, reply, '/auth/login');
      if (dpop.sent !== undefined) return dpop.sent;
      const result = await service.sessions.login(email, password, requestMeta(request), dpop.jkt);
      switch (result.status) {
        case 'ok': {
          const deviceToken = await loginSucceeded(service.loginThrottle, request);
          return sendTokens(ctx, reply, result.tokens, isBrowserClient(request), deviceToken);
        }
        case 'password-too-long':
          return sendError(reply, 400, 'invalid_request', describePasswordProblem('too-long'));
        case 'blocked':
          return sendError(reply, 403, 'access_denied', 'this account is blocked');
        default:
          return sendError(reply, 401, 'invalid_grant', 'invalid email or password');
      }
    },
  );

  app.post<{ Body: { refresh_token?: string } | null }>(
    '/auth/refresh',
    { schema: { body: refreshBody }, preHandler: limits.refresh },
    async (request, reply) => {
      const fromBody = request.body?.refresh_token;
      const cookie = fromBody === undefined ? cookieRefreshToken(ctx, request, reply) : {};
      if (cookie.sent !== undefined) return cookie.sent;
      const fromCookie = cookie.token;
      if (fromBody === undefined && fromCookie === undefined) {
        return sendError(reply, 400, 'invalid_request', 'no refresh cookie: was it set for this site?');
      }
      // The proof is checked before the refresh token is looked at: a nonce challenge spends nothing.
      const dpop = await dpopOf(ctx, request, reply, '/auth/refresh');
      if (dpop.sent !== undefined) return dpop.sent;
      const result = await service.sessions.refresh(
        (fromBody ?? fromCookie) as string,
        requestMeta(request),
        dpop.jkt,
      );
      if (result.status === 'dpop-mismatch') {
        // The session lives on: its owner still holds the key. Nothing is cleared.
        return sendError(
          reply,
          400,
          'invalid_dpop_proof',
          'this refresh token needs a DPoP proof by the key it is bound to',
        );
      }
      if (result.status !== 'ok') {
        if (fromCookie !== undefined) browser.clearRefreshCookie(reply);
        return sendError(reply, 401, 'invalid_grant', 'the refresh token is invalid, expired or revoked');
      }
      return sendTokens(ctx, reply, result.tokens, fromCookie !== undefined || isBrowserClient(request));
    },
  );

  app.post<{ Body: { refresh_token?: string } | null }>(
    '/auth/logout',
    { schema: { body: refreshBody } },
    async (request: FastifyRequest<{ Body: { refresh_token?: string } | null }>, reply) => {
      reply.header('cache-control', 'no-store');
      const meta = requestMeta(request);
      const access = accessCredentials(request);
      if (access?.scheme === 'dpop') {
        // A DPoP-bound token logs out only with its proof; the refusal is the answer.
        const auth = await authenticateAccess(service, request, reply, access, { fresh: true });
        if (auth.status !== 'ok') return auth.sent;
        await service.sessions.logout({ sessionId: auth.session.id }, meta);
        browser.clearRefreshCookie(reply);
        return reply.code(204).send();
      }
      if (access) {
        const auth = await service.sessions.authenticate(access.token, { fresh: true });
        // A bound token sent as Bearer does not log out: whoever holds it may lack the key.
        if (auth.status === 'ok' && auth.claims.cnf === undefined) {
          await service.sessions.logout({ sessionId: auth.session.id }, meta);
          browser.clearRefreshCookie(reply);
          return reply.code(204).send();
        }
      }
      const fromBody = request.body?.refresh_token;
      const cookie = fromBody === undefined ? cookieRefreshToken(ctx, request, reply) : {};
      if (cookie.sent !== undefined) return cookie.sent;
      const fromCookie = cookie.token;
      const refreshToken = fromBody ?? fromCookie;
      if (refreshToken === undefined) {
        if (access === undefined)
          return sendError(reply, 400, 'invalid_request', 'a Bearer token or refresh_token is required');
        reply.header('www-authenticate', bearerChallenge('invalid_token'));
        return sendError(reply, 401, 'invalid_token', 'the access token is invalid, expired or revoked');
      }
      // Like RFC 7009: an unknown or dead refresh token still answers 204.
      await service.sessions.logout({ refreshToken }, meta);
      browser.clearRefreshCookie(reply);
      return reply.code(204).send();
    },
  );
}
