import type { Env } from './options.js';

/** What one tab tells the others: a new access token (`a`, expiring at `e`, lifetime `l`), or signed out. */
export type TabMessage = { t: 'a'; a: string; e: number; l: number } | { t: 'o' };

/** The tabs of one browser sharing a session: messages, and one refresh at a time. */
export interface Tabs {
  post(message: TabMessage): void;
  /**
   * Runs `fn` holding the cross-tab refresh lock. `waited` is true when another
   * tab held it first (it probably just refreshed: check before refreshing
   * again). Without the Web Locks API, or when the holder does not let go
   * within `lockTimeoutMs`, `fn` runs without the lock: a second refresh of the
   * same cookie is then wasteful but safe, since the server answers a reuse
   * within its grace window with the same successor.
   */
  lock<T>(fn: (waited: boolean) => Promise<T>): Promise<T>;
}

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
    async lock(fn) {
      if (!locks) return fn(false);
      const busy = {};
      const first = await locks.request(name, { ifAvailable: true }, (lock) => (lock ? fn(false) : busy));
      if (first !== busy) return first as Awaited<ReturnType<typeof fn>>;
      const abort = new AbortController();
      let granted = false;
      const timer = env.setTimeout(() => abort.abort(), env.lockTimeoutMs);
      try {
        return await locks.request(name, { signal: abort.signal }, () => {
          granted = true;
          env.clearTimeout(timer);
          return fn(true);
        });
      } catch (err) {
        if (granted || !abort.signal.aborted) throw err;
        return fn(true);
      }
    },
  };
}
