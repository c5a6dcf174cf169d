import type { FastifyInstance } from 'fastify';

const ALLOW_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOW_HEADERS = 'authorization, content-type, x-tessera-client, x-tessera-device';

/**
 * CORS for the configured `allowedOrigins` only: a single-page app on another
 * origin may call the API with credentials (the refresh cookie); every other
 * origin gets no CORS headers, so browsers keep it out.
 *
 * @example
 * allowCors(app, ['https://app.example.com']);
 */
export function allowCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return;
    reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-credentials', 'true')
      .header('vary', 'Origin');
    if (request.method === 'OPTIONS') {
      return reply
        .code(204)
        .header('access-control-allow-methods', ALLOW_METHODS)
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', '600')
        .send();
    }
  });
}
