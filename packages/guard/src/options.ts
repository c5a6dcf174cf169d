import type { Alg, DpopReplayCache, Key, KeySet, RemoteKeySetOptions } from '@tessera/jwt';
import {
  type HttpUrlProblem,
  invalidHeaderName,
  isHmacAlg,
  isHttpToken,
  parseHttpUrl,
} from '@tessera/jwt/internal';
import { GuardOptionsError } from './failures.js';

/** Where the guard follows the auth server's revocation feed. */
export interface RevocationOptions {
  /** The feed, e.g. `http://127.0.0.1:3000/auth/revocations` (from configuration only). */
  url: string;
  /** Time between two polls while the feed answers. Default 5 000 ms. */
  intervalMs?: number;
  /** The longest wait between polls while the feed is down (exponential backoff). Default 30 000 ms. */
  maxBackoffMs?: number;
  /** Abort one poll after this long. Default 5 000 ms. */
  timeoutMs?: number;
  /**
   * Once the feed has been unreachable this long (counted from the last good
   * sync), reject every token that carries a `sid`, since a revocation may
   * have been missed. Default: off (keep serving the last list). See the README
   * for the trade-off. Must be at least `intervalMs`.
   */
  failClosedAfterMs?: number;
  /** Refuse bigger responses. Default 8 MiB. */
  maxResponseBytes?: number;
  /** Extra request headers (for example an API key in front of the feed). */
  headers?: Record<string, string>;
  /**
   * The auth server's `revocationFeedSecret`: sent as `Authorization: Bearer <secret>` with
   * every poll. Never logged, never in an error message.
   */
  secret?: string;
  /** Called with each failed poll or dropped stream (for logging); the error never contains a token. */
  onError?: (err: Error) => void;
  /**
   * `'auto'` (default): follow `<url>/stream` (Server-Sent Events) when the server offers it, so
   * revocations arrive as they are written; poll while it is down and when the server has none
   * (404). `'poll'`: only poll every `intervalMs`.
   */
  transport?: 'auto' | 'poll';
  /** A stream silent this long (the server sends a heartbeat every 15 s) is dropped and reconnected. Default 45 000 ms. */
  streamIdleMs?: number;
}

/**
 * DPoP (RFC 9449) at this resource server. A token with `cnf.jkt` is always accepted only as
 * `Authorization: DPoP <token>` with a `DPoP` proof for the request; these options tune the check.
 */
export interface GuardDpopOptions {
  /** Proof algorithms accepted (asymmetric only). Default `['ES256', 'EdDSA', 'PS256', 'RS256']`. */
  algorithms?: Alg[];
  /** How old a proof may be (against its `iat`), seconds; seen `jti`s are kept as long. Default 60. */
  iatWindowSeconds?: number;
  /** Clock skew on `iat`, both ways, seconds or `'5s'`; at most 60 s. Default 5 s. */
  clockTolerance?: number | string;
  /**
   * The origin (and path prefix, if any) clients address, e.g. `https://api.example.com`: the
   * proof's `htu` must be this plus the request path. Set it behind a proxy or a TLS terminator;
   * without it the URL is rebuilt from the request (its `Host` header and whether the socket is
   * TLS; Hono: the request URL).
   */
  publicBaseUrl?: string;
  /**
   * Where the `jti` of accepted proofs is remembered until their window closes. Default: in
   * memory, at most `maxReplayEntries`. Several instances behind one load balancer share one,
   * e.g. `createRedisReplayCache(redis)`.
   */
  replayCache?: DpopReplayCache;
  /**
   * The most proofs the default in-memory replay cache holds. Default 100 000. Each is held for
   * the window (`iatWindowSeconds` + `clockTolerance`), so the default sustains about 1,500
   * proofs/s; when full, new proofs are refused until older ones expire.
   */
  maxReplayEntries?: number;
  /** Longer proofs are refused before any parsing. Default 4096 characters. */
  maxProofLength?: number;
  /** Refuse Bearer tokens: only DPoP-bound tokens are accepted. Default false. */
  required?: boolean;
}

/** Options of the verified-token cache. */
export interface GuardCacheOptions {
  /** The most tokens remembered. Default 1000. */
  maxEntries?: number;
}

/** Options of createGuard. `algorithms`, `issuer` and `audience` are required; `keys` xor `jwksUri`. */
export interface GuardOptions {
  /** The expected `iss` (exact match; a list accepts any of them). */
  issuer: string | string[];
  /** The expected `aud`: the token's `aud` must contain one of these. */
  audience: string | string[];
  /** The allow-list of signature algorithms, e.g. `['EdDSA']`. */
  algorithms: Alg[];
  /** Local verification keys. Exactly one of `keys` and `jwksUri`. */
  keys?: Key | KeySet;
  /** The issuer's JWKS, e.g. `http://127.0.0.1:3000/.well-known/jwks.json`. */
  jwksUri?: string;
  /** Options of the remote key set (timeout, cooldown…) when `jwksUri` is set. */
  jwks?: RemoteKeySetOptions;
  /** Required `typ` header, as a media type. Default `'at+jwt'` (RFC 9068). */
  typ?: string;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds or `'30s'`; at most 60 s. Default 0. */
  clockTolerance?: number | string;
  /** Refuse tokens older than this (against `iat`). Default: no limit besides `exp`. */
  maxTokenAge?: number | string;
  /** Longer tokens get 401 before any parsing. Default 8192. */
  maxTokenLength?: number;
  /** The `realm` of the WWW-Authenticate challenges. Default: the first audience. */
  realm?: string;
  /** Also accept the token from this cookie (never together with the header). */
  cookie?: string;
  /** Also accept the token from this query parameter, e.g. `'access_token'` (RFC 6750 §2.3; discouraged). */
  query?: string;
  /** Remember verified tokens until they expire (revocation still runs on every request). Default true. */
  cache?: boolean | GuardCacheOptions;
  /** Follow the auth server's revocation feed. */
  revocations?: RevocationOptions;
  /** DPoP-bound tokens (RFC 9449): proof algorithms, `iat` window, public URL, replay cache. */
  dpop?: GuardDpopOptions;
}

const KNOWN = new Set([
  'issuer',
  'audience',
  'algorithms',
  'keys',
  'jwksUri',
  'jwks',
  'typ',
  'clockTolerance',
  'maxTokenAge',
  'maxTokenLength',
  'realm',
  'cookie',
  'query',
  'cache',
  'revocations',
  'dpop',
]);
const KNOWN_DPOP = new Set([
  'algorithms',
  'iatWindowSeconds',
  'clockTolerance',
  'publicBaseUrl',
  'replayCache',
  'maxReplayEntries',
  'maxProofLength',
  'required',
]);
const KNOWN_REVOCATIONS = new Set([
  'url',
  'intervalMs',
  'maxBackoffMs',
  'timeoutMs',
  'failClosedAfterMs',
  'maxResponseBytes',
  'headers',
  'secret',
  'onError',
  'transport',
  'streamIdleMs',
]);

const QUERY_NAME = /^[A-Za-z0-9_.~-]+$/;
/** RFC 6750 b64token: what fits after `Bearer `. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** A realm goes inside a quoted-string: printable ASCII without `"` and `\`. */
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

const URL_PROBLEMS: Record<HttpUrlProblem, string> = {
  invalid: 'revocations.url must be a URL',
  scheme: 'revocations.url must be http: or https:',
  credentials: 'revocations.url must not contain credentials (use revocations.headers)',
};

/** A programming error in the options: thrown by createGuard, never at a request. */
export function optionError(message: string): GuardOptionsError {
  return new GuardOptionsError('ERR_GUARD_OPTIONS', message);
}

/** Checks what the verifier does not: shape, exclusivity, extraction and revocation options. */
export function checkGuardOptions(opts: GuardOptions): void {
  if (typeof opts !== 'object' || opts === null) throw optionError('options are required');
  for (const name of Object.keys(opts)) {
    if (!KNOWN.has(name)) throw optionError(`unknown option ${JSON.stringify(name)}`);
  }
  if (!Array.isArray(opts.algorithms) || opts.algorithms.length === 0) {
    throw optionError('algorithms is required: a non-empty list such as ["EdDSA"]');
  }
  if (opts.issuer === undefined) throw optionError('issuer is required');
  if (opts.audience === undefined) throw optionError('audience is required');
  if ((opts.keys === undefined) === (opts.jwksUri === undefined)) {
    throw optionError('exactly one of keys and jwksUri is required');
  }
  if (opts.jwks !== undefined && opts.jwksUri === undefined) throw optionError('jwks needs jwksUri');
  if (opts.typ !== undefined && (typeof opts.typ !== 'string' || opts.typ === '')) {
    throw optionError('typ must be a non-empty string');
  }
  // RFC 6265 cookie-name: an RFC 7230 token.
  if (opts.cookie !== undefined && !isHttpToken(opts.cookie)) {
    throw optionError('cookie must be a cookie name');
  }
  if (opts.query !== undefined && (typeof opts.query !== 'string' || !QUERY_NAME.test(opts.query))) {
    throw optionError('query must be a query parameter name such as "access_token"');
  }
  if (opts.revocations !== undefined) checkRevocationOptions(opts.revocations);
  if (opts.dpop !== undefined) checkDpopOptions(opts.dpop);
}

/** The proof algorithms accepted when `dpop.algorithms` is not set. */
export const DEFAULT_DPOP_ALGORITHMS: readonly Alg[] = Object.freeze(['ES256', 'EdDSA', 'PS256', 'RS256']);

function checkDpopOptions(dpop: GuardDpopOptions): void {
  if (typeof dpop !== 'object' || dpop === null) throw optionError('dpop must be an object');
  for (const name of Object.keys(dpop)) {
    if (!KNOWN_DPOP.has(name)) throw optionError(`unknown option dpop.${name}`);
  }
  if (dpop.algorithms !== undefined) {
    if (!Array.isArray(dpop.algorithms) || dpop.algorithms.length === 0) {
      throw optionError('dpop.algorithms must be a non-empty list such as ["ES256"]');
    }
    if (dpop.algorithms.some((alg) => typeof alg !== 'string' || isHmacAlg(alg))) {
      throw optionError('dpop.algorithms takes asymmetric algorithms only');
    }
  }
  for (const name of ['iatWindowSeconds', 'maxReplayEntries', 'maxProofLength'] as const) {
    const value = dpop[name];
    if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
      throw optionError(`dpop.${name} must be a positive integer`);
    }
  }
  if (dpop.publicBaseUrl !== undefined) {
    const url = parseHttpUrl(dpop.publicBaseUrl);
    if (typeof url === 'string' || url.search !== '' || url.hash !== '') {
      throw optionError('dpop.publicBaseUrl must be an http: or https: URL without query or fragment');
    }
  }
  if (dpop.replayCache !== undefined && typeof dpop.replayCache?.checkAndStore !== 'function') {
    throw optionError('dpop.replayCache must have a checkAndStore(id, expiresAtMs) method');
  }
  if (dpop.required !== undefined && typeof dpop.required !== 'boolean') {
    throw optionError('dpop.required must be a boolean');
  }
}

/** The realm of the challenges: the option, else the first audience; it must fit a quoted-string. */
export function realmOf(opts: GuardOptions): string {
  const realm = opts.realm ?? (Array.isArray(opts.audience) ? opts.audience[0] : opts.audience);
  if (typeof realm !== 'string' || !REALM.test(realm)) {
    throw optionError('realm must be printable ASCII without quotes or backslashes (set the realm option)');
  }
  return realm;
}

function checkRevocationOptions(rev: RevocationOptions): void {
  if (typeof rev !== 'object' || rev === null) throw optionError('revocations must be an object');
  for (const name of Object.keys(rev)) {
    if (!KNOWN_REVOCATIONS.has(name)) throw optionError(`unknown option revocations.${name}`);
  }
  const url = parseHttpUrl(rev.url);
  if (typeof url === 'string') throw optionError(URL_PROBLEMS[url]);
  for (const name of [
    'intervalMs',
    'maxBackoffMs',
    'timeoutMs',
    'failClosedAfterMs',
    'maxResponseBytes',
    'streamIdleMs',
  ] as const) {
    const value = rev[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)) {
      throw optionError(`revocations.${name} must be a positive number`);
    }
  }
  const interval = rev.intervalMs ?? 5000;
  if (rev.failClosedAfterMs !== undefined && rev.failClosedAfterMs < interval) {
    throw optionError('revocations.failClosedAfterMs must be at least intervalMs');
  }
  if (rev.transport !== undefined && rev.transport !== 'auto' && rev.transport !== 'poll') {
    throw optionError('revocations.transport must be "auto" or "poll"');
  }
  if (rev.onError !== undefined && typeof rev.onError !== 'function') {
    throw optionError('revocations.onError must be a function');
  }
  if (rev.headers !== undefined) checkHeaders(rev.headers);
  if (rev.secret !== undefined) checkSecret(rev);
}

/** The secret must fit a Bearer header, and only one of `secret` and an Authorization header may be given. */
function checkSecret(rev: RevocationOptions): void {
  if (typeof rev.secret !== 'string' || !B64TOKEN.test(rev.secret)) {
    throw optionError(
      'revocations.secret must be a non-empty token of A-Z a-z 0-9 - . _ ~ + / (and trailing =)',
    );
  }
  if (Object.keys(rev.headers ?? {}).some((name) => name.toLowerCase() === 'authorization')) {
    throw optionError('revocations.secret and revocations.headers.authorization are exclusive');
  }
}

/** What fetch would refuse at every poll is refused now; a value (an API key, say) is never echoed. */
function checkHeaders(headers: Record<string, string>): void {
  if (typeof headers !== 'object' || headers === null)
    throw optionError('revocations.headers must be an object');
  const bad = invalidHeaderName(headers);
  if (bad !== undefined) {
    throw optionError(`revocations.headers: ${JSON.stringify(bad)} has an invalid name or value`);
  }
}
