import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { isEmail } from '../src/service/index.js';
import { revokedByFeed } from './helpers/revocation-rule.js';
import { addUser, loginOk, openTestService, PASSWORD, SECOND, type TestService } from './helpers/service.js';

describe('register', () => {
  let t: TestService;
  before(async () => {
    t = await openTestService();
  });
  after(() => t.cleanup());

  it('creates a user with role user, a normalized email and an argon2id hash', async () => {
    const result = await t.service.accounts.register('Ada@Example.COM', PASSWORD, {
      meta: { ip: '192.0.2.1' },
    });
    assert.ok(result.status === 'created');
    assert.equal(result.user.email, 'ada@example.com');
    assert.deepEqual(result.user.roles, ['user']);
    assert.deepEqual(result.user.permissions, []);
    assert.equal(result.user.blocked, false);
    assert.match(result.user.passwordHash, /^\$argon2id\$/);
    const [event] = await t.store.audit.list({ limit: 1, type: 'register' });
    assert.equal(event?.userId, result.user.id);
    assert.equal(event?.ip, '192.0.2.1');
  });

  it('refuses a taken email (any case), a bad email and a bad password length', async () => {
    assert.deepEqual(await t.service.accounts.register('ADA@example.com', PASSWORD), {
      status: 'duplicate-email',
    });
    assert.deepEqual(await t.service.accounts.register('not-an-email', PASSWORD), {
      status: 'invalid-email',
    });
    assert.deepEqual(await t.service.accounts.register('a@b', PASSWORD), { status: 'invalid-email' });
    assert.deepEqual(await t.service.accounts.register('new@example.com', 'short'), {
      status: 'invalid-password',
      problem: 'too-short',
    });
    assert.deepEqual(await t.service.accounts.register('new@example.com', 'p'.repeat(1025)), {
      status: 'invalid-password',
      problem: 'too-long',
    });
    assert.equal(await t.store.users.findByEmail('new@example.com'), null);
  });

  it('isEmail: addresses of at most 254 octets, labels of at most 63 (the strict rules: H5)', () => {
    assert.equal(isEmail('ada@example.com'), true);
    assert.equal(isEmail('ada@localhost'), false);
    assert.equal(isEmail('ada example@example.com'), false);
    const domain = (last: number) => `${'b'.repeat(61)}.${'c'.repeat(61)}.${'d'.repeat(last)}.com`;
    assert.equal(isEmail(`${'a'.repeat(64)}@${domain(61)}`), true);
    assert.equal(isEmail(`${'a'.repeat(64)}@${domain(62)}`), false);
    assert.equal(isEmail(`${'a'.repeat(64)}@${'b'.repeat(64)}.com`), false);
  });

  it('bootstrapAdmin creates the first admin only while there are no accounts', async () => {
    const empty = await openTestService();
    after(() => empty.cleanup());
    const created = await empty.service.accounts.bootstrapAdmin('root@example.com', PASSWORD);
    assert.ok(created?.status === 'created');
    assert.deepEqual(created.user.roles, ['admin', 'user']);
    assert.equal(await empty.service.accounts.bootstrapAdmin('other@example.com', PASSWORD), null);
    assert.equal(await empty.store.users.count(), 1);
  });

  it('bootstrapAdmin started by many instances at once creates one admin and refuses nothing', async () => {
    const empty = await openTestService();
    after(() => empty.cleanup());
    // Each call counts 0 accounts before any of them inserts (the argon2 hash comes in between).
    const results = await Promise.all(
      [1, 2, 3].map(() => empty.service.accounts.bootstrapAdmin('root@example.com', PASSWORD)),
    );
    assert.deepEqual(results.map((r) => r?.status ?? null).sort(), ['created', null, null].sort());
    assert.equal(await empty.store.users.count(), 1);
  });
});

describe('password change', () => {
  let t: TestService;
  let userId: string;
  before(async () => {
    t = await openTestService();
    userId = await addUser(t.service, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('needs the current password and a valid new one', async () => {
    const here = await loginOk(t.service, 'ada@example.com');
    assert.deepEqual(
      await t.service.accounts.changePassword(userId, here.sessionId, 'wrong password', 'new password 1'),
      { status: 'wrong-password' },
    );
    assert.deepEqual(await t.service.accounts.changePassword(userId, here.sessionId, PASSWORD, 'short'), {
      status: 'invalid-password',
      problem: 'too-short',
    });
    assert.deepEqual(
      await t.service.accounts.changePassword('no-such-user', undefined, PASSWORD, 'long enough'),
      {
        status: 'not-found',
      },
    );
    assert.equal((await t.store.audit.list({ limit: 1, type: 'password-change-failed' })).length, 1);
    assert.equal((await t.service.sessions.login('ada@example.com', PASSWORD)).status, 'ok');
  });

  it('revokes every other session (refresh tokens and access tokens) and keeps the current one', async () => {
    const here = await loginOk(t.service, 'ada@example.com');
    const phone = await loginOk(t.service, 'ada@example.com');
    const laptop = await loginOk(t.service, 'ada@example.com');
    const result = await t.service.accounts.changePassword(
      userId,
      here.sessionId,
      PASSWORD,
      'a brand new password',
    );
    assert.deepEqual(result, { status: 'ok' });

    for (const other of [phone, laptop]) {
      assert.equal((await t.service.sessions.refresh(other.refreshToken)).status, 'invalid');
      assert.equal((await t.service.sessions.authenticate(other.accessToken)).status, 'revoked');
      assert.equal((await t.store.sessions.find(other.sessionId))?.revokedReason, 'password-change');
    }
    // ONE per-user entry, not one per session: it cuts every access token of the user, the
    // current session's too; that session stays alive and its next refresh gets a token past it.
    const feed = await t.service.revocations.feed(0, t.clock.now());
    assert.deepEqual(
      feed.revoked.map((e) => (e.kind === 'user' ? e.sub : e.kind)),
      [userId],
    );
    for (const pair of [here, phone, laptop]) assert.ok(revokedByFeed(feed.revoked, pair.accessToken));
    assert.equal((await t.service.sessions.authenticate(here.accessToken)).status, 'revoked');
    assert.equal((await t.store.sessions.find(here.sessionId))?.revokedAt, null);
    const next = await t.service.sessions.refresh(here.refreshToken);
    assert.ok(next.status === 'ok');
    assert.ok(!revokedByFeed(feed.revoked, next.tokens.accessToken));
    assert.equal((await t.service.sessions.authenticate(next.tokens.accessToken)).status, 'ok');

    assert.equal((await t.service.sessions.login('ada@example.com', PASSWORD)).status, 'invalid-credentials');
    assert.equal((await t.service.sessions.login('ada@example.com', 'a brand new password')).status, 'ok');
  });
});

describe('role and permission changes', () => {
  let t: TestService;
  let userId: string;
  before(async () => {
    t = await openTestService();
    userId = await addUser(t.service, 'ada@example.com', {
      roles: ['user', 'admin'],
      permissions: ['users:delete'],
    });
    // Another admin: taking the role from the last one is refused (hardening-h10-last-admin.test.ts).
    await addUser(t.service, 'root@example.com', { roles: ['admin'] });
  });
  after(() => t.cleanup());

  it('revokes the current access tokens but keeps the sessions; the next refresh has the new rights', async () => {
    const pair = await loginOk(t.service, 'ada@example.com');
    t.clock.advance(SECOND);
    const result = await t.service.accounts.setAccess(
      userId,
      { roles: ['user'], permissions: [] },
      { userId: 'admin-1' },
    );
    assert.ok(result.status === 'ok');
    assert.deepEqual(result.user.roles, ['user']);

    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    const session = await t.store.sessions.find(pair.sessionId);
    assert.equal(session?.revokedAt, null);
    const feed = await t.service.revocations.feed(0, t.clock.now());
    assert.ok(feed.revoked.some((e) => e.kind === 'user' && e.sub === userId));
    assert.ok(revokedByFeed(feed.revoked, pair.accessToken));

    // No new login: the refresh token still works and carries the new rights.
    const next = await t.service.sessions.refresh(pair.refreshToken);
    assert.ok(next.status === 'ok');
    const { payload } = decodeJwtUnverified(next.tokens.accessToken);
    assert.deepEqual(payload.roles, ['user']);
    assert.deepEqual(payload.permissions, []);
    assert.equal((await t.service.sessions.authenticate(next.tokens.accessToken)).status, 'ok');

    const [event] = await t.store.audit.list({ limit: 1, type: 'access-changed' });
    assert.deepEqual(event?.details, { roles: ['user'], permissions: [], by: 'admin-1' });
  });

  it('changing only the permissions keeps the roles', async () => {
    const result = await t.service.accounts.setAccess(userId, { permissions: ['posts:read'] });
    assert.ok(result.status === 'ok');
    assert.deepEqual(result.user.roles, ['user']);
    assert.deepEqual(result.user.permissions, ['posts:read']);
  });

  it('an unknown user is not-found', async () => {
    assert.deepEqual(await t.service.accounts.setAccess('nobody', { roles: [] }), { status: 'not-found' });
    assert.deepEqual(await t.service.accounts.setBlocked('nobody', true), { status: 'not-found' });
  });
});

describe('blocking and admin revocation', () => {
  let t: TestService;
  let userId: string;
  before(async () => {
    t = await openTestService();
    userId = await addUser(t.service, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('block revokes every session and access token; unblock allows a new login', async () => {
    const a = await loginOk(t.service, 'ada@example.com');
    const b = await loginOk(t.service, 'ada@example.com');
    const result = await t.service.accounts.setBlocked(userId, true, { userId: 'admin-1' });
    assert.ok(result.status === 'ok' && result.user.blocked);
    for (const pair of [a, b]) {
      assert.equal((await t.service.sessions.refresh(pair.refreshToken)).status, 'invalid');
      assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
      assert.equal((await t.store.sessions.find(pair.sessionId))?.revokedReason, 'blocked');
    }
    assert.deepEqual(await t.service.sessions.login('ada@example.com', PASSWORD), { status: 'blocked' });
    assert.equal((await t.store.audit.list({ limit: 1, type: 'user-blocked' })).length, 1);

    await t.service.accounts.setBlocked(userId, false);
    // Unblocking does not bring the old sessions back.
    assert.equal((await t.service.sessions.refresh(a.refreshToken)).status, 'invalid');
    assert.equal((await t.service.sessions.login('ada@example.com', PASSWORD)).status, 'ok');
  });

  it('revokeSessions ends every session of the user', async () => {
    const a = await loginOk(t.service, 'ada@example.com');
    const count = await t.service.accounts.revokeSessions(userId, { userId: 'admin-1' });
    assert.ok(count >= 1);
    assert.equal((await t.service.sessions.refresh(a.refreshToken)).status, 'invalid');
    assert.equal((await t.service.sessions.authenticate(a.accessToken)).status, 'revoked');
    assert.deepEqual(await t.service.sessions.list(userId), []);
  });
});
