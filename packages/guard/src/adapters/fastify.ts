import type {
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import type { AuthContext } from '../auth-context.js';
import { type CompiledRequirement, compileRequirement, type Requirement } from '../authorize.js';
import { GuardError } from '../errors.js';
import type { Guard } from '../guard.js';
import { optionError } from '../options.js';
import { settle } from '../settle.js';

/** A route's `config.auth`: `false` public, `true` any valid token, or the roles / permissions it needs. */
export type RouteAuth = boolean | Requirement;

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request; `null` on routes the guard does not protect. */
    auth: AuthContext | null;
  }
  interface FastifyContextConfig {
    /** See RouteAuth. */
    auth?: RouteAuth;
  }
}

/** Options of the tesseraGuard plugin. */
export interface TesseraGuardOptions {
  guard: Guard;
  /**
   * `'all'` (default): every route needs a valid token unless its
   * `config.auth` is `false`. `'configured'`: only routes with `config.auth`.
   */
  protect?: 'all' | 'configured';
}

/** A route's compiled rule: skip, authenticate only, or authenticate and authorize. */
type Rule = null | true | CompiledRequirement;

function compileRule(auth: unknown, protectAll: boolean, where: string): Rule {
  if (auth === undefined) return protectAll ? true : null;
  if (auth === false) return null;
  if (auth === true) return true;
  return compileRequirement(auth as Requirement, where);
}

/** The plugin function; `tesseraGuard` is it, marked encapsulation-transparent. */
const guardPlugin: FastifyPluginCallback<TesseraGuardOptions> = (fastify, opts, done) => {
  const guard = opts?.guard;
  if (guard === undefined || typeof guard.check !== 'function') {
    return done(optionError('tesseraGuard needs { guard } (from createGuard)'));
  }
  const protect = opts.protect ?? 'all';
  if (protect !== 'all' && protect !== 'configured') {
    return done(optionError("protect must be 'all' or 'configured'"));
  }
  const protectAll = protect === 'all';
  const rules = new WeakMap<object, Rule>();
  const defaultRule: Rule = protectAll ? true : null;

  // Bad route configuration throws when the route is declared, not at its first request.
  fastify.addHook('onRoute', (route: RouteOptions) => {
    compileRule(route.config?.auth, protectAll, `config.auth of ${route.method} ${route.url}`);
  });
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null);

  const ruleOf = (request: FastifyRequest): Rule => {
    const config = request.routeOptions.config as object | undefined;
    if (typeof config !== 'object' || config === null) return defaultRule;
    let rule = rules.get(config);
    if (rule === undefined) {
      // Routes declared before the plugin loaded were not seen by onRoute: compile on first use.
      rule = compileRule((config as { auth?: unknown }).auth, protectAll, 'config.auth');
      rules.set(config, rule);
    }
    return rule;
  };

  // The request is `reply.request`: reply, done and rule are all a request needs carried.
  const check = (reply: FastifyReply) => guard.checkRequest(reply.request);
  const accept = (auth: AuthContext, reply: FastifyReply, done: HookHandlerDoneFunction, rule: Rule) => {
    reply.request.auth = auth;
    if (rule !== true && rule !== null) {
      try {
        guard.authorize(auth, rule);
      } catch (err) {
        return refuse(err, reply, done);
      }
    }
    done();
  };

  fastify.addHook('onRequest', function tesseraOnRequest(request, reply, done) {
    let rule: Rule;
    try {
      rule = ruleOf(request);
    } catch (err) {
      return done(err as Error);
    }
    if (rule === null || isPreflight(request)) return done();
    settle(check, accept, refuse, reply, done, rule);
  });
  done();
};

/**
 * Fastify plugin: an `onRequest` hook authenticates requests and sets
 * `request.auth` (decorated as `null` first, so request shapes stay stable);
 * `config: { auth: { roles: ['admin'] } }` on a route also authorizes
 * (any one role, every permission). Refused requests get 400, 401 or 403 with
 * a `WWW-Authenticate` challenge. It is encapsulation-transparent
 * (fastify-plugin): register it before the routes it protects.
 *
 * @example
 * await app.register(tesseraGuard, { guard });
 * app.get('/profile', async (request) => ({ user: request.auth?.subject }));
 * app.delete('/users/:id', { config: { auth: { roles: ['admin'] } } }, deleteUser);
 * app.get('/healthz', { config: { auth: false } }, async () => 'ok');
 */
export const tesseraGuard = fp(guardPlugin, { name: '@tessera/guard', fastify: '5.x' });

/**
 * A CORS preflight never carries credentials (the browser sends it without them), so refusing it
 * would break every cross-origin call to a protected route; the CORS plugin answers it.
 */
function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
}

function refuse(err: unknown, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (!(err instanceof GuardError)) {
    done(err as Error);
    return;
  }
  // Answering from the hook (without calling done) ends the request here.
  reply
    .code(err.status)
    .header('www-authenticate', err.wwwAuthenticate)
    .header('content-type', 'application/json; charset=utf-8')
    .send(err.json);
}
