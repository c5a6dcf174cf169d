import type { Context, MiddlewareHandler, Next } from 'hono';
import type { AuthContext } from '../auth-context.js';
import { compileRequirement, type Requirement } from '../authorize.js';
import { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';
import { settle } from '../settle.js';

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
  const check = (c: Context<GuardEnv>) =>
    guard.check(
      c.req.header('authorization'),
      guard.cookieName === undefined ? undefined : c.req.header('cookie'),
      guard.queryParameter === undefined ? undefined : c.req.url,
      // Read only for a DPoP token: the request as the client sent it (RFC 9449 §4.3).
      {
        method: c.req.method,
        url: c.req.url,
        get dpop() {
          return c.req.raw.headers.get('dpop');
        },
      },
    );
  const accept = (auth: AuthContext, c: Context<GuardEnv>, next: Next): Promise<Response | undefined> => {
    if (compiled !== undefined) {
      try {
        guard.authorize(auth, compiled);
      } catch (err) {
        return refuse(err, c);
      }
    }
    c.set('auth', auth);
    return next() as Promise<undefined>;
  };
  return (c, next) => settle(check, accept, refuse, c, next, undefined);
}

function refuse(err: unknown, c: Context): Promise<Response> {
  if (!(err instanceof GuardError)) throw err;
  return Promise.resolve(
    c.body(err.json, err.status, {
      'content-type': 'application/json; charset=utf-8',
      'www-authenticate': err.wwwAuthenticate,
    }),
  );
}
