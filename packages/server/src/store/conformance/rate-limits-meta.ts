import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StoreFactory, T0, withStore } from './support.js';

/** Fixed-window rate limits and the meta table, including their atomic steps. */
export function rateLimitAndMetaConformance(factory: StoreFactory): void {
  describe('rate limits', () => {
    it(
      'counts hits in a fixed window and starts over when it ends',
      withStore(factory, async (store) => {
        assert.deepEqual(await store.rateLimits.hit('k', 60_000, T0), { count: 1, resetAt: T0 + 60_000 });
        assert.deepEqual(await store.rateLimits.hit('k', 60_000, T0 + 59_999), {
          count: 2,
          resetAt: T0 + 60_000,
        });
        assert.deepEqual(await store.rateLimits.hit('other', 1000, T0 + 1), { count: 1, resetAt: T0 + 1001 });
        assert.deepEqual(await store.rateLimits.hit('k', 60_000, T0 + 60_000), {
          count: 1,
          resetAt: T0 + 120_000,
        });
        await store.rateLimits.reset('k');
        assert.deepEqual(await store.rateLimits.hit('k', 60_000, T0 + 60_001), {
          count: 1,
          resetAt: T0 + 120_001,
        });
      }),
    );

    it(
      'counts 100 concurrent hits exactly',
      withStore(factory, async (store) => {
        const hits = await Promise.all(
          Array.from({ length: 100 }, () => store.rateLimits.hit('burst', 60_000, T0)),
        );
        assert.deepEqual(
          hits.map((h) => h.count).sort((a, b) => a - b),
          Array.from({ length: 100 }, (_, i) => i + 1),
        );
        assert.ok(hits.every((h) => h.resetAt === T0 + 60_000));
      }),
    );

    it(
      'purges counters whose window ended',
      withStore(factory, async (store) => {
        await store.rateLimits.hit('short', 1000, T0);
        await store.rateLimits.hit('long', 60_000, T0);
        assert.equal(await store.rateLimits.purge(T0 + 1000), 1);
        assert.equal((await store.rateLimits.hit('long', 60_000, T0 + 1000)).count, 2);
        assert.equal((await store.rateLimits.hit('short', 1000, T0 + 1000)).count, 1);
      }),
    );
  });

  describe('meta', () => {
    it(
      'gets, sets and overwrites values',
      withStore(factory, async (store) => {
        assert.equal(await store.meta.get('m'), null);
        await store.meta.set('m', 'one');
        await store.meta.set('m', 'two');
        assert.equal(await store.meta.get('m'), 'two');
      }),
    );

    it(
      'compares and sets, from unset and from a value',
      withStore(factory, async (store) => {
        assert.equal(await store.meta.compareAndSet('m', null, 'a'), true);
        assert.equal(await store.meta.compareAndSet('m', null, 'b'), false);
        assert.equal(await store.meta.compareAndSet('m', 'x', 'b'), false);
        assert.equal(await store.meta.compareAndSet('m', 'a', 'b'), true);
        assert.equal(await store.meta.get('m'), 'b');
      }),
    );

    it(
      'lets exactly one concurrent compare-and-set win',
      withStore(factory, async (store) => {
        const fromUnset = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.meta.compareAndSet('m', null, `v${i}`)),
        );
        assert.equal(fromUnset.filter(Boolean).length, 1);
        const current = (await store.meta.get('m')) ?? '';
        const fromValue = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.meta.compareAndSet('m', current, `w${i}`)),
        );
        assert.equal(fromValue.filter(Boolean).length, 1);
      }),
    );
  });
}
