import type { FastifyInstance } from 'fastify';
import { toFeedEntry } from '../../service/index.js';
import { digits, queryInteger } from '../query.js';
import type { RouteContext } from './context.js';

/**
 * JWKS, discovery metadata, the revocation feed (public unless
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

  const metadata = {
    issuer: config.issuer,
    jwks_uri: `${base}/.well-known/jwks.json`,
    token_endpoint: `${base}/auth/login`,
    registration_endpoint: `${base}/auth/register`,
    revocation_endpoint: `${base}/auth/logout`,
    response_types_supported: [],
    grant_types_supported: ['password', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    token_endpoint_auth_signing_alg_values_supported: [config.signingAlg],
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
        querystring: { type: 'object', properties: { after: digits, limit: digits } },
      },
    },
    async (request, reply) => {
      const page = await service.revocations.feed(
        queryInteger(request.query.after, { min: 0, max: Number.MAX_SAFE_INTEGER }) ?? 0,
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

  app.get('/healthz', async (_request, reply) => {
    await service.health();
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });
}
