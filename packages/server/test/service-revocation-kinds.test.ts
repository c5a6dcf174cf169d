// Revocation model v2: per-user, global and signing-key entries, as the server itself applies
// them (authenticate, token issuance) and as guards read them from the feed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { revokedByFeed } from './helpers/revocation-rule.js';
import {
  addUser,
  loginOk,
  MINUTE,
  openTestService,
  PASSWORD,
  SECOND,
  T0,
  type TestService,
} from './helpers/service.js';

const iatOf = (token: string) => decodeJwtUnverified(token).payload.iat as number;

async function feed(t: TestService) {
  return (await t.service.revocations.feed(0, t.clock.now())).revoked;
}

describe('per-user entries', () => {
  let t: TestService;
  let userId: string;
  before(async () => {
    t = await openTestService();
    userId = await addUser(t.service, 'ada@example.com');
    await addUser(t.service, 'bob@example.com');
  });
  after(() => t.cleanup());

  it('logout-all of many sessions is one entry that cuts every token of the user and no one else', async () => {
    t.clock.set(T0 + MINUTE);
    const pairs = await Promise.all(Array.from({ length: 5 }, () => loginOk(t.service, 'ada@example.com')));
    const bob = await loginOk(t.service, 'bob@example.com');
    const cursor = (await t.service.revocations.feed(0, t.clock.now())).cursor;
    assert.equal(await t.service.sessions.logoutAll(userId), 5);
    const { revoked } = await t.service.revocations.feed(cursor, t.clock.now());
    assert.deepEqual(
      revoked.map(({ cursor: _, ...e }) => e),
      [
        {
          kind: 'user',
          sub: userId,
          before: Math.floor(t.clock.now() / 1000) + 1,
          expires: Math.floor(t.clock.now() / 1000) + 1 + 600 + 60,
        },
      ],
    );
    for (const pair of pairs) {
      assert.ok(revokedByFeed(revoked, pair.accessToken));
      assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    }
    assert.ok(!revokedByFeed(revoked, bob.accessToken));
    assert.equal((await t.service.sessions.authenticate(bob.accessToken)).status, 'ok');
  });

  it('a login right after, in the same second, gets a token past the cutoff', async () => {
    t.clock.set(T0 + 2 * MINUTE);
    await t.service.sessions.logoutAll(userId);
    t.clock.advance(100);
    const pair = await loginOk(t.service, 'ada@example.com');
    assert.equal(iatOf(pair.accessToken), Math.floor(t.clock.now() / 1000) + 1);
    assert.ok(!revokedByFeed(await feed(t), pair.accessToken));
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'ok');
  });

  it('block, then unblock and log in in the same second: the new token is not revoked', async () => {
    t.clock.set(T0 + 3 * MINUTE);
    const old = await loginOk(t.service, 'ada@example.com');
    await t.service.accounts.setBlocked(userId, true);
    await t.service.accounts.setBlocked(userId, false);
    const fresh = await loginOk(t.service, 'ada@example.com');
    const revoked = await feed(t);
    assert.ok(revokedByFeed(revoked, old.accessToken));
    assert.ok(!revokedByFeed(revoked, fresh.accessToken));
    assert.equal((await t.service.sessions.authenticate(fresh.accessToken)).status, 'ok');
  });

  it('a session entry in the second of a user cutoff still catches the token refreshed past it', async () => {
    t.clock.set(T0 + 4 * MINUTE);
    const here = await loginOk(t.service, 'ada@example.com');
    await t.service.accounts.changePassword(userId, here.sessionId, PASSWORD, PASSWORD);
    t.clock.advance(100);
    const next = await t.service.sessions.refresh(here.refreshToken);
    assert.ok(next.status === 'ok');
    const second = Math.floor(t.clock.now() / 1000);
    assert.equal(iatOf(next.tokens.accessToken), second + 1, 'issued at the user cutoff');
    t.clock.advance(100);
    await t.service.sessions.logout({ sessionId: here.sessionId });
    const entry = (await feed(t)).findLast((e) => e.kind === 'session' && e.sid === here.sessionId);
    assert.equal(entry?.kind === 'session' && entry.before, second + 2);
    assert.ok(revokedByFeed(await feed(t), next.tokens.accessToken));
  });
});

describe('the global entry (revoke everything issued before now)', () => {
  it('is one entry: every token of every user is refused, sessions live on and refresh past it', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    await addUser(t.service, 'ada@example.com');
    await addUser(t.service, 'bob@example.com');
    const ada = await loginOk(t.service, 'ada@example.com');
    const bob = await loginOk(t.service, 'bob@example.com');
    t.clock.advance(200);
    const entry = await t.service.revocations.revokeAll(t.clock.now());
    const nowSeconds = Math.floor(t.clock.now() / 1000);
    assert.deepEqual(
      { ...entry, cursor: 0 },
      { cursor: 0, kind: 'all', before: nowSeconds + 1, expires: nowSeconds + 1 + 660 },
    );
    const revoked = await feed(t);
    assert.equal(revoked.length, 1);
    for (const pair of [ada, bob]) {
      assert.ok(revokedByFeed(revoked, pair.accessToken));
      assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
      const next = await t.service.sessions.refresh(pair.refreshToken);
      assert.ok(next.status === 'ok', 'the session lives on');
      assert.ok(!revokedByFeed(revoked, next.tokens.accessToken));
      assert.equal((await t.service.sessions.authenticate(next.tokens.accessToken)).status, 'ok');
    }
  });

  it('goes past every user cutoff of its second', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    const id = await addUser(t.service, 'ada@example.com');
    const pair = await loginOk(t.service, 'ada@example.com');
    await t.service.accounts.setAccess(id, { roles: ['user', 'x'] });
    const next = await t.service.sessions.refresh(pair.refreshToken);
    assert.ok(next.status === 'ok');
    await t.service.revocations.revokeAll(t.clock.now());
    assert.ok(revokedByFeed(await feed(t), next.tokens.accessToken));
    assert.equal((await t.service.sessions.authenticate(next.tokens.accessToken)).status, 'revoked');
  });
});

describe('signing-key entries', () => {
  it('refuse every token of the key whatever its iat; tokens of other keys pass', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    await addUser(t.service, 'ada@example.com');
    const pair = await loginOk(t.service, 'ada@example.com');
    const kid = decodeJwtUnverified(pair.accessToken).header.kid as string;
    t.clock.advance(5 * SECOND);
    const entry = await t.service.revocations.revokeKey(kid, t.clock.now());
    assert.equal(entry.kind, 'key');
    assert.ok(entry.expires * 1000 > t.clock.now() + 10 * MINUTE);
    assert.ok(revokedByFeed(await feed(t), pair.accessToken));
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    // A token issued after the entry by the same key is refused too: the kid, not the iat, decides.
    const later = await t.service.sessions.refresh(pair.refreshToken);
    assert.ok(later.status === 'ok');
    assert.equal((await t.service.sessions.authenticate(later.tokens.accessToken)).status, 'revoked');
  });
});

describe('cutoffs across instances', () => {
  it('another instance applies user cutoffs at once; a global one on write paths at once, on reads after a sync', async () => {
    const a = await openTestService();
    after(() => a.cleanup());
    const id = await addUser(a.service, 'ada@example.com');
    const b = await a.reopen();
    after(() => b.close());
    const pair = await loginOk(b.service, 'ada@example.com');
    assert.equal((await b.service.sessions.authenticate(pair.accessToken)).status, 'ok');

    await a.service.accounts.setAccess(id, { roles: ['user', 'editor'] });
    // A user entry also raises the cutoff on the user's sessions, which every request reads.
    assert.equal((await b.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    assert.equal(
      (await b.service.sessions.authenticate(pair.accessToken, { fresh: true })).status,
      'revoked',
    );
    // Token issuance too: the refreshed token on b clears the cutoff a wrote.
    const next = await b.service.sessions.refresh(pair.refreshToken);
    assert.ok(next.status === 'ok');
    assert.ok(!revokedByFeed(await feed(a), next.tokens.accessToken));
    assert.equal((await a.service.sessions.authenticate(next.tokens.accessToken)).status, 'ok');

    await a.service.revocations.revokeAll(a.clock.now());
    // A read path uses the copy as last synced (the started service syncs every second)...
    assert.equal((await b.service.sessions.authenticate(next.tokens.accessToken)).status, 'ok');
    // ...a write path catches up first.
    const fresh = await b.service.sessions.authenticate(next.tokens.accessToken, { fresh: true });
    assert.equal(fresh.status, 'revoked');
    assert.equal((await b.service.sessions.authenticate(next.tokens.accessToken)).status, 'revoked');
  });

  it('hold memory for live entries only', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    for (let i = 0; i < 20; i++) await t.service.revocations.revokeUser(`user-${i}`, t.clock.now());
    await t.service.revocations.revokeAll(t.clock.now());
    await t.service.revocations.revokeKey('k1', t.clock.now());
    assert.equal(t.service.revocations.cutoffs.size, 22);
    t.clock.advance(11 * MINUTE + 2 * SECOND);
    await t.service.revocations.cutoffs.sync();
    assert.equal(t.service.revocations.cutoffs.size, 0);
  });
});
