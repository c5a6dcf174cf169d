import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  type AuthenticatedClient,
  OAUTH_PATHS,
  type OAuthEndpoint,
  type OAuthErrorCode,
} from '../../service/index.js';
import { type ClientAuthParams, clientCredentials } from '../client-credentials.js';
import { sendError } from '../errors.js';
import { requestMeta } from '../request-meta.js';
import type { RouteContext } from './context.js';

/** Form bodies here are a few parameters and at most one signed assertion. */
const FORM_LIMIT = 16 * 1024;

const field = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const clientAuthFields = {
  client_id: field(128),
  client_secret: field(256),
  client_assertion_type: field(128),
  client_assertion: field(8192),
} as const;

interface TokenForm extends ClientAuthParams {
  grant_type?: string;
  scope?: string;
  refresh_token?: string;
}

interface TokenOnlyForm extends ClientAuthParams {
  token: string;
  token_type_hint?: string;
}

const tokenForm = {
  type: 'object',
  properties: {
    grant_type: field(64),
    scope: { type: 'string', maxLength: 4096 },
    refresh_token: field(512),
    ...clientAuthFields,
  },
} as const;

const tokenOnlyForm = {
  type: 'object',
  required: ['token'],
  properties: { token: field(8192), token_type_hint: field(64), ...clientAuthFields },
} as const;

/**
 * RFC 6749 §5.2 error: 400, or 401 with a Basic challenge for `invalid_client` (the one HTTP
 * authentication scheme these endpoints take).
 */
function oauthError(reply: FastifyReply, error: OAuthErrorCode, description: string): FastifyReply {
  if (error !== 'invalid_client') return sendError(reply, 400, error, description);
  reply.header('www-authenticate', 'Basic realm="tessera"');
  return sendError(reply, 401, error, description);
}

/**
 * `POST /oauth/token`, `/oauth/revoke` and `/oauth/introspect`: form-encoded bodies only
 * (`application/x-www-form-urlencoded`, at most 16 KiB; a repeated parameter is a 400), client
 * authentication on each, `Cache-Control: no-store` on every answer.
 *
 * @example
 * oauthRoutes(app, ctx); // in buildApp, beside the other route modules
 */
export function oauthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service, limits } = ctx;

  /** The authenticated client, or null once the refusal was sent. */
  const authenticate = async (
    request: { headers: { authorization?: string | undefined }; body: ClientAuthParams },
    reply: FastifyReply,
    endpoint: OAuthEndpoint,
  ): Promise<AuthenticatedClient | null> => {
    const found = clientCredentials(request.headers.authorization, request.body);
    if (found.status === 'error') {
      oauthError(reply, found.error, found.description);
      return null;
    }
    const result = await service.oauth.authenticateClient(found.credentials, endpoint);
    if (result.status === 'ok') return result.client;
    oauthError(reply, 'invalid_client', 'client authentication failed');
    return null;
  };

  app.register(async (scope) => {
    // JSON and everything else stay out: these endpoints speak RFC 6749 form encoding only.
    scope.removeAllContentTypeParsers();
    await scope.register(fastifyFormbody, { bodyLimit: FORM_LIMIT });
    scope.addHook('onRequest', async (_request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    });

    scope.post<{ Body: TokenForm }>(
      OAUTH_PATHS.token,
      { bodyLimit: FORM_LIMIT, schema: { body: tokenForm } },
      async (request, reply) => {
        const { grant_type: grantType, scope: requested, refresh_token: refreshToken } = request.body;
        if (grantType === 'refresh_token') {
          // The same per-address limit as /auth/refresh: it is the same operation.
          await limits.refresh(request, reply);
          if (reply.sent) return reply;
        }
        // RFC 9449 §5: the proof first, so that a nonce challenge spends neither the client
        // assertion nor the refresh token. Every answer carries the current nonce (when on).
        const nonce = service.dpop.nonce();
        if (nonce !== undefined) reply.header('dpop-nonce', nonce);
        const dpop = await service.dpop.check(request.headers.dpop, {
          method: 'POST',
          path: OAUTH_PATHS.token,
        });
        if (dpop.status === 'error') return oauthError(reply, dpop.error, dpop.description);
        const client = await authenticate(request, reply, 'token');
        if (client === null) return reply;
        const result = await service.oauth.token(
          client,
          {
            grantType,
            scope: requested,
            refreshToken,
            dpopJkt: dpop.status === 'ok' ? dpop.jkt : undefined,
          },
          requestMeta(request),
        );
        if (result.status === 'error') return oauthError(reply, result.error, result.description);
        const { tokens } = result;
        return reply.send({
          access_token: tokens.accessToken,
          token_type: tokens.tokenType,
          expires_in: tokens.expiresIn,
          ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken }),
          ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
        });
      },
    );

    scope.post<{ Body: TokenOnlyForm }>(
      OAUTH_PATHS.revocation,
      { bodyLimit: FORM_LIMIT, schema: { body: tokenOnlyForm } },
      async (request, reply) => {
        const client = await authenticate(request, reply, 'revocation');
        if (client === null) return reply;
        // token_type_hint is accepted and not needed: the two kinds differ in shape.
        const result = await service.oauth.revoke(client, request.body.token, requestMeta(request));
        if (result.status === 'error') return oauthError(reply, result.error, result.description);
        return reply.code(200).send();
      },
    );

    scope.post<{ Body: TokenOnlyForm }>(
      OAUTH_PATHS.introspection,
      { bodyLimit: FORM_LIMIT, schema: { body: tokenOnlyForm } },
      async (request, reply) => {
        const client = await authenticate(request, reply, 'introspection');
        if (client === null) return reply;
        return reply.send(await service.oauth.introspect(request.body.token));
      },
    );
  });
}
