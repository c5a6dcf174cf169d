import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SigningKeyRecord } from '../contract/keys.js';
import { DAY, type StoreFactory, T0, withStore } from './support.js';

function key(kid: string, createdAt: number, expiresAt: number | null = null): SigningKeyRecord {
  return {
    kid,
    alg: 'EdDSA',
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid },
    privateSealed: `sealed-private-${kid}`,
    createdAt,
    activatesAt: createdAt + DAY,
    retiredAt: null,
    expiresAt,
  };
}

/** Signing keys: storage, listing, retirement, deletion and the compare-and-insert for rotation. */
export function keyConformance(factory: StoreFactory): void {
  describe('signing keys', () => {
    it(
      'stores keys and lists them oldest first, leaving out expired ones when asked',
      withStore(factory, async (store) => {
        const k1 = key('k1', T0, T0 + 10 * DAY);
        const k2 = key('k2', T0 + DAY);
        await store.keys.insert(k2);
        await store.keys.insert(k1);
        assert.deepEqual(await store.keys.find('k1'), k1);
        assert.equal(await store.keys.find('nope'), null);
        assert.deepEqual(await store.keys.list(), [k1, k2]);
        assert.deepEqual(await store.keys.list({ now: T0 + 10 * DAY }), [k2]);
        await assert.rejects(store.keys.insert(k1));
      }),
    );

    it(
      'retires and expires a key, then deletes it once expired',
      withStore(factory, async (store) => {
        await store.keys.insert(key('k1', T0));
        const retired = await store.keys.update('k1', { retiredAt: T0 + DAY });
        assert.deepEqual([retired?.retiredAt, retired?.expiresAt], [T0 + DAY, null]);
        const expiring = await store.keys.update('k1', { expiresAt: T0 + 2 * DAY });
        assert.deepEqual([expiring?.retiredAt, expiring?.expiresAt], [T0 + DAY, T0 + 2 * DAY]);
        assert.equal(await store.keys.update('nope', { retiredAt: T0 }), null);
        assert.equal(await store.keys.deleteExpired(T0 + 2 * DAY - 1), 0);
        assert.equal(await store.keys.deleteExpired(T0 + 2 * DAY), 1);
        assert.deepEqual(await store.keys.list(), []);
      }),
    );

    it(
      'inserts only if the expected key is still the latest',
      withStore(factory, async (store) => {
        assert.deepEqual(await store.keys.insertIfLatest(key('k1', T0), null), { status: 'inserted' });
        assert.deepEqual(await store.keys.insertIfLatest(key('k2', T0 + 1), null), {
          status: 'conflict',
          latestKid: 'k1',
        });
        assert.deepEqual(await store.keys.insertIfLatest(key('k2', T0 + 1), 'k1'), { status: 'inserted' });
        assert.deepEqual(await store.keys.insertIfLatest(key('k3', T0 + 2), 'k1'), {
          status: 'conflict',
          latestKid: 'k2',
        });
      }),
    );

    it(
      'lets exactly one of many instances rotating at once insert its key',
      withStore(factory, async (store) => {
        await store.keys.insert(key('k0', T0));
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.keys.insertIfLatest(key(`next-${i}`, T0 + DAY), 'k0')),
        );
        assert.equal(results.filter((r) => r.status === 'inserted').length, 1);
        assert.equal((await store.keys.list()).length, 2);
      }),
    );
  });
}
