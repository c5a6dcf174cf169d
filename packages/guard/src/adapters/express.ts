import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthContext } from '../auth-context.js';
import { type CompiledRequirement, compileRequirement, type Requirement } from '../authorize.js';
import { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';
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

interface Settings {
  readonly guard: Guard;
  readonly passError: boolean;
}

/** Where requireAuth leaves its guard for requireRole / requirePermission further down the chain. */
const SETTINGS = Symbol('@tessera/guard/express');
type WithSettings = Request & { [SETTINGS]?: Settings };

/**
 * Express middleware: authenticates the request (Bearer header, or the guard's
 * cookie / query parameter) and sets `req.auth`; refused requests get 400, 401
 * or 403 with a `WWW-Authenticate` challenge. With `roles` / `permissions` it
 * also authorizes. Synchronous whenever the keys are known.
 *
 * @example
 * app.get('/profile', requireAuth(guard), (req, res) => {
 *   res.json({ user: req.auth.subject, roles: req.auth.roles });
 * });
 * app.delete('/users/:id', requireAuth(guard, { roles: ['admin'] }), deleteUser);
 */
export function requireAuth(guard: Guard, opts: RequireAuthOptions = {}): RequestHandler {
  const settings: Settings = { guard, passError: opts.passError === true };
  const { passError: _, ...requirement } = opts;
  const compiled =
    requirement.roles === undefined && requirement.permissions === undefined
      ? undefined
      : compileRequirement(requirement, 'requireAuth options');
  const accept = (req: WithSettings, res: Response, next: NextFunction, auth: AuthContext): void => {
    req.auth = auth;
    req[SETTINGS] = settings;
    if (compiled === undefined) next();
    else authorize(req, res, next, settings, compiled);
  };
  return function tesseraRequireAuth(req: WithSettings, res: Response, next: NextFunction): void {
    let result: AuthContext | Promise<AuthContext>;
    try {
      result = guard.checkRequest(req);
    } catch (err) {
      refuse(res, next, settings, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (auth) => accept(req, res, next, auth),
        (err: unknown) => refuse(res, next, settings, err),
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

function authorizer(requirement: CompiledRequirement): RequestHandler {
  return function tesseraAuthorize(req: WithSettings, res: Response, next: NextFunction): void {
    const settings = req[SETTINGS];
    if (settings === undefined || req.auth === undefined) {
      // A wiring mistake, not a request problem: make it loud.
      next(new Error('@tessera/guard: requireRole and requirePermission must follow requireAuth'));
      return;
    }
    authorize(req, res, next, settings, requirement);
  };
}

function authorize(
  req: WithSettings,
  res: Response,
  next: NextFunction,
  settings: Settings,
  requirement: CompiledRequirement,
): void {
  try {
    settings.guard.authorize(req.auth as AuthContext, requirement);
  } catch (err) {
    refuse(res, next, settings, err);
    return;
  }
  next();
}

function refuse(res: Response, next: NextFunction, settings: Settings, err: unknown): void {
  if (!(err instanceof GuardError) || settings.passError) next(err);
  else sendGuardError(res, err);
}
