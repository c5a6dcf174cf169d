import { JwtError } from '../errors.js';
import type { Key } from '../jwk/key.js';
import type { Alg } from '../lib/algs.js';
import { invalidHeaderName } from '../lib/headers.js';
import { type HttpUrlProblem, parseHttpUrl } from '../lib/http-url.js';
import { parseJsonObject } from '../lib/json.js';
import { CappedReadError, readCappedText } from '../lib/read-capped.js';
import { KeySet, keysFromJwks } from './key-set.js';

/** Options of createRemoteKeySet. Every bound has a safe default. */
export interface RemoteKeySetOptions {
  /** Abort a fetch after this long. Default 5 000 ms. */
  timeoutMs?: number;
  /** Refuse bigger responses. Default 512 KiB. */
  maxResponseBytes?: number;
  /** How long a set stays fresh when the response has no Cache-Control max-age. Default 10 min. */
  cacheMaxAgeMs?: number;
  /** Least time between two fetches caused by unknown kids or failures. Default 30 000 ms. */
  cooldownMs?: number;
  /** Extra request headers (for example a User-Agent). */
  headers?: Record<string, string>;
}

// fetch refuses a URL with credentials; saying so now keeps them out of every later error.
const URL_PROBLEMS: Record<HttpUrlProblem, string> = {
  invalid: 'the JWKS URL is not a valid URL',
  scheme: 'the JWKS URL must be http: or https:',
  credentials: 'the JWKS URL must not contain credentials (use headers)',
};
const MAX_AGE_CEILING_MS = 24 * 3600 * 1000;
const MAX_AGE = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d{1,10})"?/i;

/**
 * A JWK Set fetched from the issuer's URL, which comes from configuration only:
 * nothing in a token (`jku`, `x5u`, `iss`) ever causes a request. Fetches have a
 * timeout, a size cap and no redirects; concurrent ones are coalesced. The set is
 * cached as long as `Cache-Control: max-age` says (clamped between the cooldown and
 * one day), refreshed in the background once stale, refetched at most once per
 * cooldown for an unknown `kid`, and the last good set keeps serving while the
 * issuer is down.
 */
export class RemoteKeySet {
  readonly url: URL;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly defaultMaxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly headers: Record<string, string>;
  private set: KeySet | undefined;
  private staleAt = 0;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private pending: Promise<KeySet> | undefined;
  private lastError: JwtError | undefined;
  /** Increments whenever a new set is installed; verified-token caches compare it. */
  version = 0;
  /** Only the constructor sets it, so only real remote sets pass `instanceof RemoteKeySet`. */
  readonly #checked = true;

  /** `instanceof RemoteKeySet` is a brand check: an object built on its prototype is not one. */
  static [Symbol.hasInstance](value: unknown): value is RemoteKeySet {
    return typeof value === 'object' && value !== null && #checked in value;
  }

  /** @internal Use createRemoteKeySet. */
  constructor(url: string | URL, opts: RemoteKeySetOptions = {}) {
    const parsed = parseHttpUrl(url);
    if (typeof parsed === 'string') throw new JwtError('ERR_INVALID_OPTIONS', URL_PROBLEMS[parsed]);
    for (const name of Object.keys(opts)) {
      if (!REMOTE_OPTIONS.has(name)) {
        throw new JwtError('ERR_INVALID_OPTIONS', `unknown remote key set option ${JSON.stringify(name)}`);
      }
    }
    checkHeaders(opts.headers);
    this.url = parsed;
    this.timeoutMs = positive(opts.timeoutMs, 5000, 'timeoutMs');
    this.maxBytes = positive(opts.maxResponseBytes, 512 * 1024, 'maxResponseBytes');
    this.defaultMaxAgeMs = positive(opts.cacheMaxAgeMs, 10 * 60 * 1000, 'cacheMaxAgeMs');
    this.cooldownMs = positive(opts.cooldownMs, 30_000, 'cooldownMs');
    this.headers = { accept: 'application/jwk-set+json, application/json', ...opts.headers };
  }

  /**
   * The cached set, or undefined before the first successful fetch. When the set
   * is stale this starts a background refresh and still returns it.
   */
  current(): KeySet | undefined {
    const now = Date.now();
    if (this.set !== undefined && now >= this.staleAt && this.pending === undefined) {
      if (now - this.lastAttempt >= this.cooldownMs) this.reload().catch(() => {});
    }
    return this.set;
  }

  /** True when a set is cached and not stale. */
  get fresh(): boolean {
    return this.set !== undefined && Date.now() < this.staleAt;
  }

  /**
   * The key for a header's alg and kid, fetching the set first if needed and
   * refetching once per cooldown when the kid is unknown.
   *
   * @example
   * const key = await jwks.getKey('EdDSA', 'k1');
   */
  async getKey(alg: Alg, kid: string | undefined): Promise<Key> {
    const cached = this.current()?.find(alg, kid);
    if (cached !== undefined) return cached;
    // Without any set, retry a failed fetch after a second; with one, once per cooldown.
    const wait = this.set === undefined ? Math.min(this.cooldownMs, 1000) : this.cooldownMs;
    if (this.pending !== undefined || Date.now() - this.lastAttempt >= wait) {
      try {
        const key = (await this.reload()).find(alg, kid);
        if (key !== undefined) return key;
      } catch (err) {
        if (this.set === undefined) throw err;
      }
    } else if (this.set === undefined && this.lastError !== undefined) {
      throw this.lastError;
    }
    throw new JwtError('ERR_JWKS_NO_MATCHING_KEY', 'no key matches the token header');
  }

  /**
   * Fetches the set now (or joins the fetch under way). On failure the previous
   * set stays in place and the error is thrown.
   *
   * @example
   * await jwks.reload(); // warm the cache at startup
   */
  reload(): Promise<KeySet> {
    if (this.pending !== undefined) return this.pending;
    this.lastAttempt = Date.now();
    this.pending = this.fetchSet()
      .then(
        (set) => {
          this.lastError = undefined;
          return set;
        },
        (err: JwtError) => {
          this.lastError = err;
          throw err;
        },
      )
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private async fetchSet(): Promise<KeySet> {
    let response: Response;
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      response = await fetch(this.url, { headers: this.headers, redirect: 'manual', signal });
    } catch (cause) {
      throw fetchError(cause, signal);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new JwtError('ERR_JWKS_FETCH_FAILED', `the JWKS endpoint answered HTTP ${response.status}`);
    }
    const text = await readBody(response, this.maxBytes, signal);
    const json = parseJsonObject(text, 'ERR_JWKS_INVALID', 'the JWKS response');
    const set = new KeySet(keysFromJwks(json, true));
    this.set = set;
    this.version++;
    this.staleAt = Date.now() + this.maxAge(response.headers.get('cache-control'));
    return set;
  }

  private maxAge(cacheControl: string | null): number {
    if (cacheControl === null) return this.defaultMaxAgeMs;
    if (/no-store|no-cache/i.test(cacheControl)) return this.cooldownMs;
    const m = MAX_AGE.exec(cacheControl);
    if (!m) return this.defaultMaxAgeMs;
    return Math.min(Math.max(Number(m[1]) * 1000, this.cooldownMs), MAX_AGE_CEILING_MS);
  }
}

/** The response body as text; every failure of the capped read becomes this package's error. */
async function readBody(response: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  try {
    return await readCappedText(response, maxBytes);
  } catch (err) {
    const failure = err instanceof CappedReadError ? err.failure : 'read-failed';
    if (failure === 'too-large')
      throw new JwtError('ERR_JWKS_FETCH_FAILED', 'the JWKS response is too large');
    if (failure === 'not-utf8') throw new JwtError('ERR_JWKS_INVALID', 'the JWKS response is not UTF-8');
    throw fetchError(err instanceof CappedReadError ? err.cause : err, signal);
  }
}

function fetchError(cause: unknown, signal: AbortSignal): JwtError {
  if (signal.aborted) return new JwtError('ERR_JWKS_TIMEOUT', 'the JWKS fetch timed out');
  return new JwtError('ERR_JWKS_FETCH_FAILED', 'the JWKS fetch failed', { cause });
}

const REMOTE_OPTIONS = new Set(['timeoutMs', 'maxResponseBytes', 'cacheMaxAgeMs', 'cooldownMs', 'headers']);

/** Header names and values that fetch would refuse at every request are refused now (values never echoed). */
function checkHeaders(headers: Record<string, string> | undefined): void {
  if (headers === undefined) return;
  if (typeof headers !== 'object' || headers === null) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'headers must be an object of strings');
  }
  const bad = invalidHeaderName(headers);
  if (bad !== undefined) {
    throw new JwtError('ERR_INVALID_OPTIONS', `headers: ${JSON.stringify(bad)} has an invalid name or value`);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new JwtError('ERR_INVALID_OPTIONS', `${name} must be a positive number`);
  }
  return value;
}

/**
 * Creates a remote key set for an issuer's JWKS URL (from configuration, never from a token).
 *
 * @example
 * const jwks = createRemoteKeySet('https://auth.example.com/.well-known/jwks.json');
 * const verifier = createVerifier({ keys: jwks, algorithms: ['EdDSA'], issuer, audience });
 * const { payload } = await verifier.verify(token);
 */
export function createRemoteKeySet(url: string | URL, opts?: RemoteKeySetOptions): RemoteKeySet {
  return new RemoteKeySet(url, opts);
}
