import { bearerCredentials, isToken68, schemeCredentials } from '@tessera/jwt/internal';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessTokenClaims, TesseraService } from '../service/index.js';
import type { Session } from '../store/index.js';
import { bearerChallenge, dpopChallenge, sendError } from './errors.js';

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

/** An access token and the scheme it came with. */
export interface AccessCredentials {
  scheme: 'bearer' | 'dpop';
  token: string;
}

/** Trailing spaces are tolerated; the rest must be a b64token. */
function tokenOf(credentials: string): string | null {
  // A loop, not / +$/: that regex is quadratic on a header of spaces followed by a letter.
  let end = credentials.length;
  while (end > 0 && credentials.charCodeAt(end - 1) === 0x20) end--;
  const token = credentials.slice(0, end);
  return isToken68(token) ? token : null;
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
  return tokenOf(credentials);
}

/**
 * The access token of an `Authorization: Bearer` or `Authorization: DPoP` header (RFC 9449 §7.1)
 * with its scheme; undefined when absent, null when malformed or another scheme.
 *
 * @example
 * const credentials = accessCredentials(request); // { scheme: 'dpop', token: 'eyJ…' }
 */
export function accessCredentials(request: FastifyRequest): AccessCredentials | undefined | null {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const bearer = bearerCredentials(header);
  if (bearer === null) return null;
  if (bearer !== undefined) {
    const token = tokenOf(bearer);
    return token === null ? null : { scheme: 'bearer', token };
  }
  const dpop = schemeCredentials(header, 'dpop');
  if (typeof dpop !== 'string') return null;
  const token = tokenOf(dpop);
  return token === null ? null : { scheme: 'dpop', token };
}

/** Both challenges: these routes take a Bearer token, or a DPoP-bound one with its proof. */
function challenges(service: TesseraService, error?: 'invalid_request' | 'invalid_token'): string {
  return `${bearerChallenge(error)}, ${dpopChallenge(service.dpop.algorithms, error)}`;
}

/** The result of authenticating a request's access token (and DPoP proof) at the server's own routes. */
export type RequestAuthResult =
  | { status: 'ok'; claims: AccessTokenClaims; session: Session }
  | { status: 'refused'; sent: FastifyReply };

/**
 * Authenticates the access token of a request, sending the refusal itself: a Bearer token, or a
 * DPoP-bound one (`cnf.jkt`) as `Authorization: DPoP` with a `DPoP` proof for this request, by
 * the token's key and carrying its hash (RFC 9449 §7). A bound token sent as Bearer is refused,
 * and so is an unbound one sent as DPoP. `fresh`: catch up with other instances' revocations.
 *
 * @example
 * const auth = await authenticateAccess(service, request, reply, credentials, { fresh: true });
 * if (auth.status === 'refused') return auth.sent;
 */
export async function authenticateAccess(
  service: TesseraService,
  request: FastifyRequest,
  reply: FastifyReply,
  credentials: AccessCredentials,
  opts: { fresh?: boolean } = {},
): Promise<RequestAuthResult> {
  const invalidToken = (description: string): RequestAuthResult => {
    reply.header('www-authenticate', challenges(service, 'invalid_token'));
    return { status: 'refused', sent: sendError(reply, 401, 'invalid_token', description) };
  };
  const result = await service.sessions.authenticate(credentials.token, opts);
  if (result.status !== 'ok') return invalidToken('the access token is invalid, expired or revoked');
  const jkt = result.claims.cnf?.jkt;
  if (jkt === undefined) {
    return credentials.scheme === 'bearer'
      ? result
      : invalidToken('the access token is not DPoP-bound: send it as Bearer');
  }
  if (credentials.scheme === 'bearer') {
    return invalidToken('the access token is DPoP-bound: send it as DPoP, with a proof');
  }
  const proof = await service.dpop.check(request.headers.dpop, {
    method: request.method,
    path: request.url,
    accessToken: credentials.token,
    expectedJkt: jkt,
  });
  if (proof.status === 'ok') return result;
  const nonce = service.dpop.nonce();
  if (nonce !== undefined) reply.header('dpop-nonce', nonce);
  const error = proof.status === 'absent' ? 'invalid_dpop_proof' : proof.error;
  const description = proof.status === 'absent' ? 'a DPoP proof is required' : proof.description;
  reply.header('www-authenticate', dpopChallenge(service.dpop.algorithms, error));
  return { status: 'refused', sent: sendError(reply, 401, error, description) };
}

/**
 * A preHandler that requires a valid access token whose session is alive
 * (checked in the store, so logout and role changes apply at once): Bearer,
 * or DPoP-bound with its proof.
 *
 * @example
 * app.get('/auth/me', { preHandler: requireBearer(service) }, handler);
 */
export function requireBearer(service: TesseraService) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const credentials = accessCredentials(request);
    if (credentials === undefined) {
      reply.header('www-authenticate', challenges(service));
      return sendError(reply, 401, 'unauthorized', 'a Bearer access token is required');
    }
    if (credentials === null) {
      reply.header('www-authenticate', challenges(service, 'invalid_request'));
      return sendError(reply, 400, 'invalid_request', 'malformed Authorization header');
    }
    // A request that changes state first catches up with revocations made on other instances.
    const fresh = request.method !== 'GET' && request.method !== 'HEAD';
    const result = await authenticateAccess(service, request, reply, credentials, { fresh });
    if (result.status !== 'ok') return result.sent;
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
