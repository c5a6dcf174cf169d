// The service operations behind the operator's commands and admin routes: each writes its own
// audit row, whoever calls it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addUser, loginOk, openTestService, SECOND, type TestService } from './helpers/service.js';

const NEW_PASSWORD = 'an even better passphrase';

describe('service: operator operations', () => {
  let t: TestService;
  before(async () => {
    t = await openTestService();
    await addUser(t.service, 'root@example.com', { roles: ['admin'] });
  });
  after(() => t.cleanup());

  it('setPassword: checks the length, then revokes every session and its access tokens', async () => {
    const id = await addUser(t.service, 'ada@example.com');
    const pair = await loginOk(t.service, 'ada@example.com');
    assert.deepEqual(await t.service.accounts.setPassword(id, 'short'), {
      status: 'invalid-password',
      problem: 'too-short',
    });
    assert.deepEqual(await t.service.accounts.setPassword('nobody', NEW_PASSWORD), { status: 'not-found' });
    t.clock.advance(SECOND);
    const result = await t.service.accounts.setPassword(id, NEW_PASSWORD, { userId: 'admin-1' });
    assert.deepEqual(result, { status: 'ok', revokedSessions: 1 });
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    assert.equal((await t.service.sessions.refresh(pair.refreshToken)).status, 'invalid');
    assert.equal((await t.service.sessions.login('ada@example.com', NEW_PASSWORD)).status, 'ok');
    const [row] = await t.service.audit.list({ limit: 1, type: 'password-set' });
    assert.deepEqual([row?.userId, row?.details], [id, { revokedSessions: 1, by: 'admin-1' }]);
  });

  it('delete: the account and its sessions go, its access tokens are in the feed, the audit row stays', async () => {
    const id = await addUser(t.service, 'bob@example.com');
    const pair = await loginOk(t.service, 'bob@example.com');
    t.clock.advance(SECOND);
    assert.deepEqual(await t.service.accounts.delete(id, { userId: 'admin-1' }), {
      status: 'ok',
      revokedSessions: 1,
    });
    assert.equal(await t.service.users.find(id), null);
    assert.equal(await t.store.sessions.find(pair.sessionId), null);
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    const feed = await t.service.revocations.feed(0, t.clock.now());
    assert.ok(feed.revoked.some((e) => e.kind === 'user' && e.sub === id));
    const [row] = await t.service.audit.list({ limit: 1, type: 'user-deleted', userId: id });
    assert.deepEqual(row?.details, { revokedSessions: 1, by: 'admin-1' });
    assert.deepEqual(await t.service.accounts.delete(id), { status: 'not-found' });
  });

  it('users.details: the account with its live sessions only', async () => {
    const id = await addUser(t.service, 'cy@example.com');
    const kept = await loginOk(t.service, 'cy@example.com');
    const ended = await loginOk(t.service, 'cy@example.com');
    await t.service.sessions.logout({ sessionId: ended.sessionId });
    const details = await t.service.users.details(id);
    assert.equal(details?.user.email, 'cy@example.com');
    assert.deepEqual(
      details?.sessions.map((s) => s.id),
      [kept.sessionId],
    );
    assert.equal(await t.service.users.details('nobody'), null);
  });

  it('keys.rotate writes key-rotated with the actor; keys.status names each state', async () => {
    const record = await t.service.keys.rotate({ actor: { userId: 'admin-1', meta: { ip: '203.0.113.9' } } });
    const [row] = await t.service.audit.list({ limit: 1, type: 'key-rotated' });
    assert.deepEqual(
      [row?.userId, row?.ip, row?.details],
      ['admin-1', '203.0.113.9', { kid: record.kid, immediate: false, by: 'admin-1' }],
    );
    assert.deepEqual(
      t.service.keys.status().map((k) => [k.kid === record.kid, k.state]),
      [
        [false, 'active'],
        [true, 'next'],
      ],
    );
  });
});
