import {
  type BearerError,
  bearerChallenge as challenge,
  dpopChallenge as challengeDpop,
  type DpopChallengeError,
} from '@tessera/jwt/internal';
import type { FastifyReply } from 'fastify';

/**
 * Every `error` code the HTTP API answers with, and when. `docs/errors.md`
 * lists the same codes; a test fails when one is missing there.
 */
export const HTTP_ERROR_CODES = {
  invalid_request:
    'Bad input (400): a schema violation, invalid JSON, an email that is not a valid address, a new password that is refused (the description says why: too short or too long, too common, or containing the email’s name), a request carrying the refresh cookie twice; also 403 for a cookie request without an allowed Origin, 413/415 for oversized or non-JSON bodies.',
  invalid_grant:
    'Wrong email or password at login (401); a bad, expired, reused or revoked refresh token (401; 400 at /oauth/token, as RFC 6749 §5.2 says); a wrong current password (400).',
  invalid_client:
    'OAuth client authentication failed at /oauth/token, /oauth/revoke or /oauth/introspect: unknown client, wrong secret, another method than the registered one, a bad, expired or replayed client assertion, no credentials, or the public first-party client at introspection (401, with WWW-Authenticate: Basic).',
  unauthorized_client:
    'The authenticated client may not use this grant type, or the token it asks to revoke was issued to another client (400).',
  unsupported_grant_type: 'grant_type is neither client_credentials nor refresh_token (400).',
  invalid_scope:
    'A requested scope is malformed or not allowed for the client; or a scope was asked for with a refresh token (400).',
  invalid_token:
    'The access token is invalid, expired or revoked; or a DPoP-bound token came as Bearer, or an unbound one as DPoP (401, with WWW-Authenticate).',
  invalid_dpop_proof:
    'The DPoP proof is missing where it is needed, malformed, not for this method or URL, too old or from the future, replayed, for another access token or by another key than the token or refresh token is bound to (400 at /oauth/token, /auth/login and /auth/refresh; 401 with a DPoP challenge at the Bearer routes).',
  use_dpop_nonce:
    'dpop.nonce is on and the DPoP proof lacks a current server nonce: retry with the DPoP-Nonce response header’s value in the proof (400 at the token endpoints, 401 at the Bearer routes).',
  unauthorized:
    'A Bearer access token is required and none was sent (401, with WWW-Authenticate and no error attribute).',
  insufficient_scope: 'The access token is valid but lacks the role the route needs (403).',
  access_denied: 'The account is blocked, or registration is closed (403).',
  not_found: 'No such route, user, client, signing key or live session (404).',
  conflict:
    'The change conflicts with the current state (409): the email is taken, or it would leave no unblocked admin (removing the admin role from, blocking or deleting the last one).',
  too_many_requests:
    'A rate limit was hit (429, with Retry-After: the seconds until the next attempt may go, growing with repeated login failures).',
  temporarily_unavailable:
    'The server is overloaded and refuses work before doing any (503, with Retry-After); retry later.',
  server_error: 'An unexpected failure (500); the details are only in the server log, never in the response.',
} as const;

/** An OAuth-style error code of the HTTP API. */
export type OAuthError = keyof typeof HTTP_ERROR_CODES;

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
export function bearerChallenge(error?: BearerError): string {
  return challenge('tessera', error);
}

/** RFC 9449 §7.1 challenge for the server's own routes: the error and the proof algorithms. */
export function dpopChallenge(algs: readonly string[], error?: DpopChallengeError): string {
  return challengeDpop('tessera', algs, error);
}
