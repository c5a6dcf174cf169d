import { type IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { type JwsHeader, type JwtClaims, JwtError, type VerifiedJwt } from '@tessera/jwt';
import { DEFAULT_MAX_TOKEN_LENGTH, isToken68 } from '@tessera/jwt/internal';
import { type AuthContext, toAuthContext } from './auth-context.js';
import { compileRequirement, isCompiledRequirement, type Requirement, unmet } from './authorize.js';
import { type DpopRequest, dpopChecker, nodeDpopRequest } from './dpop/check.js';
import { buildChallenges, buildDpopChallenges, GuardError, type GuardReason } from './errors.js';
import { type ExtractedScheme, extractToken } from './extract.js';
import { GuardRuntimeError } from './failures.js';
import { checkGuardOptions, DEFAULT_DPOP_ALGORITHMS, type GuardOptions, realmOf } from './options.js';
import { RevocationFeed, type RevocationStatus } from './revocation/feed.js';
import { feedSettings } from './setup/feed-settings.js';
import { buildVerifier, toleranceSeconds } from './setup/verifier.js';
import { waitForKeys } from './setup/wait-for-keys.js';

/** What `guard.status()` reports. */
export interface GuardStatus {
  keys: { source: 'static' } | { source: 'jwks'; loaded: boolean; fresh: boolean };
  revocations: RevocationStatus | undefined;
}

/** A resource server's guard: extract → verify → revocation → authorize. Build one per process. */
export interface Guard {
  /** The realm of the WWW-Authenticate challenges. */
  readonly realm: string;
  /** The cookie tokens are read from, if configured (adapters skip reading cookies otherwise). */
  readonly cookieName: string | undefined;
  /** The query parameter tokens are read from, if configured. */
  readonly queryParameter: string | undefined;
  /**
   * Checks an Authorization header value (`Bearer <token>`, or `DPoP <token>`
   * with `request` carrying the method, URL and `DPoP` proof) and returns who
   * made the request; rejects with a GuardError.
   *
   * @example
   * const auth = await guard.authenticate(req.headers.authorization);
   */
  authenticate(authorization: string | undefined, request?: DpopRequest): Promise<AuthContext>;
  /**
   * Like `authenticate`, also reading the configured cookie and query parameter,
   * and synchronous whenever the keys are known and no async replay cache is
   * involved: it returns the AuthContext itself (or throws a GuardError), and a
   * promise only when a JWKS fetch (or a shared replay cache) is needed. A
   * DPoP-bound token needs `request`: the method, the URL and the `DPoP` header.
   *
   * @example
   * const result = guard.check(req.headers.authorization, req.headers.cookie, req.url);
   * const auth = result instanceof Promise ? await result : result;
   */
  check(
    authorization: string | undefined,
    cookie?: string,
    url?: string,
    request?: DpopRequest,
  ): AuthContext | Promise<AuthContext>;
  /**
   * `check` for a Node-style request (node:http, Express, Fastify, Passport):
   * reads the Authorization header, and the cookie and URL only when the guard
   * was configured with `cookie` or `query`; for a DPoP-bound token, also the
   * method, the URL, the `Host` and `DPoP` headers and whether the socket is TLS.
   *
   * @example
   * const result = guard.checkRequest(req);
   */
  checkRequest(req: {
    headers: IncomingHttpHeaders;
    url?: string | undefined;
    method?: string | undefined;
  }): AuthContext | Promise<AuthContext>;
  /** Verifies a bare token (no extraction); synchronous whenever the keys are known. */
  verifyToken(token: string): AuthContext | Promise<AuthContext>;
  /** Throws a 403 GuardError (`insufficient_scope`) unless `auth` meets the requirement. */
  authorize(auth: AuthContext, requirement: Requirement): void;
  /**
   * Resolves once the JWKS (if remote) is loaded and the revocation list (if any)
   * is synced; retries meanwhile. Bound it with a signal if startup must not wait forever.
   *
   * @example
   * await guard.ready({ signal: AbortSignal.timeout(30_000) });
   * app.listen(8080);
   */
  ready(opts?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Stops polling and background work; resolves once in-flight requests have settled.
   *
   * @example
   * after(() => guard.close()); // in tests
   */
  close(): Promise<void>;
  /** Keys and revocation feed state, for health checks. */
  status(): GuardStatus;
}

// node's own `headers` accessor. Express gives each request a hidden class of its own (see
// adapters/express-slot.ts), so reading `req.headers` there is a slow lookup through four
// prototypes to this accessor on every request: calling it directly is the same read, fast.
// (Assigning `req.headers` goes through node's setter, so the accessor sees it.)
const incomingHeaders = Object.getOwnPropertyDescriptor(IncomingMessage.prototype, 'headers')?.get;

function headersOf(req: { headers: IncomingHttpHeaders }): IncomingHttpHeaders {
  return incomingHeaders !== undefined && req instanceof IncomingMessage
    ? (incomingHeaders.call(req) as IncomingHttpHeaders)
    : req.headers;
}

/**
 * Builds a guard. Every option is checked here: a missing `algorithms`,
 * `issuer` or `audience`, both or neither of `keys`/`jwksUri`, an unknown
 * option or a bad URL throws a TypeError (a GuardOptionsError, code
 * `ERR_GUARD_OPTIONS`) at startup, never at a request.
 *
 * @example
 * const guard = createGuard({
 *   issuer: 'http://127.0.0.1:3000',
 *   audience: 'tessera',
 *   algorithms: ['EdDSA'],
 *   jwksUri: 'http://127.0.0.1:3000/.well-known/jwks.json',
 *   revocations: { url: 'http://127.0.0.1:3000/auth/revocations' },
 * });
 * await guard.ready();
 * const auth = await guard.authenticate(req.headers.authorization);
 */
export function createGuard(opts: GuardOptions): Guard {
  checkGuardOptions(opts);
  const realm = realmOf(opts);
  const dpopAlgs = opts.dpop?.algorithms ?? DEFAULT_DPOP_ALGORITHMS;
  const dpopRequired = opts.dpop?.required === true;
  const challenges = buildChallenges(realm, { bearer: !dpopRequired, dpop: dpopAlgs });
  const dpopChallenges = buildDpopChallenges(realm, dpopAlgs);
  const fail = (reason: GuardReason): never => {
    throw new GuardError(reason, challenges);
  };
  /** For requests that came as `Authorization: DPoP`: the DPoP challenge. */
  const failDpop = (reason: GuardReason): never => {
    throw new GuardError(reason, dpopChallenges);
  };
  const dpop = dpopChecker(opts.dpop ?? {}, failDpop);
  const built = buildVerifier(opts);
  const remote = built.remote;
  const tolerance = toleranceSeconds(opts.clockTolerance);
  const extractOptions = {
    cookie: opts.cookie,
    query: opts.query,
    maxTokenLength: opts.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH,
  };
  // With the verified-token cache, a hit returns the same frozen claims object: remember its context too.
  const contexts = opts.cache === false ? undefined : new WeakMap<JwtClaims, AuthContext>();
  const feed =
    opts.revocations === undefined ? undefined : new RevocationFeed(feedSettings(opts.revocations));
  const closing = new AbortController();

  /**
   * `request`: the method, URL and proof when the token came as `Authorization: DPoP`; undefined
   * when it came as Bearer (or a cookie, or a query parameter).
   */
  const finish = (
    claims: JwtClaims,
    header: JwsHeader,
    token: string,
    request: DpopRequest | undefined,
  ): AuthContext | Promise<AuthContext> => {
    const failHere = request === undefined ? fail : failDpop;
    let auth = contexts?.get(claims);
    if (auth === undefined) {
      const made = toAuthContext(claims, Date.now() / 1000, tolerance);
      if (typeof made === 'string') return failHere(made);
      auth = made;
      if (contexts !== undefined) contexts.set(claims, Object.freeze(auth));
    }
    if (feed !== undefined) {
      const iat = Object.hasOwn(claims, 'iat') ? claims.iat : undefined;
      const reason = feed.check(auth.sessionId, auth.subject, iat, header.kid);
      if (reason !== undefined) failHere(reason);
    }
    // RFC 9449 §7: a bound token only with a proof by its key, an unbound one only as Bearer.
    if (auth.dpopJkt === undefined) {
      if (request !== undefined) failDpop('ERR_GUARD_DPOP_NOT_BOUND');
      if (dpopRequired) fail('ERR_GUARD_DPOP_REQUIRED');
      return auth;
    }
    if (request === undefined) return fail('ERR_GUARD_DPOP_BOUND_AS_BEARER');
    return dpop.check(auth, auth.dpopJkt, token, request);
  };
  const rethrow = (err: unknown): never => {
    if (err instanceof GuardError) throw err;
    return fail(err instanceof JwtError ? err.code : 'ERR_GUARD_UNEXPECTED');
  };
  const rethrowDpop = (err: unknown): never => {
    if (err instanceof GuardError) throw err;
    return failDpop(err instanceof JwtError ? err.code : 'ERR_GUARD_UNEXPECTED');
  };

  /** `extracted`: the token came from a request, so characters outside b64token make it malformed (400). */
  const verify = (
    token: string,
    extracted: boolean,
    request: DpopRequest | undefined,
  ): AuthContext | Promise<AuthContext> => {
    let verified: VerifiedJwt;
    const refuse = request === undefined ? rethrow : rethrowDpop;
    try {
      verified = built.remote === undefined ? built.verifier.verify(token) : built.verifier.verifySync(token);
    } catch (err) {
      // Before any key fetch: a token of other characters never triggers one.
      if (extracted && !isToken68(token)) fail('ERR_GUARD_MALFORMED_CREDENTIALS');
      // The only slow path: the token's key is not loaded yet (first request, or a rotation).
      if (built.remote !== undefined && err instanceof JwtError && err.code === 'ERR_JWKS_NO_MATCHING_KEY') {
        return built.verifier
          .verify(token)
          .then((result) => finish(result.payload, result.header, token, request), refuse);
      }
      return refuse(err);
    }
    return finish(verified.payload, verified.header, token, request);
  };

  const check = (authorization: string | undefined, cookie?: string, url?: string, request?: DpopRequest) => {
    const scheme: ExtractedScheme = { dpop: false };
    const token = extractToken(authorization, cookie, url, extractOptions, fail, scheme);
    if (token === undefined) return fail('ERR_GUARD_NO_TOKEN');
    if (!scheme.dpop) return verify(token, true, undefined);
    // A DPoP token checked without its request can only fail its proof check.
    return verify(token, true, request ?? { method: '', url: '', dpop: undefined });
  };

  const checkRequest = (req: {
    headers: IncomingHttpHeaders;
    url?: string | undefined;
    method?: string | undefined;
  }) => {
    const headers = headersOf(req);
    const scheme: ExtractedScheme = { dpop: false };
    const token = extractToken(
      headers.authorization,
      opts.cookie === undefined ? undefined : headers.cookie,
      opts.query === undefined ? undefined : req.url,
      extractOptions,
      fail,
      scheme,
    );
    if (token === undefined) return fail('ERR_GUARD_NO_TOKEN');
    return verify(token, true, scheme.dpop ? nodeDpopRequest(req, headers) : undefined);
  };

  feed?.start();

  return {
    realm,
    cookieName: opts.cookie,
    queryParameter: opts.query,
    check,
    checkRequest,
    verifyToken: (token) => verify(token, false, undefined),
    authenticate(authorization, request) {
      try {
        return Promise.resolve(check(authorization, undefined, undefined, request));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    authorize(auth, requirement) {
      const compiled = isCompiledRequirement(requirement) ? requirement : compileRequirement(requirement);
      const reason = unmet(auth, compiled);
      // A bound token came as DPoP: the challenge is the DPoP one.
      if (reason !== undefined) (auth.dpopJkt === undefined ? fail : failDpop)(reason);
    },
    async ready(readyOpts = {}) {
      const signal =
        readyOpts.signal === undefined ? closing.signal : AbortSignal.any([closing.signal, readyOpts.signal]);
      // Polling timers are unref'd, yet whoever awaits ready() expects the process to wait with them.
      const keepAlive = setInterval(() => {}, 1 << 30);
      try {
        await Promise.all([
          remote === undefined ? undefined : waitForKeys(remote, signal),
          feed === undefined ? undefined : feed.ready(signal),
        ]);
      } finally {
        clearInterval(keepAlive);
      }
    },
    async close() {
      closing.abort(new GuardRuntimeError('ERR_GUARD_CLOSED', '@tessera/guard: the guard was closed'));
      await feed?.close();
    },
    status() {
      return {
        keys:
          remote === undefined
            ? { source: 'static' }
            : { source: 'jwks', loaded: remote.current() !== undefined, fresh: remote.fresh },
        revocations: feed?.status(),
      };
    },
  };
}
