import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RevocationEntry, RevocationInput } from '../contract/revocations.js';
import { type StoreFactory, T0, withStore } from './support.js';

const NOW_S = T0 / 1000;

/** The target of an entry, for compact assertions. */
function sidOf(e: RevocationEntry): string {
  return e.kind === 'session' ? e.sid : e.kind;
}

/** The access-token denylist: cursor order, paging, expiry and no skipped entries under concurrency. */
export function revocationConformance(factory: StoreFactory): void {
  describe('revocations', () => {
    it(
      'assigns increasing cursors and lists live entries after a cursor',
      withStore(factory, async (store) => {
        assert.deepEqual(await store.revocations.add([]), []);
        const added = await store.revocations.add([
          { kind: 'session', sid: 'a', before: NOW_S, expires: NOW_S + 600 },
          { kind: 'session', sid: 'b', before: NOW_S, expires: NOW_S + 600 },
        ]);
        const [more] = await store.revocations.add([
          { kind: 'session', sid: 'c', before: NOW_S + 1, expires: NOW_S + 601 },
        ]);
        assert.ok(more);
        const cursors = [...added, more].map((e) => e.cursor);
        assert.ok(
          cursors.every((c, i) => i === 0 || c > (cursors[i - 1] ?? 0)),
          `cursors ${cursors}`,
        );
        assert.deepEqual(added.map(sidOf), ['a', 'b']);
        const all = await store.revocations.list({ limit: 100, now: T0 });
        assert.deepEqual(all, { cursor: more.cursor, revoked: [...added, more] });
        const [first] = added;
        assert.ok(first);
        const after = await store.revocations.list({ after: first.cursor, limit: 100, now: T0 });
        assert.deepEqual(after.revoked.map(sidOf), ['b', 'c']);
        assert.deepEqual(await store.revocations.list({ after: more.cursor, limit: 100, now: T0 }), {
          cursor: more.cursor,
          revoked: [],
        });
      }),
    );

    it(
      'stores every kind of entry (session, user, all, key) and returns it as added',
      withStore(factory, async (store) => {
        const inputs: RevocationInput[] = [
          { kind: 'session', sid: 's1', before: NOW_S, expires: NOW_S + 600 },
          { kind: 'user', sub: 'u1', before: NOW_S + 1, expires: NOW_S + 601 },
          { kind: 'all', before: NOW_S + 2, expires: NOW_S + 602 },
          { kind: 'key', kid: 'k1', expires: NOW_S + 3600 },
        ];
        const added = await store.revocations.add(inputs);
        assert.deepEqual(
          added.map(({ cursor: _, ...input }) => input),
          inputs,
        );
        const listed = await store.revocations.list({ limit: 10, now: T0 });
        assert.deepEqual(listed.revoked, added);
        // Each kind expires on its own `expires`: only the key entry outlives 602 s.
        const later = await store.revocations.list({ limit: 10, now: T0 + 602_000 });
        assert.deepEqual(
          later.revoked.map((e) => e.kind),
          ['key'],
        );
        assert.equal(await store.revocations.purge(T0 + 602_000), 3);
        assert.deepEqual((await store.revocations.list({ limit: 10, now: T0 })).revoked, [added[3]]);
      }),
    );

    it(
      'pages with limit and leaves out and purges expired entries',
      withStore(factory, async (store) => {
        await store.revocations.add([
          { kind: 'session', sid: 'old', before: NOW_S, expires: NOW_S + 10 },
          { kind: 'session', sid: 'x', before: NOW_S, expires: NOW_S + 600 },
          { kind: 'session', sid: 'y', before: NOW_S, expires: NOW_S + 600 },
          { kind: 'session', sid: 'z', before: NOW_S, expires: NOW_S + 600 },
        ]);
        const now = T0 + 10_000; // 'old' expires exactly now
        const page1 = await store.revocations.list({ limit: 2, now });
        assert.deepEqual(page1.revoked.map(sidOf), ['x', 'y']);
        const page2 = await store.revocations.list({ after: page1.cursor, limit: 2, now });
        assert.deepEqual(page2.revoked.map(sidOf), ['z']);
        assert.deepEqual((await store.revocations.list({ limit: 10, now: now - 1 })).revoked.map(sidOf), [
          'old',
          'x',
          'y',
          'z',
        ]);
        assert.equal(await store.revocations.purge(now), 1);
        assert.equal(await store.revocations.purge(now), 0);
        assert.equal((await store.revocations.list({ limit: 10, now: now - 1 })).revoked.length, 3);
      }),
    );

    it(
      'never lets a polling reader skip an entry while writers add concurrently',
      withStore(factory, async (store) => {
        const seen = new Map<number, RevocationEntry>();
        let cursor = 0;
        let writing = true;
        const poll = async () => {
          const page = await store.revocations.list({ after: cursor, limit: 1000, now: T0 });
          for (const e of page.revoked) seen.set(e.cursor, e);
          cursor = page.cursor;
        };
        const reader = (async () => {
          while (writing) await poll();
        })();
        const written = (
          await Promise.all(
            Array.from({ length: 40 }, (_, i) =>
              store.revocations.add([
                { kind: 'session', sid: `w${i}-a`, before: NOW_S, expires: NOW_S + 600 },
                { kind: 'session', sid: `w${i}-b`, before: NOW_S, expires: NOW_S + 600 },
              ]),
            ),
          )
        ).flat();
        writing = false;
        await reader;
        await poll();
        assert.equal(seen.size, written.length);
        for (const e of written) assert.deepEqual(seen.get(e.cursor), e);
      }),
    );
  });
}
