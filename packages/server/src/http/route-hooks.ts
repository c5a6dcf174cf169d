import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
  RouteOptions,
} from 'fastify';
import { bearerToken } from './bearer.js';
import { bearerChallenge, sendError } from './errors.js';

/**
 * `Cache-Control: no-store` on every response of every route (personal data,
 * tokens, sessions, audit rows…) unless its handler sets a Cache-Control of
 * its own; `/.well-known/*` (JWKS, metadata) is public and sets its own.
 * Applied to each route as it is added, so a route added later is covered too.
 * Call before any route is added.
 *
 * @example
 * preventCaching(app);
 */
export function preventCaching(app: FastifyInstance): void {
  const noStore = (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reply.header('cache-control', 'no-store');
    done();
  };
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/.well-known/')) prepend(route, noStore);
  });
}

/** True for `/auth/revocations` and every route under it (the SSE stream, …). */
export function isRevocationFeed(url: string): boolean {
  return url === '/auth/revocations' || url.startsWith('/auth/revocations/');
}

/**
 * With `revocationFeedSecret` set, `/auth/revocations` and every route under it
 * answer 401 unless the request carries `Authorization: Bearer <secret>`
 * (compared in constant time). Without it the feed stays public. Call before
 * any route is added.
 *
 * @example
 * requireFeedSecret(app, config.revocationFeedSecret);
 */
export function requireFeedSecret(app: FastifyInstance, secret: string | undefined): void {
  if (secret === undefined) return;
  const expected = digest(secret);
  const check = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request);
    if (token === undefined) {
      reply.header('www-authenticate', bearerChallenge());
      return sendError(reply, 401, 'unauthorized', 'the revocation feed needs its Bearer secret');
    }
    if (token === null || !timingSafeEqual(digest(token), expected)) {
      reply.header('www-authenticate', bearerChallenge('invalid_token'));
      return sendError(reply, 401, 'invalid_token', 'the revocation feed secret is wrong');
    }
  };
  app.addHook('onRoute', (route) => {
    if (isRevocationFeed(route.url)) prepend(route, check);
  });
}

/** Equal lengths for timingSafeEqual, and the secret's length stays private. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function prepend(route: RouteOptions, hook: onRequestHookHandler): void {
  const current = route.onRequest;
  route.onRequest =
    current === undefined ? [hook] : [hook, ...(Array.isArray(current) ? current : [current])];
}
