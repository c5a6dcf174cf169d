import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthContext } from '../auth-context.js';
import { type CompiledRequirement, compileRequirement, type Requirement } from '../authorize.js';
import { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';
import { setAuth } from './express-slot.js';
import { sendGuardError } from './node.js';

declare global {
  // Declaration merging into Express's global namespace is how req gains a typed member.
  namespace Express {
    interface Request {
      /** Who made the request: set by `requireAuth`. */
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
 *   res.json({ user: req.auth.subject, roles: req.auth.roles });
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
  const accept = (req: WithPassError, res: Response, next: NextFunction, auth: AuthContext): void => {
    setAuth(req, res, auth);
    if (passError) req[PASS_ERROR] = true;
    if (!owners.has(auth)) owners.set(auth, guard);
    if (compiled === undefined) next();
    else authorize(req, res, next, guard, compiled);
  };
  return function tesseraRequireAuth(req: WithPassError, res: Response, next: NextFunction): void {
    let result: AuthContext | Promise<AuthContext>;
    try {
      result = guard.checkRequest(req);
    } catch (err) {
      refuse(res, next, passError, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (auth) => accept(req, res, next, auth),
        (err: unknown) => refuse(res, next, passError, err),
      );
      return;
    }
    accept(req, res, next, result);
  };
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
        new Error('@tessera/guard: requireRole, requirePermission and requireScope must follow requireAuth'),
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
