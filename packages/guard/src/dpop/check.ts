import type { IncomingHttpHeaders } from 'node:http';
import {
  type Alg,
  checkDpopReplay,
  createMemoryReplayCache,
  type DpopReplayCache,
  JwtError,
  type VerifiedDpopProof,
  verifyDpopProof,
} from '@tessera/jwt';
import type { AuthContext } from '../auth-context.js';
import type { GuardReason } from '../errors.js';
import { DEFAULT_DPOP_ALGORITHMS, type GuardDpopOptions } from '../options.js';

/** What a DPoP-bound token is checked against: the request as the client sent it. */
export interface DpopRequest {
  /** The HTTP method, e.g. `'GET'`. */
  method: string;
  /** The request URL: absolute (`https://api.example.com/orders?page=2`), or a path when `publicBaseUrl` or `host` says where. */
  url: string;
  /** The `DPoP` header: one proof (an array or a comma means several, which is refused). */
  dpop: string | readonly string[] | null | undefined;
  /** The `Host` header, when `url` is a path and the guard has no `publicBaseUrl`. */
  host?: string | undefined;
  /** Whether the connection is TLS (for the scheme when rebuilding the URL from `host`). */
  secure?: boolean | undefined;
}

type Fail = (reason: GuardReason) => never;

/** A Node-style request (node:http, Express, Fastify, Passport) as far as DPoP reads it. */
interface NodeLikeRequest {
  url?: string | undefined;
  method?: string | undefined;
  /** Express keeps the full path here when a router was mounted on a prefix. */
  originalUrl?: string | undefined;
  socket?: { encrypted?: boolean } | undefined;
}

/**
 * The DpopRequest of a Node-style request: method, the full path (Express's `originalUrl` when
 * mounted), `Host`, the `DPoP` header and whether the socket is TLS.
 *
 * @example
 * const request = nodeDpopRequest(req, req.headers);
 */
export function nodeDpopRequest(req: NodeLikeRequest, headers: IncomingHttpHeaders): DpopRequest {
  return {
    method: req.method ?? '',
    url: req.originalUrl ?? req.url ?? '',
    dpop: headers.dpop,
    host: headers.host,
    secure: req.socket?.encrypted === true,
  };
}

/** The checks of a guard's DPoP options, compiled once. */
export interface DpopChecker {
  /**
   * Checks the proof of a request whose token is bound to `jkt`: the AuthContext when it is good
   * (a promise with an async replay cache), else a GuardError through the guard's `failDpop`.
   */
  check(
    auth: AuthContext,
    jkt: string,
    token: string,
    request: DpopRequest,
  ): AuthContext | Promise<AuthContext>;
}

/**
 * Compiles a guard's `dpop` options: the proof check of RFC 9449 §7 with the jwt package's
 * verifier (typ `dpop+jwt`, allowed asymmetric alg, a public `jwk` only, `htm`, `htu` compared
 * after normalization, `iat` in the window, `ath` the token's hash, the key's thumbprint the
 * token's `cnf.jkt`), then the replay cache (the key and `jti` unseen within the window).
 *
 * @example
 * const dpop = dpopChecker({ publicBaseUrl: 'https://api.example.com' }, failDpop);
 * const auth = await dpop.check(auth, auth.dpopJkt, token, nodeDpopRequest(req, req.headers));
 */
export function dpopChecker(opts: GuardDpopOptions, failDpop: Fail): DpopChecker {
  const algorithms: Alg[] = [...(opts.algorithms ?? DEFAULT_DPOP_ALGORITHMS)];
  const maxAge = opts.iatWindowSeconds ?? 60;
  const clockTolerance = opts.clockTolerance ?? 5;
  const maxProofLength = opts.maxProofLength ?? 4096;
  const base = opts.publicBaseUrl?.replace(/\/+$/, '');
  let replays = opts.replayCache;
  const cache = (): DpopReplayCache => {
    replays ??= createMemoryReplayCache({ maxEntries: opts.maxReplayEntries ?? 100_000 });
    return replays;
  };

  const htuOf = (request: DpopRequest): string | undefined => {
    const { url } = request;
    if (typeof url !== 'string') return undefined;
    const absolute = /^https?:\/\//i.test(url);
    if (base !== undefined) {
      if (!absolute) return url.startsWith('/') ? `${base}${url}` : undefined;
      try {
        return `${base}${new URL(url).pathname}`;
      } catch {
        return undefined;
      }
    }
    if (absolute) return url;
    if (typeof request.host !== 'string' || request.host === '' || !url.startsWith('/')) return undefined;
    return `${request.secure === true ? 'https' : 'http'}://${request.host}${url}`;
  };

  return {
    check(auth, jkt, token, request) {
      const header = request.dpop;
      if (header === undefined || header === null || header === '') failDpop('ERR_GUARD_DPOP_PROOF_MISSING');
      // Node joins repeated headers with ", "; a compact JWS has no comma.
      if (typeof header !== 'string' || header.includes(',')) failDpop('ERR_GUARD_DPOP_MULTIPLE_PROOFS');
      const htu = htuOf(request);
      if (htu === undefined) failDpop('ERR_DPOP_HTU_MISMATCH');
      let proof: VerifiedDpopProof;
      try {
        proof = verifyDpopProof(header as string, {
          htm: request.method,
          htu: htu as string,
          algorithms,
          accessToken: token,
          expectedJkt: jkt,
          maxAge,
          clockTolerance,
          maxProofLength,
        });
      } catch (err) {
        // ERR_INVALID_OPTIONS here means the request had no usable method or URL.
        if (err instanceof JwtError) {
          return failDpop(err.code === 'ERR_INVALID_OPTIONS' ? 'ERR_DPOP_INVALID' : err.code);
        }
        return failDpop('ERR_GUARD_UNEXPECTED');
      }
      let recorded: void | Promise<void>;
      try {
        recorded = checkDpopReplay(cache(), proof);
      } catch (err) {
        return failDpop(replayReason(err));
      }
      if (recorded instanceof Promise) {
        return recorded.then(
          () => auth,
          (err: unknown) => failDpop(replayReason(err)),
        );
      }
      return auth;
    },
  };
}

/** A full cache is a capacity limit, told apart; anything else the cache says or throws is a replay. */
function replayReason(err: unknown): 'ERR_DPOP_REPLAY' | 'ERR_DPOP_REPLAY_CACHE_FULL' {
  return err instanceof JwtError && err.code === 'ERR_DPOP_REPLAY_CACHE_FULL'
    ? 'ERR_DPOP_REPLAY_CACHE_FULL'
    : 'ERR_DPOP_REPLAY';
}
