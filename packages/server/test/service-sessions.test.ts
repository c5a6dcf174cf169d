import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { silentEvents } from '../src/service/index.js';
import { hashToken, randomToken, refreshTokenHash } from '../src/service/secrets.js';
import { sessionIds } from './helpers/revocation-rule.js';
import {
  addUser,
  DAY,
  loginOk,
  openTestService,
  PASSWORD,
  SECOND,
  T0,
  type TestService,
} from './helpers/service.js';

describe('login', () => {
  let t: TestService;
  before(async () => {
    t = await openTestService();
    await addUser(t.service, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('opens a session and returns an access token and a refresh token for it', async () => {
    const result = await t.service.sessions.login('Ada@Example.com ', PASSWORD, {
      ip: '203.0.113.7',
      userAgent: 'test',
    });
    assert.equal(result.status, 'ok');
    assert.ok(result.status === 'ok');
    const { session, tokens, user } = result;
    assert.equal(session.userId, user.id);
    assert.equal(session.createdAt, T0);
    assert.equal(session.ip, '203.0.113.7');
    assert.equal(session.userAgent, 'test');
    assert.equal(session.revokedAt, null);
    assert.equal(tokens.sessionId, session.id);
    assert.equal(tokens.expiresIn, 600);
    const { payload } = decodeJwtUnverified(tokens.accessToken);
    assert.equal(payload.sid, session.id);
    assert.equal(payload.sub, user.id);
    const stored = await t.store.sessions.find(session.id);
    assert.equal(stored?.userId, user.id);
    const audit = await t.store.audit.list({ limit: 10, type: 'login' });
    assert.equal(audit[0]?.sessionId, session.id);
    assert.equal(audit[0]?.ip, '203.0.113.7');
  });

  it('each login is a new session with its own refresh token', async () => {
    const a = await loginOk(t.service, 'ada@example.com');
    const b = await loginOk(t.service, 'ada@example.com');
    assert.notEqual(a.sessionId, b.sessionId);
    assert.notEqual(a.refreshToken, b.refreshToken);
  });

  it('refresh tokens are <session id>.<256 random bits in base64url>, stored only as a SHA-256', async () => {
    const { refreshToken, sessionId } = await loginOk(t.service, 'ada@example.com');
    const [named, random] = refreshToken.split('.') as [string, string];
    assert.equal(named, sessionId);
    assert.match(random, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(random, 'base64url').length, 32);
    const record = await t.store.sessions.findRefreshToken(refreshTokenHash(refreshToken));
    assert.equal(record?.sessionId, sessionId);
    assert.equal(record?.hash, `${sessionId}.${hashToken(refreshToken)}`);
    assert.equal(await t.store.sessions.findRefreshToken(refreshToken), null);
    // A token naming another session is another token: its digest is nowhere.
    const other = await loginOk(t.service, 'ada@example.com');
    const moved = `${other.sessionId}.${random}`;
    assert.equal(await t.store.sessions.findRefreshToken(refreshTokenHash(moved)), null);
    assert.equal((await t.service.sessions.refresh(moved)).status, 'invalid');
  });

  it('still refreshes a round-1 refresh token (43 characters, no session id): its successor names none', async () => {
    const { sessionId } = await loginOk(t.service, 'ada@example.com');
    const userId = (await t.store.sessions.find(sessionId))?.userId as string;
    const legacy = randomToken();
    const now = t.clock.now();
    await t.store.sessions.create(
      { id: 'round-1', userId, createdAt: now, absoluteExpiresAt: now + DAY },
      { hash: hashToken(legacy), expiresAt: now + DAY },
    );
    const result = await t.service.sessions.refresh(legacy);
    assert.equal(result.status, 'ok');
    if (result.status === 'ok') assert.match(result.tokens.refreshToken, /^[A-Za-z0-9_-]{43}$/);
  });

  it('gives the same result for an unknown email and a wrong password, and audits both', async () => {
    const unknown = await t.service.sessions.login('nobody@example.com', PASSWORD);
    const wrong = await t.service.sessions.login('ada@example.com', 'not the password');
    assert.deepEqual(unknown, { status: 'invalid-credentials' });
    assert.deepEqual(wrong, unknown);
    const failed = await t.store.audit.list({ limit: 10, type: 'login-failed' });
    assert.deepEqual(
      failed.slice(0, 2).map((e) => e.details.reason),
      ['wrong-password', 'unknown-email'],
    );
  });

  it('refuses a password over 1024 bytes before hashing it', async () => {
    let hashed = 0;
    const { hasher } = t.service;
    const verify = hasher.verify.bind(hasher);
    const verifyDummy = hasher.verifyDummy.bind(hasher);
    hasher.verify = (...args) => {
      hashed++;
      return verify(...args);
    };
    hasher.verifyDummy = (...args) => {
      hashed++;
      return verifyDummy(...args);
    };
    try {
      assert.deepEqual(await t.service.sessions.login('ada@example.com', 'x'.repeat(1025)), {
        status: 'password-too-long',
      });
      assert.deepEqual(await t.service.sessions.login('nobody@example.com', 'x'.repeat(1_000_000)), {
        status: 'password-too-long',
      });
      assert.equal(hashed, 0);
    } finally {
      hasher.verify = verify;
      hasher.verifyDummy = verifyDummy;
    }
  });

  it('a blocked account cannot log in, even with the right password', async () => {
    const id = await addUser(t.service, 'blocked@example.com');
    await t.service.accounts.setBlocked(id, true);
    assert.deepEqual(await t.service.sessions.login('blocked@example.com', PASSWORD), { status: 'blocked' });
    // A wrong password does not reveal that the account is blocked.
    assert.deepEqual(await t.service.sessions.login('blocked@example.com', 'wrong password'), {
      status: 'invalid-credentials',
    });
  });
});

describe('refresh: rotation, grace window, reuse', () => {
  let t: TestService;
  const outcomes: string[] = [];
  before(async () => {
    t = await openTestService({
      events: { ...silentEvents, refresh: (outcome) => void outcomes.push(outcome) },
    });
    await addUser(t.service, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('rotates: a new refresh token for the same session, the old one is used up', async () => {
    const first = await loginOk(t.service, 'ada@example.com');
    t.clock.advance(60 * SECOND);
    const result = await t.service.sessions.refresh(first.refreshToken);
    assert.equal(result.status, 'ok');
    assert.ok(result.status === 'ok');
    assert.equal(result.tokens.sessionId, first.sessionId);
    assert.notEqual(result.tokens.refreshToken, first.refreshToken);
    assert.notEqual(result.tokens.accessToken, first.accessToken);
    const old = await t.store.sessions.findRefreshToken(refreshTokenHash(first.refreshToken));
    assert.equal(old?.usedAt, t.clock.now());
    assert.equal(old?.successorHash, refreshTokenHash(result.tokens.refreshToken));
    // The successor is stored sealed, never in clear.
    assert.ok(old?.successorSealed);
    assert.ok(!old.successorSealed.includes(result.tokens.refreshToken));
    const next = await t.store.sessions.findRefreshToken(refreshTokenHash(result.tokens.refreshToken));
    assert.equal(next?.usedAt, null);
    assert.equal((await t.store.sessions.find(first.sessionId))?.lastUsedAt, t.clock.now());
  });

  it('a retry within the 30 s grace window gets the same successor back', async () => {
    const first = await loginOk(t.service, 'ada@example.com');
    const a = await t.service.sessions.refresh(first.refreshToken);
    t.clock.advance(29 * SECOND);
    const b = await t.service.sessions.refresh(first.refreshToken);
    assert.ok(a.status === 'ok' && b.status === 'ok');
    assert.equal(b.tokens.refreshToken, a.tokens.refreshToken);
    assert.equal(b.tokens.sessionId, first.sessionId);
    // The session is alive and the successor works.
    const c = await t.service.sessions.refresh(a.tokens.refreshToken);
    assert.equal(c.status, 'ok');
  });

  it('a used token presented after the grace window is theft: the whole session is revoked and audited', async () => {
    const first = await loginOk(t.service, 'ada@example.com');
    const second = await t.service.sessions.refresh(first.refreshToken);
    assert.ok(second.status === 'ok');
    t.clock.advance(30 * SECOND);
    const replay = await t.service.sessions.refresh(first.refreshToken, { ip: '198.51.100.9' });
    assert.deepEqual(replay, { status: 'reused', sessionId: first.sessionId });
    const session = await t.store.sessions.find(first.sessionId);
    assert.equal(session?.revokedReason, 'reuse');
    // The live successor died with the session.
    assert.deepEqual(await t.service.sessions.refresh(second.tokens.refreshToken), {
      status: 'invalid',
      reason: 'session-revoked',
    });
    // Its access tokens are on the revocation list.
    const feed = await t.service.revocations.feed(0, t.clock.now());
    assert.ok(sessionIds(feed.revoked).has(first.sessionId));
    assert.equal((await t.service.sessions.authenticate(second.tokens.accessToken)).status, 'revoked');
    const [event] = await t.store.audit.list({ limit: 1, type: 'refresh-reuse' });
    assert.equal(event?.sessionId, first.sessionId);
    assert.equal(event?.userId, session?.userId);
    assert.equal(event?.ip, '198.51.100.9');
    assert.equal(event?.details.family, first.sessionId);
  });

  it('a used token whose successor was already used is theft, even inside the grace window', async () => {
    const first = await loginOk(t.service, 'ada@example.com');
    const second = await t.service.sessions.refresh(first.refreshToken);
    assert.ok(second.status === 'ok');
    t.clock.advance(SECOND);
    assert.equal((await t.service.sessions.refresh(second.tokens.refreshToken)).status, 'ok');
    t.clock.advance(SECOND);
    assert.equal((await t.service.sessions.refresh(first.refreshToken)).status, 'reused');
  });

  it('exactly one of 20 concurrent refreshes with one token mints a successor; all get that one', async () => {
    const first = await loginOk(t.service, 'ada@example.com');
    outcomes.length = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => t.service.sessions.refresh(first.refreshToken)),
    );
    const tokens = new Set(results.map((r) => (r.status === 'ok' ? r.tokens.refreshToken : r.status)));
    assert.equal(tokens.size, 1);
    const [successor] = [...tokens];
    assert.match(successor!, /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const old = await t.store.sessions.findRefreshToken(refreshTokenHash(first.refreshToken));
    assert.equal(old?.successorHash, refreshTokenHash(successor!));
    assert.equal(outcomes.filter((o) => o === 'rotated').length, 1);
    assert.equal(outcomes.filter((o) => o === 'grace').length, 19);
  });

  it('refuses malformed and unknown tokens without touching the store', async () => {
    assert.deepEqual(await t.service.sessions.refresh('short'), { status: 'invalid', reason: 'malformed' });
    assert.deepEqual(await t.service.sessions.refresh('x'.repeat(5000)), {
      status: 'invalid',
      reason: 'malformed',
    });
    assert.deepEqual(await t.service.sessions.refresh('A'.repeat(43)), {
      status: 'invalid',
      reason: 'unknown',
    });
  });

  it('a refresh carries the current roles and permissions of the user', async () => {
    const id = await addUser(t.service, 'grace@example.com', { roles: ['user'] });
    const first = await loginOk(t.service, 'grace@example.com');
    await t.service.accounts.setAccess(id, { roles: ['user', 'editor'], permissions: ['posts:write'] });
    t.clock.advance(SECOND);
    const next = await t.service.sessions.refresh(first.refreshToken);
    assert.ok(next.status === 'ok');
    const { payload } = decodeJwtUnverified(next.tokens.accessToken);
    assert.deepEqual(payload.roles, ['user', 'editor']);
    assert.deepEqual(payload.permissions, ['posts:write']);
  });
});

describe('refresh-token lifetimes', () => {
  let t: TestService;
  before(async () => {
    t = await openTestService();
    await addUser(t.service, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('defaults: idle 14 days, absolute 30 days, grace 30 s', () => {
    assert.equal(t.config.refreshIdleMs, 14 * DAY);
    assert.equal(t.config.refreshAbsoluteMs, 30 * DAY);
    assert.equal(t.config.refreshGraceMs, 30 * SECOND);
  });

  it('a token unused for 14 days dies; one used just before that still works', async () => {
    const a = await loginOk(t.service, 'ada@example.com');
    const b = await loginOk(t.service, 'ada@example.com');
    t.clock.advance(14 * DAY - 1);
    assert.equal((await t.service.sessions.refresh(a.refreshToken)).status, 'ok');
    t.clock.advance(1);
    assert.deepEqual(await t.service.sessions.refresh(b.refreshToken), {
      status: 'invalid',
      reason: 'expired',
    });
  });

  it('however often it rotates, a session ends 30 days after login', async () => {
    const start = t.clock.now();
    let { refreshToken } = await loginOk(t.service, 'ada@example.com');
    for (let day = 10; day < 30; day += 10) {
      t.clock.set(start + day * DAY);
      const next = await t.service.sessions.refresh(refreshToken);
      assert.ok(next.status === 'ok', `refresh on day ${day}`);
      refreshToken = next.tokens.refreshToken;
    }
    t.clock.set(start + 30 * DAY - 1);
    const last = await t.service.sessions.refresh(refreshToken);
    assert.ok(last.status === 'ok');
    t.clock.set(start + 30 * DAY);
    assert.deepEqual(await t.service.sessions.refresh(last.tokens.refreshToken), {
      status: 'invalid',
      reason: 'session-expired',
    });
  });
});

describe('logout, sessions, authenticate', () => {
  let t: TestService;
  let userId: string;
  before(async () => {
    t = await openTestService();
    userId = await addUser(t.service, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('logout by session id kills the refresh token and revokes the access tokens', async () => {
    const pair = await loginOk(t.service, 'ada@example.com');
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'ok');
    await t.service.sessions.logout({ sessionId: pair.sessionId });
    assert.deepEqual(await t.service.sessions.refresh(pair.refreshToken), {
      status: 'invalid',
      reason: 'session-revoked',
    });
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    const feed = await t.service.revocations.feed(0, t.clock.now());
    assert.ok(sessionIds(feed.revoked).has(pair.sessionId));
    assert.equal((await t.store.sessions.find(pair.sessionId))?.revokedReason, 'logout');
  });

  it('logout by refresh token works with a used token too, and unknown tokens are no error', async () => {
    const pair = await loginOk(t.service, 'ada@example.com');
    const next = await t.service.sessions.refresh(pair.refreshToken);
    assert.ok(next.status === 'ok');
    await t.service.sessions.logout({ refreshToken: pair.refreshToken });
    assert.equal((await t.store.sessions.find(pair.sessionId))?.revokedReason, 'logout');
    assert.equal((await t.service.sessions.refresh(next.tokens.refreshToken)).status, 'invalid');
    await t.service.sessions.logout({ refreshToken: 'A'.repeat(43) });
    await t.service.sessions.logout({ refreshToken: 'not even a token' });
    await t.service.sessions.logout({ sessionId: 'no-such-session' });
  });

  it('logoutAll ends every session of the user and nobody else’s', async () => {
    await addUser(t.service, 'bob@example.com');
    const bob = await loginOk(t.service, 'bob@example.com');
    const a = await loginOk(t.service, 'ada@example.com');
    const b = await loginOk(t.service, 'ada@example.com');
    const count = await t.service.sessions.logoutAll(userId);
    assert.ok(count >= 2);
    assert.deepEqual(await t.service.sessions.list(userId), []);
    for (const pair of [a, b]) {
      assert.equal((await t.service.sessions.refresh(pair.refreshToken)).status, 'invalid');
      assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'revoked');
    }
    assert.equal((await t.service.sessions.authenticate(bob.accessToken)).status, 'ok');
  });

  it('lists live sessions newest first, and a user can end only their own', async () => {
    const bobId = (await t.store.users.findByEmail('bob@example.com'))!.id;
    const older = await loginOk(t.service, 'ada@example.com');
    t.clock.advance(SECOND);
    const newer = await loginOk(t.service, 'ada@example.com');
    assert.deepEqual(
      (await t.service.sessions.list(userId)).map((s) => s.id),
      [newer.sessionId, older.sessionId],
    );
    assert.equal(await t.service.sessions.revokeOwn(bobId, older.sessionId), false);
    assert.equal((await t.service.sessions.authenticate(older.accessToken)).status, 'ok');
    assert.equal(await t.service.sessions.revokeOwn(userId, older.sessionId), true);
    assert.equal(await t.service.sessions.revokeOwn(userId, older.sessionId), false);
    assert.equal((await t.service.sessions.authenticate(older.accessToken)).status, 'revoked');
    assert.deepEqual(
      (await t.service.sessions.list(userId)).map((s) => s.id),
      [newer.sessionId],
    );
  });

  it('authenticate refuses forged, expired and foreign tokens', async () => {
    const pair = await loginOk(t.service, 'ada@example.com');
    const [h, p, s] = pair.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.roles = ['admin'];
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    assert.deepEqual(await t.service.sessions.authenticate(forged), { status: 'invalid' });
    assert.deepEqual(await t.service.sessions.authenticate('garbage'), { status: 'invalid' });
    assert.deepEqual(await t.service.sessions.authenticate(`${h}.${p}.`), { status: 'invalid' });
    // A token from another issuer's key (another service, another KEK) is not ours.
    const other = await openTestService();
    after(() => other.cleanup());
    await addUser(other.service, 'ada@example.com');
    const foreign = await loginOk(other.service, 'ada@example.com');
    assert.deepEqual(await t.service.sessions.authenticate(foreign.accessToken), { status: 'invalid' });
    // Expiry: valid until exp, refused at exp.
    t.clock.advance(600 * SECOND - 1000);
    assert.equal((await t.service.sessions.authenticate(pair.accessToken)).status, 'ok');
    t.clock.advance(1000);
    assert.deepEqual(await t.service.sessions.authenticate(pair.accessToken), { status: 'invalid' });
  });
});
