import type { FastifyReply } from 'fastify';

/** OAuth-style error codes the HTTP API answers with. */
export type OAuthError =
  | 'invalid_request'
  | 'invalid_grant'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'invalid_client'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'server_error';

/**
 * Sends `{ error, error_description }` with the status. Descriptions are fixed
 * strings: they never echo a token, a password or other input.
 *
 * @example
 * return sendError(reply, 401, 'invalid_grant', 'the refresh token is invalid');
 */
export function sendError(
  reply: FastifyReply,
  status: number,
  error: OAuthError,
  description: string,
): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .send({ error, error_description: description });
}

/** RFC 6750 challenge for the server's own Bearer routes. */
export function bearerChallenge(error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request'): string {
  return error === undefined ? 'Bearer realm="tessera"' : `Bearer realm="tessera", error="${error}"`;
}
