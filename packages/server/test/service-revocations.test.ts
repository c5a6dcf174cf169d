import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { revokedByFeed } from './helpers/revocation-rule.js';
import {
  addUser,
  loginOk,
  MINUTE,
  openTestService,
  SECOND,
  T0,
  type TestService,
} from './helpers/service.js';

const iatOf = (token: string) => decodeJwtUnverified(token).payload.iat as number;
const expOf = (token: string) => decodeJwtUnverified(token).payload.exp as number;

describe('access-token revocation entries', () => {
  let t: TestService;
  let userId: string;
  before(async () => {
    t = await openTestService();
    userId = await addUser(t.service, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('say "tokens of sid issued before `before`" and live until the longest token could expire', async () => {
    const pair = await loginOk(t.service, 'ada@example.com');
    await t.service.sessions.logout({ sessionId: pair.sessionId });
    const { revoked } = await t.service.revocations.feed(0, t.clock.now());
    const entry = revoked.find((e) => e.kind === 'session' && e.sid === pair.sessionId);
    assert.ok(entry?.kind === 'session');
    const nowSeconds = Math.floor(t.clock.now() / 1000);
    assert.equal(entry.before, nowSeconds + 1);
    // access-token lifetime plus a minute of clock skew
    assert.equal(entry.expires, entry.before + t.config.accessTokenTtlSeconds + 60);
    assert.ok(entry.expires > expOf(pair.accessToken));
    assert.ok(revokedByFeed(revoked, pair.accessToken));
  });

  it('same second: a token issued earlier in the revocation second is caught, one issued after is not', async () => {
    // T0 is 250 ms into a second: issue, revoke 500 ms later, issue again, all in that second.
    t.clock.set(T0 + 10 * MINUTE);
    const pair = await loginOk(t.service, 'ada@example.com');
    const second = Math.floor(t.clock.now() / 1000);
    assert.equal(iatOf(pair.accessToken), second);
    t.clock.advance(500);
    assert.equal(Math.floor(t.clock.now() / 1000), second, 'still the same second');
    await t.service.accounts.setAccess(userId, { roles: ['user', 'editor'] });
    const { revoked } = await t.service.revocations.feed(0, t.clock.now());
    // A role change is ONE per-user entry, whatever the number of sessions.
    const entry = revoked.filter((e) => e.kind === 'user' && e.sub === userId).at(-1);
    assert.ok(entry?.kind === 'user');
    assert.equal(entry.before, second + 1);
    assert.ok(revokedByFeed(revoked, pair.accessToken), 'issued before the revocation: revoked');
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');

    t.clock.advance(100);
    assert.equal(Math.floor(t.clock.now() / 1000), second, 'still the same second');
    const next = await t.service.sessions.refresh(pair.refreshToken);
    assert.ok(next.status === 'ok');
    assert.equal(iatOf(next.tokens.accessToken), second + 1, 'iat = before');
    assert.ok(!revokedByFeed(revoked, next.tokens.accessToken), 'issued after the revocation: not revoked');
    assert.equal((await t.service.sessions.authenticate(next.tokens.accessToken)).status, 'ok');
    // Its lifetime is still the configured one, counted from its iat.
    assert.equal(expOf(next.tokens.accessToken) - iatOf(next.tokens.accessToken), 600);
  });

  it('same second, twice: a token issued between two revocations of one second is caught by the second', async () => {
    t.clock.set(T0 + 20 * MINUTE);
    const pair = await loginOk(t.service, 'ada@example.com');
    const second = Math.floor(t.clock.now() / 1000);
    await t.service.accounts.setAccess(userId, { roles: ['user'] });
    t.clock.advance(100);
    const between = await t.service.sessions.refresh(pair.refreshToken);
    assert.ok(between.status === 'ok');
    t.clock.advance(100);
    assert.equal(Math.floor(t.clock.now() / 1000), second, 'still the same second');
    // Logout in the same second: the token from the refresh above must be revoked too.
    await t.service.sessions.logout({ sessionId: pair.sessionId });
    const { revoked } = await t.service.revocations.feed(0, t.clock.now());
    assert.ok(revokedByFeed(revoked, pair.accessToken));
    assert.ok(revokedByFeed(revoked, between.tokens.accessToken));
    for (const entry of revoked.filter((e) => e.kind === 'session' && e.sid === pair.sessionId)) {
      assert.ok(entry.expires * 1000 >= expOf(between.tokens.accessToken) * 1000);
    }
  });

  it('same second, role change twice: tokens from between are revoked, tokens from after are not', async () => {
    t.clock.set(T0 + 30 * MINUTE);
    const pair = await loginOk(t.service, 'ada@example.com');
    await t.service.accounts.setAccess(userId, { roles: ['user', 'a'] });
    t.clock.advance(100);
    const between = await t.service.sessions.refresh(pair.refreshToken);
    assert.ok(between.status === 'ok');
    t.clock.advance(100);
    await t.service.accounts.setAccess(userId, { roles: ['user', 'b'] });
    t.clock.advance(100);
    const last = await t.service.sessions.refresh(between.tokens.refreshToken);
    assert.ok(last.status === 'ok');
    const { revoked } = await t.service.revocations.feed(0, t.clock.now());
    assert.ok(revokedByFeed(revoked, between.tokens.accessToken));
    assert.equal((await t.service.sessions.authenticate(between.tokens.accessToken)).status, 'revoked');
    assert.ok(!revokedByFeed(revoked, last.tokens.accessToken));
    assert.equal((await t.service.sessions.authenticate(last.tokens.accessToken)).status, 'ok');
    assert.deepEqual(decodeJwtUnverified(last.tokens.accessToken).payload.roles, ['user', 'b']);
  });

  it('the feed pages by cursor and leaves out expired entries', async () => {
    const fresh = await openTestService();
    after(() => fresh.cleanup());
    await addUser(fresh.service, 'ada@example.com');
    const sids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const pair = await loginOk(fresh.service, 'ada@example.com');
      await fresh.service.sessions.logout({ sessionId: pair.sessionId });
      sids.push(pair.sessionId);
    }
    const now = fresh.clock.now();
    const first = await fresh.service.revocations.feed(0, now, 2);
    assert.deepEqual(
      first.revoked.map((e) => (e.kind === 'session' ? e.sid : e.kind)),
      sids.slice(0, 2),
    );
    const second = await fresh.service.revocations.feed(first.cursor, now, 2);
    assert.deepEqual(
      second.revoked.map((e) => (e.kind === 'session' ? e.sid : e.kind)),
      sids.slice(2, 4),
    );
    const third = await fresh.service.revocations.feed(second.cursor, now, 2);
    assert.deepEqual(
      third.revoked.map((e) => (e.kind === 'session' ? e.sid : e.kind)),
      sids.slice(4),
    );
    const empty = await fresh.service.revocations.feed(third.cursor, now, 2);
    assert.deepEqual(empty, { cursor: third.cursor, revoked: [] });

    // After `expires`, entries leave the feed, and maintenance deletes them.
    const expires = first.revoked[0]!.expires;
    assert.equal((await fresh.service.revocations.feed(0, expires * 1000 - 1)).revoked.length, 5);
    fresh.clock.set(expires * 1000);
    assert.equal((await fresh.service.revocations.feed(0, fresh.clock.now())).revoked.length, 0);
    await fresh.service.maintain();
    assert.equal(await fresh.store.revocations.purge(fresh.clock.now()), 0, 'already purged by maintain');
  });

  it('survive a restart: entries and session cutoffs are in the database', async () => {
    const first = await openTestService();
    after(() => first.cleanup());
    await addUser(first.service, 'ada@example.com');
    const pair = await loginOk(first.service, 'ada@example.com');
    const other = await loginOk(first.service, 'ada@example.com');
    await first.service.sessions.logout({ sessionId: pair.sessionId });
    first.clock.advance(SECOND);
    await first.close();

    const second = await first.reopen();
    after(() => second.close());
    const { revoked } = await second.service.revocations.feed(0, second.clock.now());
    assert.ok(revokedByFeed(revoked, pair.accessToken));
    assert.equal((await second.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    assert.equal((await second.service.sessions.refresh(pair.refreshToken)).status, 'invalid');
    // The untouched session still works after the restart.
    assert.equal((await second.service.sessions.authenticate(other.accessToken)).status, 'ok');
  });

  it('count revocations in the events', async () => {
    let entries = 0;
    const counted = await openTestService({
      events: { login() {}, refresh() {}, signed() {}, revoked: (n) => void (entries += n) },
    });
    after(() => counted.cleanup());
    const id = await addUser(counted.service, 'ada@example.com');
    await loginOk(counted.service, 'ada@example.com');
    await loginOk(counted.service, 'ada@example.com');
    await counted.service.sessions.logoutAll(id);
    assert.equal(entries, 1, 'logout-all writes one per-user entry, not one per session');
  });
});
