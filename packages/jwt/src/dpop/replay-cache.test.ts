import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkDpopReplay, createMemoryReplayCache, type DpopReplayCache } from './replay-cache.js';
import type { VerifiedDpopProof } from './verify.js';

const T0 = 1_780_000_000_000;

function proof(jti: string, jkt = 'key-a', expiresAt = T0 + 65_000): VerifiedDpopProof {
  return { header: { alg: 'ES256' }, payload: {}, jkt, jti, iat: (expiresAt - 65_000) / 1000, expiresAt };
}

describe('createMemoryReplayCache', () => {
  test('accepts an id once until it expires', () => {
    let now = T0;
    const cache = createMemoryReplayCache({ now: () => now });
    assert.equal(cache.checkAndStore('a', T0 + 1000), true);
    assert.equal(cache.checkAndStore('a', T0 + 1000), false);
    assert.equal(cache.checkAndStore('b', T0 + 1000), true);
    now = T0 + 1000;
    assert.equal(cache.checkAndStore('a', T0 + 2000), false, 'still remembered at its last instant');
    now = T0 + 1001;
    assert.equal(cache.checkAndStore('a', T0 + 2000), true, 'the window closed: the entry was dropped');
  });

  test('does not store what has already expired', () => {
    const cache = createMemoryReplayCache({ maxEntries: 1, now: () => T0 });
    assert.equal(cache.checkAndStore('old', T0 - 1), true);
    assert.equal(cache.checkAndStore('new', T0 + 1000), true, 'the expired one took no room');
  });

  test('when full of live entries it refuses new ids instead of evicting old ones', () => {
    let now = T0;
    const cache = createMemoryReplayCache({ maxEntries: 2, now: () => now });
    assert.equal(cache.checkAndStore('victim', T0 + 60_000), true);
    assert.equal(cache.checkAndStore('flood-1', T0 + 60_000), true);
    assert.throws(() => cache.checkAndStore('flood-2', T0 + 60_000), { code: 'ERR_DPOP_REPLAY_CACHE_FULL' });
    assert.equal(cache.checkAndStore('victim', T0 + 60_000), false, 'the victim stays remembered');
    now = T0 + 60_001;
    assert.equal(cache.checkAndStore('flood-2', T0 + 120_000), true, 'room again once the window passed');
  });

  test('refuses bad options', () => {
    for (const opts of [{ maxEntries: 0 }, { maxEntries: 1.5 }, { now: 5 }]) {
      assert.throws(() => createMemoryReplayCache(opts as never), { code: 'ERR_INVALID_OPTIONS' });
    }
  });
});

describe('checkDpopReplay', () => {
  test('synchronous with the memory cache: the second use throws ERR_DPOP_REPLAY', () => {
    const cache = createMemoryReplayCache({ now: () => T0 });
    assert.equal(checkDpopReplay(cache, proof('j1')), undefined);
    assert.throws(() => checkDpopReplay(cache, proof('j1')), { code: 'ERR_DPOP_REPLAY' });
  });

  test('the same jti under another key is another proof', () => {
    const cache = createMemoryReplayCache({ now: () => T0 });
    checkDpopReplay(cache, proof('j1', 'key-a'));
    assert.equal(checkDpopReplay(cache, proof('j1', 'key-b')), undefined);
  });

  test('a promise with an asynchronous cache', async () => {
    const seen = new Set<string>();
    const cache: DpopReplayCache = {
      async checkAndStore(id) {
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      },
    };
    await checkDpopReplay(cache, proof('j1'));
    await assert.rejects(Promise.resolve(checkDpopReplay(cache, proof('j1'))), { code: 'ERR_DPOP_REPLAY' });
  });

  test('refuses something that is not a cache', () => {
    assert.throws(() => checkDpopReplay({} as never, proof('j1')), { code: 'ERR_INVALID_OPTIONS' });
  });
});
