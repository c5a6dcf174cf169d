import type { RemoteKeySet } from '@tessera/jwt';
import { backoffDelay } from '../revocation/backoff.js';

/**
 * Resolves once the remote key set holds keys, fetching until it does (with
 * backoff, on unref'd timers); rejects when `signal` aborts. After this, the
 * guard's hot path is synchronous from the very first request.
 */
export async function waitForKeys(remote: RemoteKeySet, signal: AbortSignal): Promise<void> {
  for (let failures = 0; remote.current() === undefined; failures++) {
    signal.throwIfAborted();
    try {
      await remote.reload();
      return;
    } catch {
      await sleep(backoffDelay(500, failures + 1, 30_000), signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
