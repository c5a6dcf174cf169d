// One run through every operation of a store's hot capabilities, for the Redis tests that check
// what the run leaves in Redis (TTLs, cluster slots): each operation at least once.
import assert from 'node:assert/strict';
import { addSession, addUser, DAY, GRACE_MS, successorFor, T0 } from '../../src/store/conformance/support.js';
import type { Store } from '../../src/store/index.js';

/**
 * Runs sessions (create, rotate, grace, reuse, every revoke, accessNotBefore, listing, purge),
 * revocations and rate limits once; returns an epoch-ms time past the end of everything written.
 *
 * @example
 * const end = await exerciseStore(store);
 */
export async function exerciseStore(store: Store): Promise<number> {
  const user = await addUser(store);
  const a = await addSession(store, user);
  const b = await addSession(store, user);
  const c = await addSession(store, user, { tokenExpiresAt: T0 + DAY });
  const first = successorFor(T0, a.hash);
  const rotate = (hash: string, now: number, successor = successorFor(now, hash)) =>
    store.sessions.rotateRefreshToken({ hash, successor, now, graceMs: GRACE_MS });
  assert.equal((await rotate(a.hash, T0, first)).status, 'rotated');
  assert.equal((await rotate(a.hash, T0 + 1)).status, 'grace');
  assert.equal((await rotate(first.hash, T0 + 2)).status, 'rotated');
  assert.equal((await rotate(a.hash, T0 + 10 * GRACE_MS)).status, 'reused');
  assert.equal((await rotate('unknown-hash', T0)).status, 'invalid');
  assert.notEqual(await store.sessions.findRefreshToken(b.hash), null);
  assert.equal((await store.sessions.setAccessNotBefore({ userId: user.id }, T0 / 1000 + 1)) >= 1, true);
  assert.equal(await store.sessions.setAccessNotBefore({ sessionIds: [b.session.id] }, T0 / 1000 + 2), 1);
  assert.equal((await store.sessions.listForUser(user.id, { now: T0, activeOnly: true })).length, 2);
  assert.notEqual(await store.sessions.revokeByRefreshToken(c.hash, 'logout', T0 + 3), null);
  assert.notEqual(await store.sessions.revoke(b.session.id, 'logout', T0 + 4), null);
  const d = await addSession(store, user);
  assert.equal((await store.sessions.revokeAllForUser(user.id, 'logout-all', T0 + 5)).length, 1);
  assert.notEqual(await store.sessions.find(d.session.id), null);
  await store.sessions.purgeExpired(T0 + 2 * DAY);
  const other = await addUser(store);
  await addSession(store, other);
  assert.equal(await store.users.delete(other.id), true);

  const nowS = T0 / 1000;
  await store.revocations.add([
    { kind: 'session', sid: a.session.id, before: nowS + 1, expires: nowS + 600 },
    { kind: 'user', sub: user.id, before: nowS + 1, expires: nowS + 600 },
    { kind: 'all', before: nowS + 1, expires: nowS + 600 },
    { kind: 'key', kid: 'k1', expires: nowS + 600 },
  ]);
  assert.equal((await store.revocations.list({ limit: 10, now: T0 })).revoked.length, 4);
  assert.equal((await store.rateLimits.hit('login:ip:203.0.113.7', 60_000, T0)).count, 1);
  assert.equal((await store.rateLimits.hit('login:ip:203.0.113.7', 60_000, T0 + 1)).count, 2);
  await store.rateLimits.hit('refresh:ip:203.0.113.7', 1000, T0);
  await store.rateLimits.reset('refresh:ip:203.0.113.7');
  return T0 + 60 * DAY;
}
