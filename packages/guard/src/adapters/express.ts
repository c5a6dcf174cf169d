import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthContext } from '../auth-context.js';
import { type CompiledRequirement, compileRequirement, type Requirement } from '../authorize.js';
import { GuardError } from '../errors.js';
import { GuardOptionsError } from '../failures.js';
import type { Guard } from '../guard.js';
import { settle } from '../settle.js';
import { setAuth } from './express-slot.js';
import { sendGuardError } from './node.js';

declare global {
  // Declaration merging into Express's global namespace is how req gains a typed member.
  namespace Express {
    interface Request {
      /**
       * Who made the request: set by `requireAuth`. Optional in the type because TypeScript cannot
       * see which routes are behind requireAuth; in their handlers, `authOf(req)` is non-optional.
       */
      auth?: AuthContext;
    }
  }
}

/** Options of requireAuth. */
export interface RequireAuthOptions extends Requirement {
  /**
   * Hand GuardErrors to `next(err)` (your error handler; `err.status` and
   * `err.headers` are set) instead of answering them. Default false.
   */
  passError?: boolean;
}

// What requireRole / requirePermission further down the chain need from requireAuth is found
// from the AuthContext, not stored on `req`: each own property added to an Express request is
// slow (see express-slot.ts).
/** The guard that verified each AuthContext (one guard makes a cached context, so one owner). */
const owners = new WeakMap<AuthContext, Guard>();
/** Set on the request only by requireAuth(guard, { passError: true }). */
const PASS_ERROR = Symbol('@tessera/guard/express passError');
type WithPassError = Request & { [PASS_ERROR]?: true };

/**
 * Express middleware: authenticates the request (Bearer header, or the guard's
 * cookie / query parameter) and sets `req.auth`; refused requests get 400, 401
 * or 403 with a `WWW-Authenticate` challenge. With `roles` / `permissions` /
 * `scopes` it also authorizes. Synchronous whenever the keys are known.
 *
 * @example
 * app.get('/profile', requireAuth(guard), (req, res) => {
 *   const auth = authOf(req);
 *   res.json({ user: auth.subject, roles: auth.roles });
 * });
 * app.delete('/users/:id', requireAuth(guard, { roles: ['admin'] }), deleteUser);
 */
export function requireAuth(guard: Guard, opts: RequireAuthOptions = {}): RequestHandler {
  const passError = opts.passError === true;
  const { passError: _, ...requirement } = opts;
  const compiled =
    requirement.roles === undefined &&
    requirement.permissions === undefined &&
    requirement.scopes === undefined
      ? undefined
      : compileRequirement(requirement, 'requireAuth options');
  const check = (req: WithPassError) => guard.checkRequest(req);
  const accept = (auth: AuthContext, req: WithPassError, res: Response, next: NextFunction): void => {
    setAuth(req, res, auth);
    if (passError) req[PASS_ERROR] = true;
    if (!owners.has(auth)) owners.set(auth, guard);
    if (compiled === undefined) next();
    else authorize(req, res, next, guard, compiled);
  };
  const fail = (err: unknown, _req: WithPassError, res: Response, next: NextFunction): void =>
    refuse(res, next, passError, err);
  return function tesseraRequireAuth(req: WithPassError, res: Response, next: NextFunction): void {
    settle(check, accept, fail, req, res, next);
  };
}

/**
 * The AuthContext that requireAuth set on this request (`req.auth`), typed as
 * present: for the handlers of routes behind requireAuth. Throws when it is
 * missing, which means the route is not behind requireAuth (a wiring mistake).
 *
 * @example
 * app.get('/profile', requireAuth(guard), (req, res) => {
 *   const auth = authOf(req);
 *   res.json({ user: auth.subject, roles: auth.roles });
 * });
 */
export function authOf(req: Request): AuthContext {
  const auth = req.auth;
  if (auth === undefined) throw new Error('@tessera/guard: authOf(req) needs requireAuth before the handler');
  return auth;
}

/**
 * Express middleware, after requireAuth: 403 `insufficient_scope` unless the
 * user has at least one of these roles.
 *
 * @example
 * app.delete('/users/:id', requireAuth(guard), requireRole('admin'), deleteUser);
 */
export function requireRole(...roles: string[]): RequestHandler {
  return authorizer(compileRequirement({ roles }, 'requireRole'));
}

/**
 * Express middleware, after requireAuth: 403 `insufficient_scope` unless the
 * user has every one of these permissions.
 *
 * @example
 * app.post('/invoices', requireAuth(guard), requirePermission('invoices:write'), createInvoice);
 */
export function requirePermission(...permissions: string[]): RequestHandler {
  return authorizer(compileRequirement({ permissions }, 'requirePermission'));
}

/**
 * Express middleware, after requireAuth: 403 `insufficient_scope` unless the
 * token was granted every one of these OAuth scopes (its `scope` claim).
 *
 * @example
 * app.post('/jobs', requireAuth(guard), requireScope('jobs:run'), runJob);
 */
export function requireScope(...scopes: string[]): RequestHandler {
  return authorizer(compileRequirement({ scopes }, 'requireScope'));
}

function authorizer(requirement: CompiledRequirement): RequestHandler {
  return function tesseraAuthorize(req: WithPassError, res: Response, next: NextFunction): void {
    const guard = req.auth === undefined ? undefined : owners.get(req.auth);
    if (guard === undefined) {
      // A wiring mistake, not a request problem: make it loud.
      next(
        new GuardOptionsError(
          'ERR_GUARD_WIRING',
          'requireRole, requirePermission and requireScope must follow requireAuth',
        ),
      );
      return;
    }
    authorize(req, res, next, guard, requirement);
  };
}

function authorize(
  req: WithPassError,
  res: Response,
  next: NextFunction,
  guard: Guard,
  requirement: CompiledRequirement,
): void {
  try {
    guard.authorize(req.auth as AuthContext, requirement);
  } catch (err) {
    refuse(res, next, req[PASS_ERROR] === true, err);
    return;
  }
  next();
}

function refuse(res: Response, next: NextFunction, passError: boolean, err: unknown): void {
  if (!(err instanceof GuardError) || passError) next(err);
  else sendGuardError(res, err);
}
