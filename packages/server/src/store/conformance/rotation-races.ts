import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addSession,
  addUser,
  GRACE_MS,
  type StoreFactory,
  successorFor,
  T0,
  tally,
  withStore,
} from './support.js';

/** The atomic promises of rotation under concurrency (R2 of the attack catalogue). */
export function rotationRaceConformance(factory: StoreFactory): void {
  describe('refresh-token rotation races', () => {
    it(
      'lets exactly one of 50 concurrent rotations win; the rest get its successor',
      withStore(factory, async (store) => {
        const { session, hash } = await addSession(store, await addUser(store));
        const now = T0 + 1000;
        const successors = Array.from({ length: 50 }, () => successorFor(now, hash));
        const results = await Promise.all(
          successors.map((successor) =>
            store.sessions.rotateRefreshToken({ hash, successor, now, graceMs: GRACE_MS }),
          ),
        );
        assert.deepEqual(tally(results), { rotated: 1, grace: 49 });
        const winnerIndex = results.findIndex((r) => r.status === 'rotated');
        const winner = successors[winnerIndex];
        assert.ok(winner);
        for (const r of results) {
          if (r.status === 'grace') assert.equal(r.successorSealed, winner.sealed);
        }
        const stored = await Promise.all(successors.map((s) => store.sessions.findRefreshToken(s.hash)));
        assert.equal(stored.filter((row) => row !== null).length, 1, 'never two live children');
        assert.equal((await store.sessions.findRefreshToken(hash))?.successorHash, winner.hash);
        assert.equal((await store.sessions.find(session.id))?.revokedAt, null);
      }),
    );

    it(
      'reports concurrent reuse of a stolen token once and revokes the session',
      withStore(factory, async (store) => {
        const { session, hash } = await addSession(store, await addUser(store));
        await store.sessions.rotateRefreshToken({
          hash,
          successor: successorFor(T0, hash),
          now: T0,
          graceMs: GRACE_MS,
        });
        const now = T0 + 10 * GRACE_MS;
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.sessions.rotateRefreshToken({
              hash,
              successor: successorFor(now, hash),
              now,
              graceMs: GRACE_MS,
            }),
          ),
        );
        assert.deepEqual(tally(results), { reused: 1, invalid: 19 });
        assert.equal((await store.sessions.find(session.id))?.revokedReason, 'reuse');
      }),
    );

    it(
      'keeps many sessions independent while they rotate concurrently',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const sessions = await Promise.all(Array.from({ length: 20 }, () => addSession(store, user)));
        const results = await Promise.all(
          sessions.flatMap(({ hash }) =>
            [0, 1].map(() =>
              store.sessions.rotateRefreshToken({
                hash,
                successor: successorFor(T0, hash),
                now: T0,
                graceMs: GRACE_MS,
              }),
            ),
          ),
        );
        assert.deepEqual(tally(results), { rotated: 20, grace: 20 });
      }),
    );

    it(
      'never rotates into a session revoked concurrently',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const pairs = await Promise.all(Array.from({ length: 10 }, () => addSession(store, user)));
        const outcomes = await Promise.all(
          pairs.map(async ({ session, hash }) => {
            const successor = successorFor(T0 + 1, hash);
            const [rotation] = await Promise.all([
              store.sessions.rotateRefreshToken({ hash, successor, now: T0 + 1, graceMs: GRACE_MS }),
              store.sessions.revoke(session.id, 'logout', T0 + 1),
            ]);
            const next = await store.sessions.rotateRefreshToken({
              hash: successor.hash,
              successor: successorFor(T0 + 2, hash),
              now: T0 + 2,
              graceMs: GRACE_MS,
            });
            return { rotation: rotation.status, next: next.status };
          }),
        );
        for (const o of outcomes) {
          assert.ok(o.rotation === 'rotated' || o.rotation === 'invalid', o.rotation);
          assert.equal(o.next, 'invalid', 'a successor of a revoked session is dead');
        }
      }),
    );
  });
}
