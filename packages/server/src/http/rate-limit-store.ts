import type { RateLimitStore } from '../store/index.js';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * Adapts the store's persisted counters to @fastify/rate-limit's store
 * interface, so limits hold across restarts and across instances.
 */
export function persistentRateLimitStore(store: Pick<RateLimitStore, 'hit'>, now: () => number) {
  return class PersistentRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      const at = now();
      store.hit(key, timeWindow, at).then(
        (hit) => callback(null, { current: hit.count, ttl: Math.max(0, hit.resetAt - at) }),
        (err: Error) => callback(err),
      );
    }

    child(): PersistentRateLimitStore {
      return new PersistentRateLimitStore();
    }
  };
}
