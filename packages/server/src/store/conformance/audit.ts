import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StoreFactory, T0, withStore } from './support.js';

/** The audit log: increasing ids, newest-first paging, filters, retention. */
export function auditConformance(factory: StoreFactory): void {
  describe('audit', () => {
    it(
      'appends events with increasing ids and lists them newest first',
      withStore(factory, async (store) => {
        const id1 = await store.audit.append({
          at: T0,
          type: 'login',
          userId: 'u1',
          sessionId: 's1',
          ip: '::1',
        });
        const id2 = await store.audit.append({
          at: T0 + 1,
          type: 'refresh-reuse',
          userId: 'u1',
          sessionId: 's1',
          details: { family: 's1', nested: { n: 1, list: [1, 'two'] } },
        });
        const id3 = await store.audit.append({ at: T0 + 2, type: 'login', userId: 'u2' });
        assert.ok(id1 < id2 && id2 < id3, `ids ${id1} ${id2} ${id3}`);
        const all = await store.audit.list({ limit: 10 });
        assert.deepEqual(
          all.map((e) => e.id),
          [id3, id2, id1],
        );
        assert.deepEqual(all[1], {
          id: id2,
          at: T0 + 1,
          type: 'refresh-reuse',
          userId: 'u1',
          sessionId: 's1',
          ip: null,
          details: { family: 's1', nested: { n: 1, list: [1, 'two'] } },
        });
        assert.deepEqual(all[2]?.details, {});
      }),
    );

    it(
      'pages with before and filters by user and type',
      withStore(factory, async (store) => {
        const ids: number[] = [];
        for (let i = 0; i < 6; i++) {
          ids.push(
            await store.audit.append({ at: T0 + i, type: i % 2 ? 'logout' : 'login', userId: `u${i % 3}` }),
          );
        }
        const page1 = await store.audit.list({ limit: 4 });
        const page2 = await store.audit.list({ limit: 4, before: page1.at(-1)?.id ?? 0 });
        assert.deepEqual([...page1, ...page2].map((e) => e.id).reverse(), ids);
        assert.deepEqual(
          (await store.audit.list({ limit: 10, userId: 'u0' })).map((e) => e.at),
          [T0 + 3, T0],
        );
        assert.deepEqual(
          (await store.audit.list({ limit: 10, type: 'logout' })).map((e) => e.at),
          [T0 + 5, T0 + 3, T0 + 1],
        );
        assert.deepEqual(
          (await store.audit.list({ limit: 10, type: 'logout', userId: 'u2' })).map((e) => e.at),
          [T0 + 5],
        );
      }),
    );

    it(
      'purges events older than a retention limit',
      withStore(factory, async (store) => {
        for (let i = 0; i < 4; i++) await store.audit.append({ at: T0 + i, type: 'login' });
        assert.equal(await store.audit.purge(T0 + 2), 2);
        assert.deepEqual(
          (await store.audit.list({ limit: 10 })).map((e) => e.at),
          [T0 + 3, T0 + 2],
        );
      }),
    );
  });
}
