import type { IncomingMessage } from 'node:http';
import { bearerChallenge } from '@tessera/jwt/internal';
import type { AuthContext } from '../auth-context.js';
import { type CompiledRequirement, compileRequirement, type Requirement } from '../authorize.js';
import { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';
import { optionError } from '../options.js';
import { settle } from '../settle.js';

/** Called with the AuthContext; `done(null, user)` accepts, `done(null, false)` refuses, `done(err)` errors. */
export type TesseraVerifyCallback = (
  auth: AuthContext,
  done: (err: unknown, user?: unknown, info?: unknown) => void,
) => void;

/**
 * Options of TesseraStrategy. With `roles` / `permissions` / `scopes`, the strategy also
 * authorizes (any one role, every permission, every scope): register one strategy per
 * requirement, each under its own name.
 */
export interface TesseraStrategyOptions extends Requirement {
  guard: Guard;
  /** The strategy name for `passport.authenticate(name)`. Default `'tessera'`; `'jwt'` keeps passport-jwt routes unchanged. */
  name?: string;
}

/**
 * A Passport strategy over a guard, for apps on passport-jwt: the token is
 * checked by the guard (alg allow-list, `iss`, `aud`, `typ`, revocation) and
 * `req.user` is the AuthContext, or what `verify` makes of it. Failures reach
 * Passport as `fail(challenge, status)`, so the 401 carries the guard's
 * `WWW-Authenticate` challenge. No dependency on passport or passport-strategy.
 *
 * @example
 * passport.use(new TesseraStrategy({ guard, name: 'jwt' }, (auth, done) => done(null, { id: auth.subject })));
 * app.get('/profile', passport.authenticate('jwt', { session: false }), (req, res) => res.json(req.user));
 * // A strategy that also authorizes: only tokens granted the scope jobs:run.
 * passport.use(new TesseraStrategy({ guard, name: 'jobs', scopes: ['jobs:run'] }));
 */
export class TesseraStrategy {
  readonly name: string;
  private readonly guard: Guard;
  private readonly verify: TesseraVerifyCallback | undefined;
  private readonly requirement: CompiledRequirement | undefined;

  // Passport installs these on a per-request object whose prototype is this strategy.
  declare success: (user: unknown, info?: unknown) => void;
  declare fail: (challenge?: unknown, status?: number) => void;
  declare error: (err: unknown) => void;

  constructor(options: TesseraStrategyOptions, verify?: TesseraVerifyCallback) {
    if (typeof options !== 'object' || options === null || typeof options.guard?.check !== 'function') {
      throw optionError('TesseraStrategy needs { guard } (from createGuard)');
    }
    if (verify !== undefined && typeof verify !== 'function') {
      throw optionError('the verify callback must be a function');
    }
    this.name = options.name ?? 'tessera';
    this.guard = options.guard;
    this.verify = verify;
    const { guard: _, name: __, ...requirement } = options;
    this.requirement =
      requirement.roles === undefined &&
      requirement.permissions === undefined &&
      requirement.scopes === undefined
        ? undefined
        : compileRequirement(requirement, 'TesseraStrategy options');
  }

  /** Called by Passport for each request. */
  authenticate(req: IncomingMessage, _options?: unknown): void {
    settle(TesseraStrategy.check, TesseraStrategy.accepted, TesseraStrategy.refused, this, req, undefined);
  }

  // `self` is Passport's per-request object (its prototype is this strategy).
  private static check(self: TesseraStrategy, req: IncomingMessage): AuthContext | Promise<AuthContext> {
    return self.guard.checkRequest(req);
  }

  private static accepted(auth: AuthContext, self: TesseraStrategy): void {
    self.accept(auth);
  }

  private static refused(err: unknown, self: TesseraStrategy): void {
    self.refuse(err);
  }

  private accept(auth: AuthContext): void {
    if (this.requirement !== undefined) {
      try {
        this.guard.authorize(auth, this.requirement);
      } catch (err) {
        this.refuse(err);
        return;
      }
    }
    if (this.verify === undefined) {
      this.success(auth);
      return;
    }
    try {
      this.verify(auth, (err, user, info) => {
        if (err) this.error(err);
        else if (!user) this.fail(bearerChallenge(this.guard.realm, 'invalid_token'), 401);
        else this.success(user, info);
      });
    } catch (err) {
      this.error(err);
    }
  }

  private refuse(err: unknown): void {
    if (err instanceof GuardError) this.fail(err.wwwAuthenticate, err.status);
    else this.error(err);
  }
}
