import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenPair } from '../../service/index.js';
import { bearerToken } from '../bearer.js';
import { isBrowserClient } from '../browser.js';
import { sendError } from '../errors.js';
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

/** Sends a token pair: the refresh token in the body, or only in the cookie in browser mode. */
function sendTokens(
  ctx: RouteContext,
  reply: FastifyReply,
  tokens: TokenPair,
  browser: boolean,
  status = 200,
) {
  reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache');
  const body: Record<string, unknown> = {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    session_id: tokens.sessionId,
  };
  if (browser) ctx.browser.setRefreshCookie(reply, tokens.refreshToken);
  else body.refresh_token = tokens.refreshToken;
  return reply.send(body);
}

/** Register, login, refresh and logout. */
export function authTokenRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service, browser, limits } = ctx;

  app.post<{ Body: { email: string; password: string } }>(
    '/auth/register',
    { schema: { body: credentials }, preHandler: limits.register },
    async (request, reply) => {
      const { email, password } = request.body;
      const result = await service.accounts.register(email, password, { meta: requestMeta(request) });
      switch (result.status) {
        case 'created':
          return reply.code(201).send({ id: result.user.id, email: result.user.email });
        case 'duplicate-email':
          // Same status and shape as a success, so registration can't tell who has an account.
          return reply.code(201).send({ id: randomUUID(), email: email.trim().toLowerCase() });
        case 'invalid-email':
          return sendError(reply, 400, 'invalid_request', 'email is not a valid address');
        default:
          return sendError(reply, 400, 'invalid_request', 'password must be 8 to 1024 bytes long');
      }
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/auth/login',
    { schema: { body: credentials }, preHandler: limits.login },
    async (request, reply) => {
      const { email, password } = request.body;
      const result = await service.sessions.login(email, password, requestMeta(request));
      switch (result.status) {
        case 'ok':
          return sendTokens(ctx, reply, result.tokens, isBrowserClient(request));
        case 'password-too-long':
          return sendError(reply, 400, 'invalid_request', 'password must be 8 to 1024 bytes long');
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
      const fromCookie = fromBody === undefined ? browser.cookieToken(request) : undefined;
      if (fromBody === undefined && fromCookie === undefined) {
        return sendError(reply, 400, 'invalid_request', 'no refresh cookie: was it set for this site?');
      }
      if (fromCookie !== undefined && !browser.originAllowed(request)) {
        return sendError(reply, 403, 'invalid_request', 'cookie requests need an allowed Origin');
      }
      const result = await service.sessions.refresh((fromBody ?? fromCookie) as string, requestMeta(request));
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
      const access = bearerToken(request);
      if (access) {
        const auth = await service.sessions.authenticate(access);
        if (auth.status === 'ok') {
          await service.sessions.logout({ sessionId: auth.session.id }, meta);
          browser.clearRefreshCookie(reply);
          return reply.code(204).send();
        }
      }
      const fromBody = request.body?.refresh_token;
      const fromCookie = fromBody === undefined ? browser.cookieToken(request) : undefined;
      if (fromCookie !== undefined && !browser.originAllowed(request)) {
        return sendError(reply, 403, 'invalid_request', 'cookie requests need an allowed Origin');
      }
      const refreshToken = fromBody ?? fromCookie;
      if (refreshToken === undefined) {
        if (access === undefined)
          return sendError(reply, 400, 'invalid_request', 'a Bearer token or refresh_token is required');
        reply.header('www-authenticate', 'Bearer realm="tessera", error="invalid_token"');
        return sendError(reply, 401, 'invalid_token', 'the access token is invalid, expired or revoked');
      }
      // Like RFC 7009: an unknown or dead refresh token still answers 204.
      await service.sessions.logout({ refreshToken }, meta);
      browser.clearRefreshCookie(reply);
      return reply.code(204).send();
    },
  );
}
