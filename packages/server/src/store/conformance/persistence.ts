import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSession, addUser, GRACE_MS, type StoreFactory, successorFor, T0, withStore } from './support.js';

/** R10: state written before a restart is there after it. Needs the factory's `reopen`. */
export function persistenceConformance(factory: StoreFactory): void {
  describe('persistence across a restart', () => {
    it(
      'keeps users, sessions, used tokens, revocations, rate limits and meta',
      withStore(factory, async (store, sut, t) => {
        if (sut.reopen === undefined) {
          t.skip('the store factory has no reopen()');
          return;
        }
        const user = await addUser(store);
        const { session, hash } = await addSession(store, user);
        await store.sessions.rotateRefreshToken({
          hash,
          successor: successorFor(T0, hash),
          now: T0,
          graceMs: GRACE_MS,
        });
        const entries = await store.revocations.add([
          { kind: 'session', sid: session.id, before: T0 / 1000, expires: T0 / 1000 + 600 },
          { kind: 'user', sub: user.id, before: T0 / 1000, expires: T0 / 1000 + 600 },
          { kind: 'all', before: T0 / 1000, expires: T0 / 1000 + 600 },
          { kind: 'key', kid: 'k1', expires: T0 / 1000 + 600 },
        ]);
        await store.rateLimits.hit('login:u', 60_000, T0);
        await store.meta.set('marker', 'kept');
        await store.close();

        const again = await sut.reopen();
        try {
          assert.deepEqual(await again.users.findById(user.id), user);
          assert.deepEqual((await again.revocations.list({ limit: 10, now: T0 })).revoked, entries);
          assert.equal((await again.rateLimits.hit('login:u', 60_000, T0 + 1)).count, 2);
          assert.equal(await again.meta.get('marker'), 'kept');
          const replay = await again.sessions.rotateRefreshToken({
            hash,
            successor: successorFor(T0 + 10 * GRACE_MS, hash),
            now: T0 + 10 * GRACE_MS,
            graceMs: GRACE_MS,
          });
          assert.equal(replay.status, 'reused', 'a used token stays used after a restart');
        } finally {
          await again.close();
        }
      }),
    );
  });
}
