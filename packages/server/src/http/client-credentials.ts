import type { ClientCredentials, OAuthErrorCode } from '../service/index.js';

/** The client-authentication parameters of a form body (RFC 6749 §2.3.1, RFC 7523 §2.2). */
export interface ClientAuthParams {
  client_id?: string;
  client_secret?: string;
  client_assertion_type?: string;
  client_assertion?: string;
}

/** What the request carried: credentials to check, or why there are none to check. */
export type CredentialsOutcome =
  | { status: 'ok'; credentials: ClientCredentials }
  | {
      status: 'error';
      error: Extract<OAuthErrorCode, 'invalid_request' | 'invalid_client'>;
      description: string;
    };

const BASIC = /^Basic +([A-Za-z0-9+/]+=*) *$/i;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function refuse(error: 'invalid_request' | 'invalid_client', description: string): CredentialsOutcome {
  return { status: 'error', error, description };
}

/**
 * Finds the client's credentials in the Authorization header (`client_secret_basic`) or the form
 * body (`client_secret_post`, `private_key_jwt`, or a bare `client_id` for a public client). Two
 * methods in one request are refused (RFC 6749 §2.3). Nothing here checks a secret.
 *
 * @example
 * const found = clientCredentials(request.headers.authorization, request.body);
 * if (found.status === 'error') return oauthError(reply, found.error, found.description);
 */
export function clientCredentials(
  authorization: string | undefined,
  body: ClientAuthParams,
): CredentialsOutcome {
  const { client_id: clientId, client_secret: secret, client_assertion_type: type, client_assertion } = body;
  if (authorization !== undefined && authorization !== '') {
    const basic = basicCredentials(authorization);
    if (basic === null)
      return refuse('invalid_client', 'the Authorization header is not valid Basic credentials');
    if (secret !== undefined || type !== undefined || client_assertion !== undefined) {
      return refuse('invalid_request', 'use one client authentication method per request');
    }
    if (clientId !== undefined && clientId !== basic.clientId) {
      return refuse('invalid_request', 'client_id differs from the one in the Authorization header');
    }
    return { status: 'ok', credentials: { method: 'client_secret_basic', ...basic } };
  }
  if (type !== undefined || client_assertion !== undefined) {
    if (secret !== undefined)
      return refuse('invalid_request', 'use one client authentication method per request');
    if (type !== JWT_BEARER) return refuse('invalid_client', `client_assertion_type must be ${JWT_BEARER}`);
    if (client_assertion === undefined) return refuse('invalid_request', 'client_assertion is required');
    return {
      status: 'ok',
      credentials: { method: 'private_key_jwt', clientId, assertion: client_assertion },
    };
  }
  if (secret !== undefined) {
    if (clientId === undefined) return refuse('invalid_request', 'client_secret needs client_id');
    return { status: 'ok', credentials: { method: 'client_secret_post', clientId, secret } };
  }
  if (clientId !== undefined) return { status: 'ok', credentials: { method: 'none', clientId } };
  return refuse('invalid_client', 'client authentication is required');
}

/** `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1), or null. */
function basicCredentials(header: string): { clientId: string; secret: string } | null {
  const match = BASIC.exec(header);
  if (match === null) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  const clientId = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (clientId === null || secret === null || clientId === '' || secret === '') return null;
  if (clientId.length > 128 || secret.length > 256) return null;
  return { clientId, secret };
}

function formDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
