import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AuthContext } from '../auth-context.js';
import { compileRequirement, type Requirement } from '../authorize.js';
import { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';

/** The Hono environment the middleware provides: `c.get('auth')` is the AuthContext. */
export type GuardEnv = { Variables: { auth: AuthContext } };

/**
 * Hono middleware: extract → verify → `c.set('auth', …)` → next. Refused
 * requests get 400, 401 or 403 with a `WWW-Authenticate` challenge; with
 * `roles` / `permissions` it also authorizes (any one role, every permission).
 *
 * @example
 * const app = new Hono<GuardEnv>();
 * app.use('/api/*', guardMiddleware(guard));
 * app.get('/api/profile', (c) => c.json({ user: c.get('auth').subject }));
 * app.delete('/api/users/:id', guardMiddleware(guard, { roles: ['admin'] }), deleteUser);
 */
export function guardMiddleware(guard: Guard, requirement?: Requirement): MiddlewareHandler<GuardEnv> {
  const compiled = requirement === undefined ? undefined : compileRequirement(requirement, 'guardMiddleware');
  const accept = (c: Context<GuardEnv>, next: Next, auth: AuthContext): Promise<Response | undefined> => {
    if (compiled !== undefined) {
      try {
        guard.authorize(auth, compiled);
      } catch (err) {
        return Promise.resolve(refuse(c, err));
      }
    }
    c.set('auth', auth);
    return next() as Promise<undefined>;
  };
  return (c, next) => {
    let result: AuthContext | Promise<AuthContext>;
    try {
      result = guard.check(
        c.req.header('authorization'),
        guard.cookieName === undefined ? undefined : c.req.header('cookie'),
        guard.queryParameter === undefined ? undefined : c.req.url,
      );
    } catch (err) {
      return Promise.resolve(refuse(c, err));
    }
    if (result instanceof Promise) {
      return result.then(
        (auth) => accept(c, next, auth),
        (err: unknown) => refuse(c, err),
      );
    }
    return accept(c, next, result);
  };
}

function refuse(c: Context, err: unknown): Response {
  if (!(err instanceof GuardError)) throw err;
  return c.body(err.json, err.status, {
    'content-type': 'application/json; charset=utf-8',
    'www-authenticate': err.wwwAuthenticate,
  });
}
