import { TesseraClientError } from './errors.js';

/**
 * Where token mode keeps the refresh token between app starts: the shape of
 * React Native's AsyncStorage, and of a few lines around a secure store
 * (docs/client.md shows one for expo-secure-store). Never `localStorage`.
 */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/** The part of the Web Locks API the client uses (`navigator.locks`). */
export interface LockManagerLike {
  request<T>(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => T | Promise<T>,
  ): Promise<T>;
}

/** The part of BroadcastChannel the client uses. */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/**
 * What createClient needs of DPoP, made by `dpop()` of `@tessera/client/dpop` (kept out of the
 * main entry so apps without DPoP do not ship it). Called once by createClient with its
 * baseUrl and clock.
 */
export type Dpop = (base: string, now: () => number) => DpopSigner;

/** One client's DPoP key pair and the nonces its servers gave. */
export interface DpopSigner {
  /** A fresh proof for one request: `ath` when `accessToken` is given, the nonce last given by the URL's origin. */
  proof(method: string, url: string, accessToken?: string): Promise<string>;
  /**
   * Reads a response to `url`: keeps its `DPoP-Nonce` for that origin. True when the response
   * refused the proof for want of that nonce (`error`, or else the WWW-Authenticate challenge,
   * says `use_dpop_nonce`): one retry with a new proof will do.
   */
  nonce(url: string, header: (name: string) => unknown, error?: unknown): boolean;
  /** Forgets the key, and deletes it from its key store when `stored`: the next session gets a new one. */
  forget(stored: boolean): Promise<void>;
}

/** Options of createClient. The ones under "Advanced" are for tests and unusual runtimes. */
export interface ClientOptions {
  /** The auth server, e.g. `https://auth.example.com` or `location.origin` behind a proxy. */
  baseUrl: string;
  /**
   * `browser`: the refresh token lives only in the server's HttpOnly cookie, the access
   * token only in memory. `token` (React Native, Node, services): both tokens in memory,
   * the refresh token also in `storage` when given.
   */
  mode: 'browser' | 'token';
  /** Token mode only: keeps the refresh token across restarts (a secure store; never localStorage). */
  storage?: AsyncStorageLike;
  /** The key of the refresh token in `storage`. Default `tessera.refresh_token`. */
  storageKey?: string;
  /**
   * DPoP-bound tokens (RFC 9449): `dpop()` of `@tessera/client/dpop`. Every auth request and
   * every `client.fetch` then carries a proof signed by a non-extractable key of this client.
   */
  dpop?: Dpop;
  /** Refresh in the background before the access token expires (with jitter). Default true. */
  autoRefresh?: boolean;
  /** How often a refresh that met a network error, a 5xx or a 429 is retried before a call fails. Default 3. */
  refreshRetries?: number;
  /** Advanced: how long a tab waits for another tab's refresh before refreshing itself. Default 10 000 ms. */
  lockTimeoutMs?: number;
  /** Advanced: a request to the auth server is aborted (and counts as a network error) after this long. Default 15 000 ms. */
  requestTimeoutMs?: number;
  /** Advanced: the fetch to use. Default the global fetch. */
  fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Advanced: the clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Advanced: timers. Default the global ones (unref'd in Node, so they never hold a process open). */
  setTimeout?: (callback: () => void, ms: number) => unknown;
  /** Advanced: cancels a timer of `setTimeout`. */
  clearTimeout?: (timer: unknown) => void;
  /** Advanced: a number in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
  /** Advanced, browser mode: the Web Locks API. Default `navigator.locks`; `null`: none (each tab refreshes on its own). */
  locks?: LockManagerLike | null;
  /** Advanced, browser mode: the BroadcastChannel constructor. Default the global one; `null`: none. */
  BroadcastChannel?: (new (name: string) => BroadcastChannelLike) | null;
}

/** The options with every default filled in. */
export interface Env {
  base: string;
  browser: boolean;
  storage: AsyncStorageLike | undefined;
  key: string;
  dpop: Dpop | undefined;
  auto: boolean;
  retries: number;
  lockTimeoutMs: number;
  requestTimeoutMs: number;
  fetch: NonNullable<ClientOptions['fetch']>;
  now: () => number;
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (timer: unknown) => void;
  random: () => number;
  locks: LockManagerLike | undefined;
  BroadcastChannel: (new (name: string) => BroadcastChannelLike) | undefined;
}

const bad = (message: string) => new TesseraClientError('ERR_CLIENT_INVALID_OPTIONS', message);

/** Checks the options once, at createClient: a mistake throws there, never at the first request. */
export function resolveOptions(o: ClientOptions): Env {
  const g = globalThis as unknown as {
    fetch?: Env['fetch'];
    localStorage?: unknown;
    sessionStorage?: unknown;
    navigator?: { locks?: LockManagerLike };
    BroadcastChannel?: Env['BroadcastChannel'];
  };
  if (!/^https?:\/\/[^/]/.test(o?.baseUrl)) throw bad('baseUrl must be an http(s) URL');
  if (o.mode !== 'browser' && o.mode !== 'token') throw bad("mode must be 'browser' or 'token'");
  const browser = o.mode === 'browser';
  const storage = o.storage;
  if (storage && browser)
    throw bad('storage is for token mode: in browser mode the refresh token stays in the HttpOnly cookie');
  if (
    storage &&
    (storage === g.localStorage || storage === g.sessionStorage || typeof storage.getItem !== 'function')
  )
    throw bad('storage must be an async secure store, never localStorage');
  if (o.dpop && typeof o.dpop !== 'function') throw bad("dpop takes dpop() of '@tessera/client/dpop'");
  const f = o.fetch ?? g.fetch;
  if (typeof f !== 'function') throw new TesseraClientError('ERR_CLIENT_NOT_SUPPORTED', 'no fetch: pass one');
  return {
    base: o.baseUrl.replace(/\/+$/, ''),
    browser,
    storage,
    key: o.storageKey ?? 'tessera.refresh_token',
    dpop: o.dpop || undefined,
    auto: o.autoRefresh ?? true,
    retries: o.refreshRetries ?? 3,
    lockTimeoutMs: o.lockTimeoutMs ?? 10_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 15_000,
    // Called unbound, as a browser's fetch must be.
    fetch: o.fetch ?? ((input, init) => (g.fetch as Env['fetch'])(input, init)),
    now: o.now ?? Date.now,
    setTimeout:
      o.setTimeout ??
      ((callback, ms) => {
        const timer = setTimeout(callback, ms);
        (timer as { unref?: () => void }).unref?.();
        return timer;
      }),
    clearTimeout: o.clearTimeout ?? ((timer) => clearTimeout(timer as number)),
    random: o.random ?? Math.random,
    locks: o.locks === null ? undefined : (o.locks ?? g.navigator?.locks),
    BroadcastChannel: o.BroadcastChannel === null ? undefined : (o.BroadcastChannel ?? g.BroadcastChannel),
  };
}
