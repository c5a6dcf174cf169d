import { type IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { type JwsHeader, type JwtClaims, JwtError, type VerifiedJwt } from '@tessera/jwt';
import { DEFAULT_MAX_TOKEN_LENGTH, isToken68 } from '@tessera/jwt/internal';
import { type AuthContext, toAuthContext } from './auth-context.js';
import { compileRequirement, isCompiledRequirement, type Requirement, unmet } from './authorize.js';
import { buildChallenges, GuardError, type GuardReason } from './errors.js';
import { extractToken } from './extract.js';
import { GuardRuntimeError } from './failures.js';
import { checkGuardOptions, type GuardOptions, realmOf } from './options.js';
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
   * Checks an Authorization header value (`Bearer <token>`) and returns who
   * made the request; rejects with a GuardError.
   *
   * @example
   * const auth = await guard.authenticate(req.headers.authorization);
   */
  authenticate(authorization: string | undefined): Promise<AuthContext>;
  /**
   * Like `authenticate`, also reading the configured cookie and query parameter,
   * and synchronous whenever the keys are known: it returns the AuthContext
   * itself (or throws a GuardError), and a promise only when a JWKS fetch is needed.
   *
   * @example
   * const result = guard.check(req.headers.authorization, req.headers.cookie, req.url);
   * const auth = result instanceof Promise ? await result : result;
   */
  check(authorization: string | undefined, cookie?: string, url?: string): AuthContext | Promise<AuthContext>;
  /**
   * `check` for a Node-style request (node:http, Express, Fastify, Passport):
   * reads the Authorization header, and the cookie and URL only when the guard
   * was configured with `cookie` or `query`.
   *
   * @example
   * const result = guard.checkRequest(req);
   */
  checkRequest(req: {
    headers: IncomingHttpHeaders;
    url?: string | undefined;
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
  const challenges = buildChallenges(realm);
  const fail = (reason: GuardReason): never => {
    throw new GuardError(reason, challenges);
  };
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

  const finish = (claims: JwtClaims, header: JwsHeader): AuthContext => {
    let auth = contexts?.get(claims);
    if (auth === undefined) {
      const made = toAuthContext(claims, Date.now() / 1000, tolerance);
      if (typeof made === 'string') return fail(made);
      auth = made;
      if (contexts !== undefined) contexts.set(claims, Object.freeze(auth));
    }
    if (feed !== undefined) {
      const iat = Object.hasOwn(claims, 'iat') ? claims.iat : undefined;
      const reason = feed.check(auth.sessionId, auth.subject, iat, header.kid);
      if (reason !== undefined) fail(reason);
    }
    return auth;
  };
  const rethrow = (err: unknown): never => {
    if (err instanceof GuardError) throw err;
    return fail(err instanceof JwtError ? err.code : 'ERR_GUARD_UNEXPECTED');
  };

  /** `extracted`: the token came from a request, so characters outside b64token make it malformed (400). */
  const verify = (token: string, extracted: boolean): AuthContext | Promise<AuthContext> => {
    let verified: VerifiedJwt;
    try {
      verified = built.remote === undefined ? built.verifier.verify(token) : built.verifier.verifySync(token);
    } catch (err) {
      // Before any key fetch: a token of other characters never triggers one.
      if (extracted && !isToken68(token)) fail('ERR_GUARD_MALFORMED_CREDENTIALS');
      // The only slow path: the token's key is not loaded yet (first request, or a rotation).
      if (built.remote !== undefined && err instanceof JwtError && err.code === 'ERR_JWKS_NO_MATCHING_KEY') {
        return built.verifier.verify(token).then((result) => finish(result.payload, result.header), rethrow);
      }
      return rethrow(err);
    }
    return finish(verified.payload, verified.header);
  };

  const check = (authorization: string | undefined, cookie?: string, url?: string) => {
    const token = extractToken(authorization, cookie, url, extractOptions, fail);
    if (token === undefined) return fail('ERR_GUARD_NO_TOKEN');
    return verify(token, true);
  };

  const checkRequest = (req: { headers: IncomingHttpHeaders; url?: string | undefined }) => {
    const headers = headersOf(req);
    return check(
      headers.authorization,
      opts.cookie === undefined ? undefined : headers.cookie,
      opts.query === undefined ? undefined : req.url,
    );
  };

  feed?.start();

  return {
    realm,
    cookieName: opts.cookie,
    queryParameter: opts.query,
    check,
    checkRequest,
    verifyToken: (token) => verify(token, false),
    authenticate(authorization) {
      try {
        return Promise.resolve(check(authorization));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    authorize(auth, requirement) {
      const compiled = isCompiledRequirement(requirement) ? requirement : compileRequirement(requirement);
      const reason = unmet(auth, compiled);
      if (reason !== undefined) fail(reason);
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
