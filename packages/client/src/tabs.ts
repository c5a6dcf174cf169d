import type { Env } from './options.js';

/**
 * What one tab tells the others: a new access token (`a`, expiring at `e`, lifetime `l`,
 * DPoP-bound if `d`), or signed out.
 */
export type TabMessage = { t: 'a'; a: string; e: number; l: number; d: boolean } | { t: 'o' };

/** The tabs of one browser sharing a session: messages, and one refresh at a time. */
export interface Tabs {
  post(message: TabMessage): void;
  /**
   * Runs `fn` holding the cross-tab refresh lock. `waited` is true when another
   * tab held it first (it probably just refreshed: check before refreshing
   * again). Without the Web Locks API, or when the holder does not let go
   * within `lockTimeoutMs`, `fn` runs without the lock (`waited` true when it
   * waited): a second refresh of the same cookie is then wasteful but safe,
   * since the server answers a reuse within its grace window with the same
   * successor.
   */
  lock<T>(fn: (waited: boolean) => Promise<T>): Promise<T>;
}

/** How long a tab keeps the lock after its refresh (see `lock`). */
const LINGER_MS = 250;

/** Opens the channel and the lock of the session at `env.base`. */
export function openTabs(env: Env, onMessage: (message: TabMessage) => void): Tabs {
  const name = `tessera:${env.base}`;
  const locks = env.locks;
  let channel: InstanceType<NonNullable<Env['BroadcastChannel']>> | undefined;
  if (env.BroadcastChannel) {
    channel = new env.BroadcastChannel(name);
    channel.onmessage = (event) => {
      const m = event.data as TabMessage;
      if (m?.t === 'o' || (m?.t === 'a' && typeof m.a === 'string' && m.e > 0 && m.l > 0)) onMessage(m);
    };
  }
  return {
    post: (message) => channel?.postMessage(message),
    lock: (fn) =>
      new Promise((resolve, reject) => {
        let started = false;
        // fn's callers get its result at once; the lock is kept LINGER_MS longer, so the message
        // posted at the end of a refresh reaches the other tabs before one of them can take it.
        const hold = (waited: boolean) => {
          started = true;
          const run = fn(waited);
          run.then(resolve, reject);
          return run.then(
            () => new Promise<void>((r) => env.setTimeout(r, LINGER_MS)),
            () => {},
          );
        };
        // No lock within lockTimeoutMs, or none usable (an opaque origin throws): run without it.
        const without = (err: unknown) => (started ? reject(err) : hold(true));
        if (!locks) return void hold(false);
        const wait = () => {
          const abort = new AbortController();
          const timer = env.setTimeout(() => abort.abort(), env.lockTimeoutMs);
          locks
            .request(name, { signal: abort.signal }, () => {
              env.clearTimeout(timer);
              return hold(true);
            })
            .catch(without);
        };
        locks.request(name, { ifAvailable: true }, (lock) => (lock ? hold(false) : wait())).catch(without);
      }),
  };
}
