import { JwtError } from '../errors.js';
import type { VerifiedDpopProof } from './verify.js';

/**
 * Where the `jti` of accepted DPoP proofs is remembered until their `iat`
 * window closes. `checkAndStore` records `id` until `expiresAtMs` (inclusive:
 * the last instant verifyDpopProof still accepts the proof) and answers true
 * when it was not there yet, false when it was (a replay) or cannot be recorded. A shared
 * implementation (Redis `SET key 1 PX ttl NX`) lets several guards see each
 * other's proofs.
 */
export interface DpopReplayCache {
  checkAndStore(id: string, expiresAtMs: number): boolean | Promise<boolean>;
}

/** Options of createMemoryReplayCache. */
export interface MemoryReplayCacheOptions {
  /** The most proofs remembered at once. Default 100 000 (some 25 MB at worst). */
  maxEntries?: number;
  /** The clock, epoch ms (tests freeze it). Default `Date.now`. */
  now?: () => number;
}

/**
 * An in-process DpopReplayCache: a Map bounded in time (an entry is dropped
 * once its proof's `iat` window has closed, when it could no longer be
 * accepted anyway) and in size. When it is full of live entries it refuses
 * new proofs rather than evicting old ones: evicting would let anyone who
 * mints proofs with a key of their own flush a captured proof's entry and
 * replay it within its window, so a flood can only deny service (until the
 * window passes), never reopen a replay. It refuses by throwing
 * ERR_DPOP_REPLAY_CACHE_FULL, so that a capacity limit is not mistaken for a
 * replay: every entry is held for its window, so it takes at most
 * `maxEntries` ÷ the window in seconds new proofs per second on average.
 *
 * @example
 * const replays = createMemoryReplayCache({ maxEntries: 50_000 });
 * const proof = verifyDpopProof(header, { htm, htu, algorithms: ['ES256'] });
 * await checkDpopReplay(replays, proof);
 */
export function createMemoryReplayCache(opts: MemoryReplayCacheOptions = {}): DpopReplayCache {
  const maxEntries = opts.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new JwtError('ERR_INVALID_OPTIONS', 'maxEntries must be a positive integer');
  }
  const now = opts.now ?? Date.now;
  if (typeof now !== 'function') throw new JwtError('ERR_INVALID_OPTIONS', 'now must be a function');
  const entries = new Map<string, number>();

  const sweep = (at: number): void => {
    // Insertion order is roughly expiry order (every entry lives one window): drop from the front.
    for (const [id, expiresAt] of entries) {
      if (expiresAt >= at) break;
      entries.delete(id);
    }
  };

  return {
    checkAndStore(id, expiresAtMs) {
      const at = now();
      sweep(at);
      const seen = entries.get(id);
      if (seen !== undefined && seen >= at) return false;
      if (expiresAtMs < at) return true;
      if (seen === undefined && entries.size >= maxEntries) {
        throw new JwtError(
          'ERR_DPOP_REPLAY_CACHE_FULL',
          `the DPoP replay cache holds ${maxEntries} proofs still in their window and refuses new ones`,
        );
      }
      entries.set(id, expiresAtMs);
      return true;
    },
  };
}

/**
 * Records a verified proof in the replay cache and throws ERR_DPOP_REPLAY when
 * its key and `jti` were seen within the window (or the cache refuses it); an
 * error the cache throws (ERR_DPOP_REPLAY_CACHE_FULL from the memory one) passes through.
 * Synchronous with a synchronous cache (the memory one), a promise otherwise.
 *
 * @example
 * const proof = verifyDpopProof(dpopHeader, { htm: 'GET', htu, algorithms: ['ES256'], accessToken });
 * await checkDpopReplay(replays, proof);
 */
export function checkDpopReplay(cache: DpopReplayCache, proof: VerifiedDpopProof): void | Promise<void> {
  if (typeof cache?.checkAndStore !== 'function') {
    throw new JwtError('ERR_INVALID_OPTIONS', 'cache must be a DpopReplayCache');
  }
  // Scoped by the key: the same jti from two keys is two proofs; a replay repeats both.
  const result = cache.checkAndStore(`${proof.jkt}:${proof.jti}`, proof.expiresAt);
  if (result instanceof Promise) {
    return result.then((fresh) => {
      if (fresh !== true) throw replayError();
    });
  }
  if (result !== true) throw replayError();
}

function replayError(): JwtError {
  return new JwtError('ERR_DPOP_REPLAY', 'the DPoP proof was used before (or cannot be recorded)');
}
