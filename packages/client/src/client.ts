import { isTransient, TesseraClientError } from './errors.js';
import { isInvalidToken, refusal, send } from './http.js';
import { type ClientOptions, resolveOptions } from './options.js';
import { openTabs, type TabMessage } from './tabs.js';

/** What a subscriber hears: a sign-in (login, restore, another tab), a sign-out, or a new access token. */
export type ClientEvent = 'signed-in' | 'signed-out' | 'refreshed';

/** Where the client stands: `unknown` until restore, login or the first call settles it. */
export type ClientStatus = 'unknown' | 'signed-in' | 'signed-out';

/** A Tessera client: see createClient. */
export interface TesseraClient {
  /** `unknown` until restore, login or the first call settles it. */
  readonly status: ClientStatus;
  /** Logs in; rejects with ERR_CLIENT_INVALID_CREDENTIALS, ERR_CLIENT_ACCOUNT_BLOCKED, … */
  login(email: string, password: string): Promise<void>;
  /** Creates an account (it does not log in). The answer is the same whether the email was taken or not. */
  register(email: string, password: string): Promise<{ id: string; email: string }>;
  /** On start: resumes the session (cookie or stored refresh token). False when there is none: a state, not an error. */
  restore(): Promise<boolean>;
  /** fetch with the access token attached; one refresh and one retry on a 401 `invalid_token`. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** A fresh access token (refreshed if needed), or null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** Ends this session on the server and here, in every tab. Signed out locally even when the server can't be reached. */
  logout(): Promise<void>;
  /** Ends every session of the user, then this one locally. */
  logoutEverywhere(): Promise<void>;
  /** Calls `listener` on every sign-in, sign-out and refresh; returns the unsubscribe function. */
  subscribe(listener: (event: ClientEvent) => void): () => void;
  /**
   * For adapters: the auth headers of one request with `token`. The one place
   * they are built: `Authorization: Bearer`, or for a DPoP-bound token
   * `Authorization: DPoP` and a fresh `DPoP` proof for `method` and `url`.
   */
  authHeaders(token: string, method: string, url: string): Promise<Record<string, string>>;
  /**
   * For adapters, with each response to a request made with authHeaders: keeps
   * the server's `DPoP-Nonce`, and is true when the response refused the proof
   * for want of it (`use_dpop_nonce`): then retry once with new authHeaders,
   * never more. Always false without DPoP.
   */
  dpopNonce(url: string, header: (name: string) => unknown): boolean;
  /**
   * For adapters, after a 401 `invalid_token` for `staleToken`: refreshes once
   * (unless another call already did) and resolves with the token to retry
   * with, or null when the session is over.
   */
  renew(staleToken: string): Promise<string | null>;
}

const NOT_SIGNED_IN = 'ERR_CLIENT_NOT_SIGNED_IN';
const notSignedIn = () => new TesseraClientError(NOT_SIGNED_IN, 'not signed in');
const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * Creates a client of one Tessera server. Browser mode keeps the access token
 * in memory and the refresh token in the server's HttpOnly cookie; token mode
 * keeps both in memory and the refresh token in `storage` if given. The client
 * refreshes before expiry (with jitter), once for any number of concurrent
 * calls and, in browsers, once for all tabs; it never signs out for a network
 * error.
 *
 * @example
 * const client = createClient({ baseUrl: location.origin, mode: 'browser' });
 * client.subscribe((event) => render(event));
 * if (!(await client.restore())) await client.login(email, password);
 * const res = await client.fetch('/api/orders');
 */
export function createClient(options: ClientOptions): TesseraClient {
  const env = resolveOptions(options);
  const { base, browser, storage, key } = env;
  const signer = env.dpop?.(base, env.now);
  const listeners = new Set<(event: ClientEvent) => void>();
  let access: string | undefined;
  // The access token is DPoP-bound (token_type DPoP): sent as `Authorization: DPoP` with a proof.
  let bound = false;
  let expiresAt = 0;
  let lifetime = 0;
  let refreshToken: string | undefined;
  let status: ClientStatus = 'unknown';
  // Counts every change of the access token, so a waiting refresh sees that someone else did it.
  let generation = 0;
  let inflight: Promise<void> | undefined;
  let timer: unknown;
  let failures = 0;
  let wake: (() => void) | undefined;

  const emit = (event: ClientEvent) => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        // A failing listener must not break the client; report it like an uncaught error.
        env.setTimeout(() => {
          throw err;
        }, 0);
      }
    }
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => env.setTimeout(resolve, ms));
  const backoff = (attempt: number, err: unknown) =>
    Math.max(
      Math.min(30_000, 500 * 2 ** attempt) * (0.5 + env.random() / 2),
      ((err as TesseraClientError).retryAfter ?? 0) * 1000,
    );
  const schedule = (ms: number) => {
    env.clearTimeout(timer);
    if (env.auto) timer = env.setTimeout(() => void refresh().catch(() => {}), ms);
  };

  const adopt = (token: string, expires: number, life: number, share: boolean, dpop: boolean) => {
    access = token;
    bound = dpop;
    expiresAt = expires;
    lifetime = life;
    generation++;
    failures = 0;
    wake?.();
    // Somewhere in 60–80 % of the remaining lifetime: tabs and devices spread out, no thundering herd.
    schedule((expires - env.now()) * (0.6 + env.random() / 5));
    if (share) tabs?.post({ t: 'a', a: token, e: expires, l: life, d: dpop });
    const was = status;
    status = 'signed-in';
    emit(was === 'signed-in' ? 'refreshed' : 'signed-in');
  };

  /** Signs out here; `share`: tells the other tabs. `drop`: deletes the DPoP key from its store too. */
  const end = async (share: boolean, drop = share || !browser) => {
    access = refreshToken = undefined;
    expiresAt = 0;
    generation++;
    wake?.();
    env.clearTimeout(timer);
    if (share) tabs?.post({ t: 'o' });
    if (status !== 'signed-out') {
      status = 'signed-out';
      emit('signed-out');
    }
    await storage?.removeItem(key);
    // A new session gets a new key. Another tab's sign-out leaves the stored key to that tab.
    await signer?.forget(drop);
  };

  const tabs = browser
    ? openTabs(env, (m: TabMessage) => {
        if (m.t === 'o') void end(false).catch(() => {});
        else if (m.e > expiresAt) adopt(m.a, m.e, m.l, false, m.d);
      })
    : undefined;

  /** Reads a token response: adopts the access token and, in token mode, keeps the refresh token. */
  const accept = async (res: Response) => {
    const body = (await res.json().catch(() => null)) as {
      access_token?: unknown;
      expires_in?: unknown;
      refresh_token?: unknown;
      token_type?: unknown;
    } | null;
    // expires_in counts whole seconds from a server clock that may be most of a second on: one less.
    const seconds = Number(body?.expires_in);
    const life = Math.max(seconds - 1, seconds / 2) * 1000;
    const next = body?.refresh_token;
    if (typeof body?.access_token !== 'string' || !(life > 0) || (!browser && typeof next !== 'string')) {
      throw new TesseraClientError('ERR_CLIENT_BAD_RESPONSE', 'not a token response', { status: res.status });
    }
    if (!browser) {
      refreshToken = next as string;
      await storage?.setItem(key, refreshToken);
    }
    adopt(
      body.access_token,
      env.now() + life,
      life,
      true,
      !!signer && /^dpop$/i.test(String(body.token_type)),
    );
  };

  /**
   * One POST to the auth server (with the access token `at` if given), aborted after
   * requestTimeoutMs (a network error, so retried). With DPoP it carries a proof, and
   * a `use_dpop_nonce` refusal is retried once with the server's nonce.
   */
  const post = async (path: string, init: RequestInit, at?: string) => {
    const url = base + path;
    const go = async () => {
      const abort = new AbortController();
      const t = env.setTimeout(() => abort.abort(), env.requestTimeoutMs);
      try {
        return await send(env.fetch, url, {
          method: 'POST',
          ...(browser ? { credentials: 'include' } : {}),
          signal: abort.signal,
          ...init,
          headers: {
            ...(init.headers as Record<string, string>),
            ...(at
              ? await authHeaders(at, 'POST', url)
              : signer && { dpop: await signer.proof('POST', url) }),
          },
        });
      } finally {
        env.clearTimeout(t);
      }
    };
    const res = await go();
    if (!signer) return res;
    // The auth server says use_dpop_nonce in a 400's body (RFC 9449 §8).
    const error =
      res.status === 400
        ? (
            await res
              .clone()
              .json()
              .catch(() => 0)
          )?.error
        : undefined;
    return signer.nonce(url, (name) => res.headers.get(name), error) ? go() : res;
  };

  /** Trades the refresh token (cookie or body) for a new pair. `start`: the generation it set out from. */
  const exchange = async (start: number) => {
    const init: RequestInit = {};
    if (!browser) {
      refreshToken ??= (await storage?.getItem(key)) ?? undefined;
      if (!refreshToken) {
        await end(false);
        throw notSignedIn();
      }
      init.headers = JSON_TYPE;
      init.body = JSON.stringify({ refresh_token: refreshToken });
    }
    const res = await post('/auth/refresh', init);
    if (res.ok) return accept(res);
    // 400: no cookie (or no token); 401: expired, revoked or reused. Either way the session is over,
    // unless a login or another tab's refresh brought a new token while this request was out.
    const err = await refusal(res, { 400: NOT_SIGNED_IN });
    if (generation !== start) return;
    if (err.code === NOT_SIGNED_IN) await end(status === 'signed-in', true);
    throw err;
  };

  /** One refresh at a time for the whole client (and, through the lock, for all tabs). */
  const refresh = (): Promise<void> =>
    (inflight ??= (async () => {
      const start = generation;
      for (let attempt = 0; ; attempt++) {
        try {
          return await (tabs ? tabs.lock((waited) => step(start, waited)) : step(start, false));
        } catch (err) {
          if (!isTransient(err) || attempt >= env.retries) {
            // Offline or a failing server: never a sign-out; try again later, in the background.
            if (isTransient(err)) schedule(backoff(failures++, err));
            throw err;
          }
          await sleep(backoff(attempt, err));
        }
      }
    })().finally(() => {
      inflight = undefined;
    }));

  const step = async (start: number, waited: boolean) => {
    // The tab that held the lock posts its token just before letting go: give the message a moment.
    if (waited && generation === start) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        env.setTimeout(resolve, 250);
      });
    }
    wake = undefined;
    if (generation === start) await exchange(start);
  };

  const token = async (force: boolean): Promise<string | null> => {
    if (access && env.now() < expiresAt - Math.min(10_000, lifetime / 5)) return access;
    if (status === 'signed-out' && !force) return null;
    try {
      await refresh();
    } catch (err) {
      if ((err as TesseraClientError).code !== NOT_SIGNED_IN) throw err;
    }
    return access ?? null;
  };

  const authHeaders = async (t: string, method: string, url: string): Promise<Record<string, string>> =>
    signer && bound
      ? { authorization: `DPoP ${t}`, dpop: await signer.proof(method, url, t) }
      : { authorization: `Bearer ${t}` };

  const renew = async (stale: string) => {
    if (access === stale) {
      try {
        await refresh();
      } catch (err) {
        if ((err as TesseraClientError).code !== NOT_SIGNED_IN) throw err;
      }
    }
    return access ?? null;
  };

  /** One call of client.fetch with `t`; with DPoP, a `use_dpop_nonce` refusal is retried once. */
  const call = async (input: RequestInfo | URL, init: RequestInit, t: string) => {
    const request = typeof Request === 'function' && input instanceof Request ? input : undefined;
    const url = request?.url ?? String(input);
    const go = async () => {
      const headers = new Headers(init.headers ?? request?.headers);
      const auth = await authHeaders(t, init.method ?? request?.method ?? 'GET', url);
      for (const name in auth) headers.set(name, auth[name] as string);
      // A Request's body can be read once: send a copy, keep the original for the retries.
      return send(env.fetch, request ? request.clone() : input, { ...init, headers }, true);
    };
    const res = await go();
    return signer?.nonce(url, (name) => res.headers.get(name)) ? go() : res;
  };

  const client: TesseraClient = {
    get status() {
      return status;
    },
    async login(email, password) {
      const res = await post('/auth/login', {
        headers: browser ? { ...JSON_TYPE, 'x-tessera-client': 'browser' } : JSON_TYPE,
        body: JSON.stringify({ email, password }),
      });
      if (!res.ok) throw await refusal(res, { 401: 'ERR_CLIENT_INVALID_CREDENTIALS' });
      await accept(res);
    },
    async register(email, password) {
      const res = await post('/auth/register', {
        headers: JSON_TYPE,
        body: JSON.stringify({ email, password }),
      });
      if (!res.ok) throw await refusal(res);
      return res.json();
    },
    restore: async () => (await token(true)) !== null,
    getAccessToken: () => token(false),
    async fetch(input, init = {}) {
      let t = await token(false);
      if (t === null) throw notSignedIn();
      let res = await call(input, init, t);
      if (isInvalidToken(res.status, res.headers.get('www-authenticate'))) {
        t = await renew(t);
        if (t === null) throw notSignedIn();
        res = await call(input, init, t);
      }
      return res;
    },
    async logout() {
      const t = access;
      const rt = browser ? undefined : (refreshToken ?? (await storage?.getItem(key)));
      try {
        if (t || rt || browser) {
          const res = await post(
            '/auth/logout',
            rt ? { headers: JSON_TYPE, body: JSON.stringify({ refresh_token: rt }) } : {},
            t,
          );
          // 400/401: nothing left to end on the server.
          if (!res.ok && res.status !== 400 && res.status !== 401) throw await refusal(res);
        }
      } finally {
        await end(true);
      }
    },
    async logoutEverywhere() {
      try {
        const res = await client.fetch(`${base}/auth/logout-all`, {
          method: 'POST',
          ...(browser ? { credentials: 'include' } : {}),
        });
        if (!res.ok) throw await refusal(res);
      } finally {
        await end(true);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    authHeaders,
    renew,
    dpopNonce: (url, header) => !!signer?.nonce(url, header),
  };
  return client;
}
