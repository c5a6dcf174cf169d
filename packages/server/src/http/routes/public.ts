import type { FastifyInstance } from 'fastify';
import { toFeedEntry } from '../../service/index.js';
import { sendError } from '../errors.js';
import { cursorDigits, digits, queryCursor, queryInteger } from '../query.js';
import type { RouteContext } from './context.js';
import { revocationStreamRoute } from './revocation-stream.js';

/** What private_key_jwt assertions may be signed with: every asymmetric algorithm of @tessera/jwt. */
const ASSERTION_ALGS = [
  'EdDSA',
  'Ed25519',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
];

/**
 * JWKS, discovery metadata, the revocation feed and its stream (public unless
 * `revocationFeedSecret` is set) and health. `/metrics` has a listener of its
 * own (metrics-app.ts).
 */
export function publicRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service } = ctx;
  const { config } = service;
  const base = config.issuer.replace(/\/$/, '');
  let jwksBody: { source: unknown; text: string } | undefined;

  app.get('/.well-known/jwks.json', async (_request, reply) => {
    const jwks = service.keys.jwks();
    // Serialize once per key change: this route is hit by every verifier.
    if (jwksBody?.source !== jwks) jwksBody = { source: jwks, text: JSON.stringify(jwks) };
    return reply
      .header('cache-control', `public, max-age=${config.jwksMaxAgeSeconds}`)
      .type('application/jwk-set+json')
      .send(jwksBody.text);
  });

  // RFC 8414: exactly what the server accepts, and nothing it does not.
  const clientAuth = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
  const { endpoints } = service.oauth;
  const metadata = {
    issuer: config.issuer,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: endpoints.token,
    revocation_endpoint: endpoints.revocation,
    introspection_endpoint: endpoints.introspection,
    response_types_supported: [],
    grant_types_supported: ['client_credentials', 'refresh_token'],
    // `none`: the first-party app (client_id `tessera`) refreshes and revokes users' tokens.
    token_endpoint_auth_methods_supported: [...clientAuth, 'none'],
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    revocation_endpoint_auth_methods_supported: [...clientAuth, 'none'],
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    introspection_endpoint_auth_methods_supported: clientAuth,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    // RFC 9449 §5.1: the proof algorithms the token endpoint and the server's own routes accept.
    dpop_signing_alg_values_supported: [...service.dpop.algorithms],
    tessera_refresh_endpoint: `${base}/auth/refresh`,
    tessera_revocation_feed: `${base}/auth/revocations`,
    tessera_access_token_audience: config.audience,
  };
  app.get('/.well-known/oauth-authorization-server', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').send(metadata),
  );

  app.get<{ Querystring: { after?: string; limit?: string } }>(
    '/auth/revocations',
    {
      schema: {
        querystring: { type: 'object', properties: { after: cursorDigits, limit: digits } },
      },
    },
    async (request, reply) => {
      const after = queryCursor(request.query.after);
      if (after === null) return sendError(reply, 400, 'invalid_request', 'after must be a feed cursor');
      const page = await service.revocations.feed(
        after ?? 0,
        service.clock.now(),
        queryInteger(request.query.limit, { min: 1, max: 5000 }),
      );
      reply.header('cache-control', 'no-store');
      return {
        cursor: page.cursor,
        revoked: page.revoked.map(toFeedEntry),
      };
    },
  );

  revocationStreamRoute(app, ctx);

  app.get('/healthz', async (_request, reply) => {
    await service.health();
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });
}
