import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { addSession, addUser, type StoreFactory, T0, withStore } from './support.js';

/** Accounts: creation, the case-insensitive unique email, lookups, paging and updates. */
export function userConformance(factory: StoreFactory): void {
  describe('users', () => {
    it(
      'creates a user with a normalized email and returns it as stored',
      withStore(factory, async (store) => {
        const id = randomUUID();
        const result = await store.users.create({
          id,
          email: ' Ada@Example.COM ',
          passwordHash: 'phc',
          roles: ['admin', 'user'],
          permissions: ['users:delete'],
          now: T0,
        });
        assert.equal(result.status, 'created');
        const expected = {
          id,
          email: 'ada@example.com',
          passwordHash: 'phc',
          roles: ['admin', 'user'],
          permissions: ['users:delete'],
          blocked: false,
          createdAt: T0,
          updatedAt: T0,
        };
        assert.deepEqual(result.status === 'created' && result.user, expected);
        assert.deepEqual(await store.users.findById(id), expected);
        assert.deepEqual(await store.users.findByEmail('ADA@example.com'), expected);
      }),
    );

    it(
      'defaults to no roles, no permissions, not blocked',
      withStore(factory, async (store) => {
        const result = await store.users.create({
          id: randomUUID(),
          email: 'b@x.io',
          passwordHash: 'p',
          now: T0,
        });
        assert.ok(result.status === 'created');
        assert.deepEqual([result.user.roles, result.user.permissions, result.user.blocked], [[], [], false]);
      }),
    );

    it(
      'reports a duplicate email in another case as a result, not an error',
      withStore(factory, async (store) => {
        await addUser(store, { email: 'dup@example.com' });
        const again = await store.users.create({
          id: randomUUID(),
          email: 'DUP@Example.com',
          passwordHash: 'p',
          now: T0,
        });
        assert.deepEqual(again, { status: 'duplicate-email' });
        assert.equal(await store.users.count(), 1);
      }),
    );

    it(
      'lets exactly one of many concurrent creates with one email win',
      withStore(factory, async (store) => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.users.create({
              id: randomUUID(),
              email: i % 2 ? 'race@x.io' : 'RACE@x.io',
              passwordHash: 'p',
              now: T0,
            }),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'created').length, 1);
        assert.equal(await store.users.count(), 1);
      }),
    );

    it(
      'returns null for unknown ids and emails',
      withStore(factory, async (store) => {
        assert.equal(await store.users.findById(randomUUID()), null);
        assert.equal(await store.users.findByEmail('nobody@example.com'), null);
        assert.equal(await store.users.updatePasswordHash(randomUUID(), 'x', T0), null);
        assert.equal(await store.users.updateAccess(randomUUID(), { roles: [] }, T0), null);
        assert.equal(await store.users.setBlocked(randomUUID(), true, T0), null);
        assert.equal(await store.users.delete(randomUUID()), false);
      }),
    );

    it(
      'lists users by email, one page after another, and counts them',
      withStore(factory, async (store) => {
        for (const email of ['c@x.io', 'a@x.io', 'e@x.io', 'b@x.io', 'd@x.io'])
          await addUser(store, { email });
        const first = await store.users.list({ limit: 2 });
        assert.deepEqual(
          first.map((u) => u.email),
          ['a@x.io', 'b@x.io'],
        );
        const second = await store.users.list({ limit: 2, after: first.at(-1)?.email ?? '' });
        assert.deepEqual(
          second.map((u) => u.email),
          ['c@x.io', 'd@x.io'],
        );
        const last = await store.users.list({ limit: 2, after: 'd@x.io' });
        assert.deepEqual(
          last.map((u) => u.email),
          ['e@x.io'],
        );
        assert.equal(await store.users.count(), 5);
      }),
    );

    it(
      'counts users by exact role and blocked flag',
      withStore(factory, async (store) => {
        await addUser(store, { roles: ['admin', 'user'] });
        await addUser(store, { roles: ['ADMIN'] });
        // Each of these contains the JSON text of "admin" or looks like it to a LIKE; none is the role.
        await addUser(store, { roles: ['admins', 'x"admin"y', 'a","admin', 'a%_!'] });
        await addUser(store, { roles: ['admin'], blocked: true });
        await addUser(store);
        assert.equal(await store.users.count({ role: 'admin' }), 2);
        assert.equal(await store.users.count({ role: 'admin', blocked: false }), 1);
        assert.equal(await store.users.count({ role: 'admin', blocked: true }), 1);
        assert.equal(await store.users.count({ role: 'a%_!' }), 1);
        assert.equal(await store.users.count({ role: 'a%' }), 0);
        assert.equal(await store.users.count({ blocked: false }), 4);
        assert.equal(await store.users.count({}), 5);
      }),
    );

    it(
      'updates the password hash, roles, permissions and blocked flag, stamping updatedAt',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const hashed = await store.users.updatePasswordHash(user.id, 'new-phc', T0 + 1);
        assert.equal(hashed?.passwordHash, 'new-phc');
        assert.equal(hashed?.updatedAt, T0 + 1);
        const roles = await store.users.updateAccess(user.id, { roles: ['admin'] }, T0 + 2);
        assert.deepEqual([roles?.roles, roles?.permissions], [['admin'], ['profile:read']]);
        const perms = await store.users.updateAccess(user.id, { permissions: [] }, T0 + 3);
        assert.deepEqual([perms?.roles, perms?.permissions], [['admin'], []]);
        const blocked = await store.users.setBlocked(user.id, true, T0 + 4);
        assert.equal(blocked?.blocked, true);
        const reloaded = await store.users.findById(user.id);
        assert.deepEqual(reloaded, {
          ...user,
          passwordHash: 'new-phc',
          roles: ['admin'],
          permissions: [],
          blocked: true,
          updatedAt: T0 + 4,
        });
        assert.equal((await store.users.setBlocked(user.id, false, T0 + 5))?.blocked, false);
      }),
    );

    it(
      'deletes a user together with its sessions and refresh tokens',
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const { session, hash } = await addSession(store, user);
        assert.equal(await store.users.delete(user.id), true);
        assert.equal(await store.users.findById(user.id), null);
        assert.equal(await store.sessions.find(session.id), null);
        assert.equal(await store.sessions.findRefreshToken(hash), null);
      }),
    );

    it(
      "deletes every session of a user, revoked or not, with their refresh tokens, and no one else's",
      withStore(factory, async (store) => {
        const user = await addUser(store);
        const other = await addUser(store);
        const live = await addSession(store, user);
        const revoked = await addSession(store, user);
        await store.sessions.revoke(revoked.session.id, 'logout', T0 + 1);
        const kept = await addSession(store, other);
        assert.equal(await store.sessions.deleteAllForUser(user.id), 2);
        for (const { session, hash } of [live, revoked]) {
          assert.equal(await store.sessions.find(session.id), null);
          assert.equal(await store.sessions.findRefreshToken(hash), null);
        }
        assert.notEqual(await store.sessions.find(kept.session.id), null);
        assert.notEqual(await store.sessions.findRefreshToken(kept.hash), null);
        assert.notEqual(await store.users.findById(user.id), null, 'the user itself stays');
        assert.equal(await store.sessions.deleteAllForUser(user.id), 0);
      }),
    );
  });
}
