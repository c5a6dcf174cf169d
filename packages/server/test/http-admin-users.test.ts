// The operator's account operations of the admin API: show, create, set a password, delete;
// and admin bodies refuse members they don't know.
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
  signIn,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';
import { PASSWORD } from './helpers/service.js';

const NEW_PASSWORD = 'an even better passphrase';

describe('admin account operations', () => {
  let t: TestApp;
  let admin: TokenBody;
  let adminId: string;
  before(async () => {
    t = await openTestApp({ config: { registration: 'closed' } });
    admin = await signIn(t, 'root@example.com', { roles: ['admin', 'user'] });
    adminId = decodeJwtUnverified(admin.access_token).payload.sub!;
  });
  after(() => t.cleanup());

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: bearer(admin.access_token),
      ...(payload === undefined ? {} : { payload }),
    });
  const auditOf = async (type: string, id: string) =>
    json<{ events: { userId: string; details: Record<string, unknown> }[] }>(
      await call('GET', `/admin/audit?type=${type}&user_id=${id}`),
    ).events;

  it('every new route needs role admin: 401 without a token, 403 for a plain user', async () => {
    const user = await signIn(t, 'plain@example.com');
    const id = decodeJwtUnverified(user.access_token).payload.sub!;
    for (const route of [
      { method: 'GET', url: `/admin/users/${id}` },
      { method: 'POST', url: '/admin/users', payload: { email: 'x@example.com', password: PASSWORD } },
      { method: 'PUT', url: `/admin/users/${id}/password`, payload: { password: NEW_PASSWORD } },
      { method: 'DELETE', url: `/admin/users/${id}` },
    ] as const) {
      assert.equal((await t.app.inject(route)).statusCode, 401, `${route.method} ${route.url}`);
      const res = await t.app.inject({ ...route, headers: bearer(user.access_token) });
      assert.equal(res.statusCode, 403, `${route.method} ${route.url}`);
    }
    assert.notEqual(await t.store.users.findById(id), null);
    assert.equal(await t.store.users.findByEmail('x@example.com'), null);
  });

  it('POST /admin/users creates an account while registration is closed; audited with the admin', async () => {
    const closed = await t.app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'new@example.com', password: PASSWORD },
    });
    assert.equal(closed.statusCode, 403);
    const res = await call('POST', '/admin/users', {
      email: 'New@Example.com',
      password: PASSWORD,
      roles: ['editor'],
      permissions: ['posts:write'],
    });
    assert.equal(res.statusCode, 201);
    const created = json<{ id: string; email: string; roles: string[]; permissions: string[] }>(res);
    assert.deepEqual(
      [created.email, created.roles, created.permissions],
      ['new@example.com', ['editor'], ['posts:write']],
    );
    assert.ok(!res.body.includes('argon2') && !res.body.includes(PASSWORD));
    assert.equal((await login(t.app, 'new@example.com')).statusCode, 200);
    const [event] = await auditOf('register', created.id);
    assert.equal(event?.details.by, adminId);

    const plain = json<{ roles: string[] }>(
      await call('POST', '/admin/users', { email: 'r@example.com', password: PASSWORD }),
    );
    assert.deepEqual(plain.roles, ['user'], 'roles default to user');
  });

  it('POST /admin/users: 409 for a taken email, 400 for a bad email, password or member', async () => {
    const dup = await call('POST', '/admin/users', { email: 'NEW@example.com', password: PASSWORD });
    assert.equal(dup.statusCode, 409);
    assert.equal(errorBody(dup).error, 'conflict');
    for (const payload of [
      { email: 'not-an-email', password: PASSWORD },
      { email: 'short@example.com', password: 'short' },
      { email: 'member@example.com', password: PASSWORD, blocked: false },
      { email: 'member@example.com' },
    ]) {
      const res = await call('POST', '/admin/users', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorBody(res).error, 'invalid_request');
      assert.ok(!res.body.includes(PASSWORD));
    }
    assert.equal(await t.store.users.findByEmail('member@example.com'), null);
  });

  it('GET /admin/users/:id shows the account and its live sessions, never a hash; 404 for nobody', async () => {
    const user = await signIn(t, 'shown@example.com');
    const id = decodeJwtUnverified(user.access_token).payload.sub!;
    const res = await call('GET', `/admin/users/${id}`);
    assert.equal(res.statusCode, 200);
    const shown = json<{ email: string; updated_at: string; sessions: { id: string; user_agent: string }[] }>(
      res,
    );
    assert.equal(shown.email, 'shown@example.com');
    assert.ok(!Number.isNaN(Date.parse(shown.updated_at)));
    assert.deepEqual(
      shown.sessions.map((s) => s.id),
      [user.session_id],
    );
    assert.ok(!res.body.includes('argon2') && !res.body.includes(user.refresh_token));
    assert.equal((await call('GET', '/admin/users/nobody')).statusCode, 404);
  });

  it('PUT /admin/users/:id/password sets it and revokes every session of the user at once', async () => {
    const user = await signIn(t, 'forgot@example.com');
    const id = decodeJwtUnverified(user.access_token).payload.sub!;
    const res = await call('PUT', `/admin/users/${id}/password`, { password: NEW_PASSWORD });
    assert.equal(res.statusCode, 204);
    assert.equal((await profile(t.app, user.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, user.refresh_token)).statusCode, 401);
    assert.equal((await login(t.app, 'forgot@example.com')).statusCode, 401);
    assert.equal((await login(t.app, 'forgot@example.com', NEW_PASSWORD)).statusCode, 200);
    const [event] = await auditOf('password-set', id);
    assert.deepEqual(event?.details.by, adminId);
    assert.equal(event?.details.revokedSessions, 1);
    assert.ok(!JSON.stringify(event).includes(NEW_PASSWORD));

    assert.equal(
      (await call('PUT', '/admin/users/nobody/password', { password: NEW_PASSWORD })).statusCode,
      404,
    );
    for (const payload of [
      { password: 'short' },
      { password: NEW_PASSWORD, current_password: PASSWORD },
      {},
    ]) {
      const bad = await call('PUT', `/admin/users/${id}/password`, payload);
      assert.equal(bad.statusCode, 400, JSON.stringify(payload));
    }
    assert.equal((await login(t.app, 'forgot@example.com', NEW_PASSWORD)).statusCode, 200, 'unchanged');
  });

  it('DELETE /admin/users/:id deletes the account with its sessions; its tokens die; the audit row stays', async () => {
    const user = await signIn(t, 'gone@example.com');
    const id = decodeJwtUnverified(user.access_token).payload.sub!;
    const res = await call('DELETE', `/admin/users/${id}`);
    assert.equal(res.statusCode, 204);
    assert.equal((await profile(t.app, user.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, user.refresh_token)).statusCode, 401);
    assert.equal((await login(t.app, 'gone@example.com')).statusCode, 401);
    const feed = json<{ revoked: { sub?: string }[] }>(
      await t.app.inject({ method: 'GET', url: '/auth/revocations' }),
    );
    assert.ok(
      feed.revoked.some((e) => e.sub === id),
      'guards learn of it',
    );
    assert.equal(await t.store.users.findById(id), null);
    assert.equal(await t.store.sessions.find(user.session_id), null);
    const [event] = await auditOf('user-deleted', id);
    assert.deepEqual([event?.userId, event?.details.by, event?.details.revokedSessions], [id, adminId, 1]);
    assert.equal((await call('GET', `/admin/users/${id}`)).statusCode, 404);
    assert.equal((await call('DELETE', `/admin/users/${id}`)).statusCode, 404);
  });

  it('PATCH refuses an unknown member next to known ones: 400 and nothing changes', async () => {
    const user = await signIn(t, 'patched@example.com');
    const id = decodeJwtUnverified(user.access_token).payload.sub!;
    const res = await call('PATCH', `/admin/users/${id}`, { roles: ['admin'], email: 'x@example.com' });
    assert.equal(res.statusCode, 400);
    assert.equal(errorBody(res).error, 'invalid_request');
    assert.deepEqual((await t.store.users.findById(id))?.roles, ['user']);
  });

  it('POST /admin/keys/rotate takes { immediate }, nothing else: a misspelt member is a 400, not a rotation', async () => {
    const kids = async () => (await t.store.keys.list({ now: t.clock.now() })).map((k) => k.kid);
    const before = await kids();
    for (const payload of [{ imediate: true }, { immediate: true, now: true }, { immediate: 'yes' }]) {
      const res = await call('POST', '/admin/keys/rotate', payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
    }
    assert.deepEqual(await kids(), before);
    assert.equal((await call('POST', '/admin/keys/rotate', {})).statusCode, 200);
    assert.equal((await kids()).length, before.length + 1);
  });
});
