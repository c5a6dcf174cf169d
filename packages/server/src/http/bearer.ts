import { bearerCredentials, isToken68 } from '@tessera/jwt/internal';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenClaims, TesseraService } from '../service/index.js';
import { bearerChallenge, sendError } from './errors.js';

/** Who is calling, once a Bearer token was accepted. */
export interface ServerAuth {
  userId: string;
  sessionId: string;
  roles: string[];
  permissions: string[];
  claims: AccessTokenClaims;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: ServerAuth | null;
  }
}

/**
 * The token of an `Authorization: Bearer` header; undefined when absent, null
 * when malformed (another scheme included: these routes take Bearer only).
 * Trailing spaces are tolerated.
 */
export function bearerToken(request: FastifyRequest): string | undefined | null {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const credentials = bearerCredentials(header);
  if (typeof credentials !== 'string') return null;
  // A loop, not / +$/: that regex is quadratic on a header of spaces followed by a letter.
  let end = credentials.length;
  while (end > 0 && credentials.charCodeAt(end - 1) === 0x20) end--;
  const token = credentials.slice(0, end);
  return isToken68(token) ? token : null;
}

/**
 * A preHandler that requires a valid access token whose session is alive
 * (checked in the store, so logout and role changes apply at once).
 *
 * @example
 * app.get('/auth/me', { preHandler: requireBearer(service) }, handler);
 */
export function requireBearer(service: TesseraService) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = bearerToken(request);
    if (token === undefined) {
      reply.header('www-authenticate', bearerChallenge());
      return sendError(reply, 401, 'unauthorized', 'a Bearer access token is required');
    }
    if (token === null) {
      reply.header('www-authenticate', bearerChallenge('invalid_request'));
      return sendError(reply, 400, 'invalid_request', 'malformed Authorization header');
    }
    // A request that changes state first catches up with revocations made on other instances.
    const fresh = request.method !== 'GET' && request.method !== 'HEAD';
    const result = await service.sessions.authenticate(token, { fresh });
    if (result.status !== 'ok') {
      reply.header('www-authenticate', bearerChallenge('invalid_token'));
      return sendError(reply, 401, 'invalid_token', 'the access token is invalid, expired or revoked');
    }
    const { claims } = result;
    request.principal = {
      userId: claims.sub,
      sessionId: claims.sid,
      roles: claims.roles,
      permissions: claims.permissions,
      claims,
    };
  };
}

/**
 * A preHandler (after requireBearer) that requires one of the roles.
 *
 * @example
 * app.delete('/demo/users/:id', { preHandler: [requireBearer(service), requireRole('admin')] }, handler);
 */
export function requireRole(...roles: string[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.principal === null || !roles.some((role) => request.principal?.roles.includes(role))) {
      reply.header('www-authenticate', bearerChallenge('insufficient_scope'));
      return sendError(reply, 403, 'insufficient_scope', `this needs the role ${roles.join(' or ')}`);
    }
  };
}
