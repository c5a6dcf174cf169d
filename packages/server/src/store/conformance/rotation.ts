import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../contract/index.js';
import {
  addSession,
  addUser,
  DAY,
  GRACE_MS,
  type StoreFactory,
  successorFor,
  T0,
  withStore,
} from './support.js';

function rotate(store: Store, hash: string, now: number, successor = successorFor(now, hash)) {
  return store.sessions.rotateRefreshToken({ hash, successor, now, graceMs: GRACE_MS });
}

/** The outcomes of one rotation: rotated, grace, reused and every kind of invalid. */
export function rotationConformance(factory: StoreFactory): void {
  describe('refresh-token rotation', () => {
    it(
      'rotates a live token: marks it used, stores the successor, touches the session, returns the user',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const { session, hash } = await addSession(store, user);
        const successor = successorFor(T0 + 60_000, hash);
        const result = await rotate(store, hash, T0 + 60_000, successor);
        assert.deepEqual(result, {
          status: 'rotated',
          session: { ...session, lastUsedAt: T0 + 60_000 },
          user,
        });
        assert.deepEqual(await store.sessions.findRefreshToken(hash), {
          hash,
          sessionId: session.id,
          createdAt: T0,
          expiresAt: T0 + 14 * DAY,
          usedAt: T0 + 60_000,
          successorHash: successor.hash,
          successorSealed: successor.sealed,
        });
        assert.deepEqual(await store.sessions.findRefreshToken(successor.hash), {
          hash: successor.hash,
          sessionId: session.id,
          createdAt: T0 + 60_000,
          expiresAt: successor.expiresAt,
          usedAt: null,
          successorHash: null,
          successorSealed: null,
        });
        assert.equal((await store.sessions.find(session.id))?.lastUsedAt, T0 + 60_000);
      }),
    );

    it(
      'rotates along a chain',
      withStore(factory, async (store) => {
        const { hash } = await addSession(store, await addUser(store));
        let current = hash;
        for (let i = 1; i <= 5; i++) {
          const successor = successorFor(T0 + i * DAY, current);
          assert.equal((await rotate(store, current, T0 + i * DAY, successor)).status, 'rotated');
          current = successor.hash;
        }
      }),
    );

    it(
      'answers a retry inside the grace window with the same sealed successor and stores nothing new',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const { session, hash } = await addSession(store, user);
        const first = successorFor(T0, hash);
        assert.equal((await rotate(store, hash, T0, first)).status, 'rotated');
        const retry = successorFor(T0 + GRACE_MS - 1, hash);
        const result = await rotate(store, hash, T0 + GRACE_MS - 1, retry);
        assert.deepEqual(result, {
          status: 'grace',
          session: { ...session, lastUsedAt: T0 },
          user,
          successorSealed: first.sealed,
        });
        assert.equal(await store.sessions.findRefreshToken(retry.hash), null);
        assert.equal((await store.sessions.findRefreshToken(first.hash))?.usedAt, null);
      }),
    );

    it(
      'treats reuse outside the grace window as theft and revokes the session in the same step',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const { session, hash } = await addSession(store, user);
        const successor = successorFor(T0, hash);
        await rotate(store, hash, T0, successor);
        const result = await rotate(store, hash, T0 + GRACE_MS);
        assert.deepEqual(result, {
          status: 'reused',
          session: { ...session, lastUsedAt: T0, revokedAt: T0 + GRACE_MS, revokedReason: 'reuse' },
        });
        assert.equal((await store.sessions.find(session.id))?.revokedReason, 'reuse');
        assert.deepEqual(await rotate(store, successor.hash, T0 + GRACE_MS + 1), {
          status: 'invalid',
          reason: 'session-revoked',
        });
        assert.deepEqual(await rotate(store, hash, T0 + GRACE_MS + 2), {
          status: 'invalid',
          reason: 'session-revoked',
        });
      }),
    );

    it(
      'treats reuse inside the grace window as theft once the successor was itself rotated',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const { session, hash } = await addSession(store, user);
        const second = successorFor(T0, hash);
        await rotate(store, hash, T0, second);
        const third = successorFor(T0 + 1000, hash);
        assert.equal((await rotate(store, second.hash, T0 + 1000, third)).status, 'rotated');
        const result = await rotate(store, hash, T0 + 2000);
        assert.equal(result.status, 'reused');
        assert.equal((await store.sessions.find(session.id))?.revokedAt, T0 + 2000);
        assert.equal((await rotate(store, third.hash, T0 + 3000)).status, 'invalid');
      }),
    );

    it(
      'detects theft whichever party presents the old token second (attacker first or victim first)',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        for (const order of ['attacker-first', 'victim-first']) {
          const { session, hash } = await addSession(store, user);
          const winner = await rotate(store, hash, T0);
          assert.equal(winner.status, 'rotated', order);
          const loser = await rotate(store, hash, T0 + 5 * 60_000);
          assert.equal(loser.status, 'reused', order);
          assert.equal((await store.sessions.find(session.id))?.revokedReason, 'reuse', order);
        }
      }),
    );

    it(
      'refuses unknown and expired tokens, dead sessions and blocked users, changing nothing',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        assert.deepEqual(await rotate(store, 'unknown', T0), { status: 'invalid', reason: 'unknown' });
        const idle = await addSession(store, user, { tokenExpiresAt: T0 + DAY });
        assert.deepEqual(await rotate(store, idle.hash, T0 + DAY), { status: 'invalid', reason: 'expired' });
        assert.equal((await store.sessions.findRefreshToken(idle.hash))?.usedAt, null);
        const ended = await addSession(store, user, { absoluteExpiresAt: T0 + DAY });
        assert.deepEqual(await rotate(store, ended.hash, T0 + DAY), {
          status: 'invalid',
          reason: 'session-expired',
        });
        const revoked = await addSession(store, user);
        await store.sessions.revoke(revoked.session.id, 'admin', T0);
        assert.deepEqual(await rotate(store, revoked.hash, T0 + 1), {
          status: 'invalid',
          reason: 'session-revoked',
        });
        const blockedUser = await addUser(store, { blocked: true });
        const blocked = await addSession(store, blockedUser);
        assert.deepEqual(await rotate(store, blocked.hash, T0 + 1), {
          status: 'invalid',
          reason: 'user-blocked',
        });
        assert.equal((await store.sessions.findRefreshToken(blocked.hash))?.usedAt, null);
        assert.equal((await store.sessions.find(blocked.session.id))?.revokedAt, null);
      }),
    );
  });
}
