import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthContext } from '../auth-context.js';
import type { Requirement } from '../authorize.js';
import { compileRequirement } from '../authorize.js';
import { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';
import { settle } from '../settle.js';

/**
 * Authenticates a node:http request: the Bearer header (and the guard's
 * cookie or query parameter, if configured). Returns the AuthContext itself
 * when the keys are known (the usual case), a promise only when the JWKS must
 * be fetched first; throws (or rejects with) a GuardError. `await` handles both.
 *
 * @example
 * http.createServer(async (req, res) => {
 *   let auth;
 *   try {
 *     auth = await authenticateRequest(guard, req);
 *   } catch (err) {
 *     if (err instanceof GuardError) return sendGuardError(res, err);
 *     throw err;
 *   }
 *   res.end(JSON.stringify({ user: auth.subject }));
 * });
 */
export function authenticateRequest(guard: Guard, req: IncomingMessage): AuthContext | Promise<AuthContext> {
  return guard.checkRequest(req);
}

/**
 * Answers a GuardError: its status, `WWW-Authenticate` challenge and JSON body
 * `{ error, error_description }` (built once; the token is never in it).
 *
 * @example
 * if (err instanceof GuardError) return sendGuardError(res, err);
 */
export function sendGuardError(res: ServerResponse, err: GuardError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = err.status;
  res.setHeader('www-authenticate', err.wwwAuthenticate);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(err.json);
}

/** A request handler that runs once the request is authenticated (and authorized). */
export type AuthenticatedHandler<R> = (req: IncomingMessage, res: ServerResponse, auth: AuthContext) => R;

/**
 * Wraps a node:http handler: refused requests get their 400/401/403 answer,
 * the others reach `handler` with their AuthContext. Synchronous whenever the
 * keys are known.
 *
 * @example
 * http.createServer(withAuth(guard, (req, res, auth) => {
 *   res.end(JSON.stringify({ user: auth.subject }));
 * })).listen(8080);
 *
 * // only admins:
 * withAuth(guard, handler, { roles: ['admin'] });
 */
export function withAuth<R>(
  guard: Guard,
  handler: AuthenticatedHandler<R>,
  requirement?: Requirement,
): (req: IncomingMessage, res: ServerResponse) => R | Promise<R | undefined> | undefined {
  const compiled =
    requirement === undefined ? undefined : compileRequirement(requirement, 'withAuth requirement');
  const check = (req: IncomingMessage) => authenticateRequest(guard, req);
  const proceed = (auth: AuthContext, req: IncomingMessage, res: ServerResponse): R | undefined => {
    if (compiled !== undefined) {
      try {
        guard.authorize(auth, compiled);
      } catch (err) {
        sendGuardError(res, err as GuardError);
        return undefined;
      }
    }
    return handler(req, res, auth);
  };
  return (req, res) => settle(check, proceed, refuse, req, res, undefined);
}

function refuse(err: unknown, _req: IncomingMessage, res: ServerResponse): undefined {
  if (!(err instanceof GuardError)) throw err;
  sendGuardError(res, err);
  return undefined;
}
