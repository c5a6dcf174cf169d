import fastifyCors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * CORS for the configured `allowedOrigins` only, through @fastify/cors: a
 * single-page app on another origin may call the API with credentials (the
 * refresh cookie); every other origin gets no CORS headers at all, so browsers
 * keep it out. `Vary: Origin` is on every answer, so no cache hands one
 * origin's answer to another.
 *
 * @example
 * await allowCors(app, ['https://app.example.com']);
 */
export async function allowCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const allowed = new Set(origins);
  await app.register(fastifyCors, {
    // A function, not the list: with a list, @fastify/cors still sends Allow-Credentials
    // and answers preflights of unknown origins; `false` sends nothing at all.
    origin: (origin, callback) =>
      callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    credentials: true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'dpop', 'x-tessera-client', 'x-tessera-device'],
    // A DPoP client reads the nonce and the challenge (RFC 9449 §8 and §7.1).
    exposedHeaders: ['dpop-nonce', 'www-authenticate'],
    maxAge: 600,
    // Every OPTIONS request of an allowed origin is answered, as before, even without
    // Access-Control-Request-Method (the strict mode would answer it 400).
    strictPreflight: false,
  });
}
