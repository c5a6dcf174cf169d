import type { AuthContext } from './auth-context.js';

/**
 * The one sync-or-promise step of every adapter: runs `check(a, b)` and hands
 * the AuthContext to `accept`, at once when the keys are known (the usual case:
 * no promise), or once the JWKS fetch behind the promise settles. A throw or a
 * rejection of the check goes to `refuse`; what `accept` throws is the caller's
 * own. The request's objects ride along as `a`, `b`, `c` so that the hot path
 * allocates no closure per request.
 *
 * @example
 * return settle(checkRequest, accept, refuse, req, res, next);
 */
export function settle<A, B, C, R>(
  check: (a: A, b: B) => AuthContext | Promise<AuthContext>,
  accept: (auth: AuthContext, a: A, b: B, c: C) => R,
  refuse: (err: unknown, a: A, b: B, c: C) => R,
  a: A,
  b: B,
  c: C,
): R | Promise<Awaited<R>> {
  let result: AuthContext | Promise<AuthContext>;
  try {
    result = check(a, b);
  } catch (err) {
    return refuse(err, a, b, c);
  }
  if (result instanceof Promise) {
    // `then` flattens an R that is itself a promise (Hono's): hence Awaited<R>.
    return result.then(
      (auth) => accept(auth, a, b, c),
      (err: unknown) => refuse(err, a, b, c),
    ) as Promise<Awaited<R>>;
  }
  return accept(result, a, b, c);
}
