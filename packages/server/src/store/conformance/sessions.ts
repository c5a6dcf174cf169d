import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { refreshHash, refreshHashParts } from '../contract/sessions.js';
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

/** Sessions: creation, listing, every way of revoking, accessNotBefore and purging. */
export function sessionConformance(factory: StoreFactory): void {
  describe('sessions', () => {
    it(
      'creates a session with its first refresh token',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const { session, hash } = await addSession(store, user, { id: 'sid-1', tokenExpiresAt: T0 + DAY });
        const expected = {
          id: 'sid-1',
          userId: user.id,
          createdAt: T0,
          absoluteExpiresAt: T0 + 30 * DAY,
          lastUsedAt: T0,
          revokedAt: null,
          revokedReason: null,
          userAgent: 'conformance/1.0',
          ip: '203.0.113.7',
          accessNotBefore: 0,
          dpopJkt: null,
        };
        assert.deepEqual(session, expected);
        assert.deepEqual(await store.sessions.find('sid-1'), expected);
        assert.deepEqual(await store.sessions.findRefreshToken(hash), {
          hash,
          sessionId: 'sid-1',
          createdAt: T0,
          expiresAt: T0 + DAY,
          usedAt: null,
          successorHash: null,
          successorSealed: null,
        });
        assert.equal(await store.sessions.find('nope'), null);
      }),
    );

    it(
      'keeps the DPoP key thumbprint a session is bound to, through find, list, rotation and revocation',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
        const { session, hash } = await addSession(store, user, { id: 'sid-bound', dpopJkt: jkt });
        assert.equal(session.dpopJkt, jkt);
        assert.equal((await store.sessions.find('sid-bound'))?.dpopJkt, jkt);
        const listed = await store.sessions.listForUser(user.id, { now: T0, activeOnly: true });
        assert.deepEqual(
          listed.map((s) => s.dpopJkt),
          [jkt],
        );
        const rotated = await store.sessions.rotateRefreshToken({
          hash,
          successor: successorFor(T0 + 1000, hash),
          now: T0 + 1000,
          graceMs: GRACE_MS,
          dpopJkt: jkt,
        });
        assert.equal(rotated.status, 'rotated');
        assert.equal((rotated as { session: { dpopJkt: string | null } }).session.dpopJkt, jkt);
        const revoked = await store.sessions.revoke('sid-bound', 'logout', T0 + 2000);
        assert.equal(revoked?.dpopJkt, jkt);
        const { session: unbound } = await addSession(store, user, { id: 'sid-unbound' });
        assert.equal(unbound.dpopJkt, null);
        assert.equal((await store.sessions.find('sid-unbound'))?.dpopJkt, null);
      }),
    );

    it(
      'refuses a bound session without its key before spending anything, in the rotation itself',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
        const { hash } = await addSession(store, user, { id: 'sid-bound', dpopJkt: jkt });
        const mismatch = { status: 'invalid', reason: 'dpop-mismatch' };
        const attempt = (now: number, dpopJkt?: string | null) =>
          store.sessions.rotateRefreshToken({
            hash,
            successor: successorFor(now, hash),
            now,
            graceMs: GRACE_MS,
            dpopJkt,
          });
        assert.deepEqual(await attempt(T0 + 1), mismatch);
        assert.deepEqual(await attempt(T0 + 2, null), mismatch);
        assert.deepEqual(await attempt(T0 + 3, 'another-key-thumbprint'), mismatch);
        assert.equal((await store.sessions.findRefreshToken(hash))?.usedAt, null, 'not spent');
        assert.equal((await attempt(T0 + 4, jkt)).status, 'rotated');
        // Replayed long after, without the key: still a mismatch, never theft that revokes the session.
        assert.deepEqual(await attempt(T0 + DAY), mismatch);
        assert.equal((await store.sessions.find('sid-bound'))?.revokedAt, null);
        assert.equal((await attempt(T0 + DAY, jkt)).status, 'reused');
        // An unbound session ignores whatever key the caller holds.
        const unbound = await addSession(store, user, { id: 'sid-unbound' });
        const rotated = await store.sessions.rotateRefreshToken({
          hash: unbound.hash,
          successor: successorFor(T0 + 5, unbound.hash),
          now: T0 + 5,
          graceMs: GRACE_MS,
          dpopJkt: jkt,
        });
        assert.equal(rotated.status, 'rotated');
      }),
    );

    it(
      'creates nothing when the first refresh token cannot be stored',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const { hash } = await addSession(store, user);
        const second = { id: randomUUID(), userId: user.id, createdAt: T0, absoluteExpiresAt: T0 + DAY };
        await assert.rejects(store.sessions.create(second, { hash, expiresAt: T0 + DAY }));
        assert.equal(await store.sessions.find(second.id), null);
      }),
    );

    it(
      'knows a token only under the session its hash names: moved to another session, it is unknown',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const a = await addSession(store, user);
        const b = await addSession(store, user);
        const digest = refreshHashParts(a.hash)?.digest as string;
        const moved = refreshHash(b.session.id, digest);
        assert.equal(await store.sessions.findRefreshToken(moved), null);
        assert.deepEqual(
          await store.sessions.rotateRefreshToken({
            hash: moved,
            successor: successorFor(T0 + 1, moved),
            now: T0 + 1,
            graceMs: GRACE_MS,
          }),
          { status: 'invalid', reason: 'unknown' },
        );
        assert.equal(await store.sessions.revokeByRefreshToken(moved, 'logout', T0 + 2), null);
        assert.equal((await store.sessions.find(b.session.id))?.revokedAt, null);
        assert.equal((await store.sessions.findRefreshToken(a.hash))?.usedAt, null);
      }),
    );

    it(
      "lists a user's sessions newest first, and only live ones with activeOnly",
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const other = await addUser(store);
        const live = await addSession(store, user, { createdAt: T0 + 4 });
        const revoked = await addSession(store, user, { createdAt: T0 + 3 });
        const pastAbsolute = await addSession(store, user, {
          createdAt: T0 + 2,
          absoluteExpiresAt: T0 + DAY,
        });
        const idle = await addSession(store, user, { createdAt: T0 + 1, tokenExpiresAt: T0 + DAY });
        await addSession(store, other);
        await store.sessions.revoke(revoked.session.id, 'logout', T0 + 10);
        const now = T0 + 2 * DAY;
        const all = await store.sessions.listForUser(user.id, { now });
        const ids = [live, revoked, pastAbsolute, idle].map((s) => s.session.id);
        assert.deepEqual(
          all.map((s) => s.id),
          ids,
        );
        const active = await store.sessions.listForUser(user.id, { now, activeOnly: true });
        assert.deepEqual(
          active.map((s) => s.id),
          [live.session.id],
        );
      }),
    );

    it(
      'revokes a live session once, and its refresh tokens die with it',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const { session, hash } = await addSession(store, user);
        const revoked = await store.sessions.revoke(session.id, 'logout', T0 + 5);
        assert.deepEqual(revoked, { ...session, revokedAt: T0 + 5, revokedReason: 'logout' });
        assert.equal(await store.sessions.revoke(session.id, 'logout', T0 + 6), null);
        assert.equal(await store.sessions.revoke('unknown', 'logout', T0 + 6), null);
        const result = await store.sessions.rotateRefreshToken({
          hash,
          successor: successorFor(T0 + 7, hash),
          now: T0 + 7,
          graceMs: GRACE_MS,
        });
        assert.deepEqual(result, { status: 'invalid', reason: 'session-revoked' });
      }),
    );

    it(
      "revokes all of a user's live sessions but the one kept",
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const other = await addUser(store);
        const keep = await addSession(store, user);
        const a = await addSession(store, user);
        const b = await addSession(store, user);
        const already = await addSession(store, user);
        const foreign = await addSession(store, other);
        await store.sessions.revoke(already.session.id, 'logout', T0 + 1);
        const revoked = await store.sessions.revokeAllForUser(user.id, 'password-change', T0 + 2, {
          exceptSessionId: keep.session.id,
        });
        assert.deepEqual(revoked.map((s) => s.id).sort(), [a.session.id, b.session.id].sort());
        assert.ok(revoked.every((s) => s.revokedAt === T0 + 2 && s.revokedReason === 'password-change'));
        assert.equal((await store.sessions.find(keep.session.id))?.revokedAt, null);
        assert.equal((await store.sessions.find(foreign.session.id))?.revokedAt, null);
        assert.equal((await store.sessions.find(already.session.id))?.revokedReason, 'logout');
        const everything = await store.sessions.revokeAllForUser(user.id, 'logout-all', T0 + 3);
        assert.deepEqual(
          everything.map((s) => s.id),
          [keep.session.id],
        );
      }),
    );

    it(
      'revokes the session of a refresh token, used or not, and nothing for unknown or expired ones',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const first = await addSession(store, user);
        const rotated = await store.sessions.rotateRefreshToken({
          hash: first.hash,
          successor: successorFor(T0 + 1, first.hash),
          now: T0 + 1,
          graceMs: GRACE_MS,
        });
        assert.equal(rotated.status, 'rotated');
        const viaUsed = await store.sessions.revokeByRefreshToken(first.hash, 'logout', T0 + 2);
        assert.equal(viaUsed?.id, first.session.id);
        assert.equal(viaUsed?.revokedReason, 'logout');
        assert.equal(await store.sessions.revokeByRefreshToken(first.hash, 'logout', T0 + 3), null);
        const expiring = await addSession(store, user, { tokenExpiresAt: T0 + DAY });
        assert.equal(await store.sessions.revokeByRefreshToken(expiring.hash, 'logout', T0 + DAY), null);
        assert.equal((await store.sessions.find(expiring.session.id))?.revokedAt, null);
        assert.equal(await store.sessions.revokeByRefreshToken('unknown-hash', 'logout', T0), null);
      }),
    );

    it(
      'raises accessNotBefore by session ids or by user, never lowering it',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const other = await addUser(store);
        const a = await addSession(store, user);
        const b = await addSession(store, user);
        const c = await addSession(store, other);
        assert.equal(
          await store.sessions.setAccessNotBefore({ sessionIds: [a.session.id] }, 1_700_000_100),
          1,
        );
        assert.equal(await store.sessions.setAccessNotBefore({ sessionIds: [] }, 1_700_000_200), 0);
        assert.equal(await store.sessions.setAccessNotBefore({ userId: user.id }, 1_700_000_050), 1);
        assert.equal((await store.sessions.find(a.session.id))?.accessNotBefore, 1_700_000_100);
        assert.equal((await store.sessions.find(b.session.id))?.accessNotBefore, 1_700_000_050);
        assert.equal(await store.sessions.setAccessNotBefore({ userId: user.id }, 1_700_000_300), 2);
        assert.equal((await store.sessions.find(a.session.id))?.accessNotBefore, 1_700_000_300);
        assert.equal((await store.sessions.find(c.session.id))?.accessNotBefore, 0);
      }),
    );

    it(
      'purges expired refresh tokens, tokens of revoked sessions and sessions past absolute expiry',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const live = await addSession(store, user);
        const idle = await addSession(store, user, { tokenExpiresAt: T0 + DAY });
        const revoked = await addSession(store, user);
        const ended = await addSession(store, user, { absoluteExpiresAt: T0 + DAY });
        await store.sessions.revoke(revoked.session.id, 'logout', T0 + 1);
        const result = await store.sessions.purgeExpired(T0 + DAY);
        assert.equal(result.sessions, 1);
        assert.ok(result.refreshTokens >= 2, `purged ${result.refreshTokens} refresh tokens`);
        assert.notEqual(await store.sessions.findRefreshToken(live.hash), null);
        assert.equal(await store.sessions.findRefreshToken(idle.hash), null);
        assert.equal(await store.sessions.findRefreshToken(revoked.hash), null);
        assert.equal(await store.sessions.findRefreshToken(ended.hash), null);
        assert.equal(await store.sessions.find(ended.session.id), null);
        assert.notEqual(await store.sessions.find(revoked.session.id), null);
        assert.deepEqual(await store.sessions.purgeExpired(T0 + DAY), { sessions: 0, refreshTokens: 0 });
      }),
    );
  });
}
