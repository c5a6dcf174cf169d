import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import {
  bearer,
  errorBody,
  json,
  login,
  openTestApp,
  profile,
  refresh,
  register,
  signIn,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';
import { PASSWORD, SECOND } from './helpers/service.js';

describe('POST /auth/register', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.cleanup());

  it('201 { id, email } with the email normalized', async () => {
    const res = await register(t.app, 'Ada@Example.com');
    assert.equal(res.statusCode, 201);
    const body = json(res);
    assert.deepEqual(Object.keys(body).sort(), ['email', 'id']);
    assert.equal(body.email, 'ada@example.com');
    assert.equal((await t.store.users.findByEmail('ada@example.com'))?.id, body.id);
  });

  it('400 for a bad email or a password outside 8..1024 bytes', async () => {
    for (const payload of [
      { email: 'not-an-email', password: PASSWORD },
      { email: 'new@example.com', password: 'short' },
      { email: 'new@example.com', password: '€'.repeat(342) },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload).slice(0, 60));
      assert.equal(errorBody(res).error, 'invalid_request');
    }
    assert.equal(await t.store.users.findByEmail('new@example.com'), null);
  });
});

describe('POST /auth/login, /auth/refresh (body mode)', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
    await register(t.app, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('login: 200 { access_token, token_type, expires_in, refresh_token, session_id, device_token }, no-store', async () => {
    const res = await login(t.app, 'ada@example.com');
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['set-cookie'], undefined, 'body mode sets no cookie');
    const body = json<TokenBody>(res);
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'device_token',
      'expires_in',
      'refresh_token',
      'session_id',
      'token_type',
    ]);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 600);
    assert.match(body.refresh_token, /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const { header, payload } = decodeJwtUnverified(body.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.sid, body.session_id);
    assert.equal(payload.iss, t.config.issuer);
  });

  it('login: 401 invalid_grant for a wrong password or an unknown email', async () => {
    for (const [email, password] of [
      ['ada@example.com', 'wrong password'],
      ['nobody@example.com', PASSWORD],
    ] as const) {
      const res = await login(t.app, email, password);
      assert.equal(res.statusCode, 401);
      assert.deepEqual(errorBody(res), {
        error: 'invalid_grant',
        error_description: 'invalid email or password',
      });
      assert.equal(res.headers['cache-control'], 'no-store');
    }
  });

  it('refresh: 200 with the same shape and a new refresh token; the old one is used up', async () => {
    const first = json<TokenBody>(await login(t.app, 'ada@example.com'));
    t.clock.advance(SECOND);
    const res = await refresh(t.app, first.refresh_token);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const next = json<TokenBody>(res);
    assert.equal(next.token_type, 'Bearer');
    assert.equal(next.session_id, first.session_id);
    assert.notEqual(next.refresh_token, first.refresh_token);
    assert.equal((await profile(t.app, next.access_token)).statusCode, 200);
  });

  it('refresh: 401 invalid_grant for a bad, expired or reused token; 400 without one', async () => {
    for (const token of ['A'.repeat(43), 'garbage']) {
      const res = await refresh(t.app, token);
      assert.equal(res.statusCode, 401);
      assert.equal(errorBody(res).error, 'invalid_grant');
    }
    const missing = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: {} });
    assert.equal(missing.statusCode, 400);
    assert.equal(errorBody(missing).error, 'invalid_request');

    const pair = json<TokenBody>(await login(t.app, 'ada@example.com'));
    t.clock.advance(14 * 24 * 3600 * SECOND);
    const expired = await refresh(t.app, pair.refresh_token);
    assert.equal(expired.statusCode, 401);
    assert.equal(errorBody(expired).error, 'invalid_grant');
  });
});

describe('logout, logout-all, me, password, sessions', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.cleanup());

  it('GET /auth/me: 200 { id, email, roles, permissions }; 401 with a challenge without a token', async () => {
    const tokens = await signIn(t, 'me@example.com', { roles: ['user', 'editor'] });
    const res = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(tokens.access_token) });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    assert.deepEqual(Object.keys(body).sort(), ['email', 'id', 'permissions', 'roles']);
    assert.deepEqual(body.roles, ['user', 'editor']);
    assert.equal(body.email, 'me@example.com');

    const anonymous = await t.app.inject({ method: 'GET', url: '/auth/me' });
    assert.equal(anonymous.statusCode, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Bearer/);
    const bad = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer('abc.def.ghi') });
    assert.equal(bad.statusCode, 401);
    assert.match(String(bad.headers['www-authenticate']), /error="invalid_token"/);
    assert.equal(errorBody(bad).error, 'invalid_token');
  });

  it('POST /auth/logout with a Bearer token: 204, then both tokens are dead', async () => {
    const tokens = await signIn(t, 'ada@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: bearer(tokens.access_token),
    });
    assert.equal(res.statusCode, 204);
    assert.equal((await profile(t.app, tokens.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, tokens.refresh_token)).statusCode, 401);
  });

  it('POST /auth/logout with the refresh token: 204, also for an unknown token', async () => {
    const tokens = await signIn(t, 'ada@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      payload: { refresh_token: tokens.refresh_token },
    });
    assert.equal(res.statusCode, 204);
    assert.equal((await profile(t.app, tokens.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, tokens.refresh_token)).statusCode, 401);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      payload: { refresh_token: 'x'.repeat(43) },
    });
    assert.equal(unknown.statusCode, 204);
    const nothing = await t.app.inject({ method: 'POST', url: '/auth/logout' });
    assert.equal(nothing.statusCode, 400);
    assert.equal(errorBody(nothing).error, 'invalid_request');
    const deadBearer = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: bearer(tokens.access_token),
    });
    assert.equal(deadBearer.statusCode, 401);
  });

  it('POST /auth/logout-all: 204 and every session of the user is gone', async () => {
    const a = await signIn(t, 'all@example.com');
    const b = await signIn(t, 'all@example.com');
    const other = await signIn(t, 'other@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/logout-all',
      headers: bearer(a.access_token),
    });
    assert.equal(res.statusCode, 204);
    for (const pair of [a, b]) {
      assert.equal((await profile(t.app, pair.access_token)).statusCode, 401);
      assert.equal((await refresh(t.app, pair.refresh_token)).statusCode, 401);
    }
    assert.equal((await profile(t.app, other.access_token)).statusCode, 200);
    const anonymous = await t.app.inject({ method: 'POST', url: '/auth/logout-all' });
    assert.equal(anonymous.statusCode, 401);
  });

  it('POST /auth/password: 204, every other session revoked, this one refreshes, the new password works', async () => {
    const here = await signIn(t, 'pw@example.com');
    const elsewhere = await signIn(t, 'pw@example.com');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(here.access_token),
      payload: { current_password: 'not my password', new_password: 'a new password' },
    });
    assert.equal(wrong.statusCode, 400);
    assert.equal(errorBody(wrong).error, 'invalid_grant');
    const tooShort = await t.app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(here.access_token),
      payload: { current_password: PASSWORD, new_password: 'short' },
    });
    assert.equal(tooShort.statusCode, 400);
    assert.equal(errorBody(tooShort).error, 'invalid_request');

    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(here.access_token),
      payload: { current_password: PASSWORD, new_password: 'a new password' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal((await profile(t.app, elsewhere.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, elsewhere.refresh_token)).statusCode, 401);
    // This session lives on; its current access token is cut with the user's others (one per-user
    // entry), and a refresh gives one that works.
    assert.equal((await profile(t.app, here.access_token)).statusCode, 401);
    const renewed = await refresh(t.app, here.refresh_token);
    assert.equal(renewed.statusCode, 200);
    assert.equal((await profile(t.app, json<TokenBody>(renewed).access_token)).statusCode, 200);
    assert.equal((await login(t.app, 'pw@example.com', PASSWORD)).statusCode, 401);
    assert.equal((await login(t.app, 'pw@example.com', 'a new password')).statusCode, 200);
  });

  it('GET /auth/sessions lists live sessions; DELETE /auth/sessions/:id ends one of mine only', async () => {
    const a = await signIn(t, 'list@example.com');
    const b = await signIn(t, 'list@example.com');
    const stranger = await signIn(t, 'stranger@example.com');
    const res = await t.app.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(a.access_token) });
    assert.equal(res.statusCode, 200);
    const { sessions } = json<{ sessions: { id: string; current: boolean; created_at: string }[] }>(res);
    assert.deepEqual(sessions.map((s) => s.id).sort(), [a.session_id, b.session_id].sort());
    assert.equal(sessions.find((s) => s.current)?.id, a.session_id);
    assert.ok(!Number.isNaN(Date.parse(sessions[0]!.created_at)));

    const notMine = await t.app.inject({
      method: 'DELETE',
      url: `/auth/sessions/${b.session_id}`,
      headers: bearer(stranger.access_token),
    });
    assert.equal(notMine.statusCode, 404);
    assert.equal((await profile(t.app, b.access_token)).statusCode, 200);

    const mine = await t.app.inject({
      method: 'DELETE',
      url: `/auth/sessions/${b.session_id}`,
      headers: bearer(a.access_token),
    });
    assert.equal(mine.statusCode, 204);
    assert.equal((await profile(t.app, b.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, b.refresh_token)).statusCode, 401);
    assert.equal((await profile(t.app, a.access_token)).statusCode, 200);
  });
});
