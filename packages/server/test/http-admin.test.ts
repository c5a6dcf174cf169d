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
import { revokingWireEntry, type WireEntry } from './helpers/revocation-rule.js';
import { SECOND } from './helpers/service.js';

describe('RBAC', () => {
  let t: TestApp;
  let admin: TokenBody;
  let user: TokenBody;
  let userId: string;
  before(async () => {
    t = await openTestApp();
    admin = await signIn(t, 'root@example.com', { roles: ['admin', 'user'] });
    user = await signIn(t, 'ada@example.com');
    userId = decodeJwtUnverified(user.access_token).payload.sub!;
  });
  after(() => t.cleanup());

  const adminRoutes = (id: string) =>
    [
      { method: 'GET', url: '/admin/users' },
      { method: 'PATCH', url: `/admin/users/${id}`, payload: { roles: ['admin'] } },
      { method: 'POST', url: `/admin/users/${id}/revoke-sessions` },
      { method: 'GET', url: '/admin/audit' },
      { method: 'GET', url: '/admin/keys' },
      { method: 'POST', url: '/admin/keys/rotate' },
      { method: 'POST', url: '/admin/keys/no-such-kid/revoke' },
      { method: 'POST', url: '/admin/revoke-all' },
    ] as const;

  it('admin routes: 401 without a token, 403 insufficient_scope for a plain user', async () => {
    for (const route of adminRoutes(userId)) {
      const anonymous = await t.app.inject(route);
      assert.equal(anonymous.statusCode, 401, `${route.method} ${route.url}`);
      const plain = await t.app.inject({ ...route, headers: bearer(user.access_token) });
      assert.equal(plain.statusCode, 403, `${route.method} ${route.url}`);
      assert.equal(errorBody(plain).error, 'insufficient_scope');
      assert.match(String(plain.headers['www-authenticate']), /error="insufficient_scope"/);
    }
    // Nothing changed.
    const stored = await t.store.users.findById(userId);
    assert.deepEqual(stored?.roles, ['user']);
    assert.equal((await profile(t.app, user.access_token)).statusCode, 200);
  });

  it('DELETE /demo/users/:id: 403 insufficient_scope for a user, 204 for an admin', async () => {
    const plain = await t.app.inject({
      method: 'DELETE',
      url: `/demo/users/${userId}`,
      headers: bearer(user.access_token),
    });
    assert.equal(plain.statusCode, 403);
    assert.equal(errorBody(plain).error, 'insufficient_scope');
    const allowed = await t.app.inject({
      method: 'DELETE',
      url: `/demo/users/${userId}`,
      headers: bearer(admin.access_token),
    });
    assert.equal(allowed.statusCode, 204);
  });

  it('GET /demo/profile: any valid token', async () => {
    const res = await profile(t.app, user.access_token);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), { sub: userId, sid: user.session_id, roles: ['user'], permissions: [] });
    assert.equal((await t.app.inject({ method: 'GET', url: '/demo/profile' })).statusCode, 401);
  });

  it('GET /admin/users pages by email and never shows a password hash', async () => {
    const first = await t.app.inject({
      method: 'GET',
      url: '/admin/users?limit=1',
      headers: bearer(admin.access_token),
    });
    assert.equal(first.statusCode, 200);
    const page = json<{ users: Record<string, unknown>[]; next: string | null }>(first);
    assert.equal(page.users.length, 1);
    assert.equal(page.next, 'ada@example.com');
    assert.deepEqual(Object.keys(page.users[0]!).sort(), [
      'blocked',
      'created_at',
      'email',
      'id',
      'permissions',
      'roles',
    ]);
    const second = await t.app.inject({
      method: 'GET',
      url: `/admin/users?limit=1&after=${encodeURIComponent(page.next!)}`,
      headers: bearer(admin.access_token),
    });
    assert.equal(json<{ users: { email: string }[] }>(second).users[0]?.email, 'root@example.com');
    assert.ok(!first.body.includes('argon2') && !second.body.includes('argon2'));
  });
});

describe('PATCH /admin/users/:id', () => {
  let t: TestApp;
  let admin: TokenBody;
  before(async () => {
    t = await openTestApp();
    admin = await signIn(t, 'root@example.com', { roles: ['admin', 'user'] });
  });
  after(() => t.cleanup());

  it('a role change rejects the old access token at once; a refresh gives the new roles, no new login', async () => {
    const user = await signIn(t, 'ada@example.com');
    const id = decodeJwtUnverified(user.access_token).payload.sub!;
    t.clock.advance(SECOND);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/admin/users/${id}`,
      headers: bearer(admin.access_token),
      payload: { roles: ['user', 'admin'], permissions: ['users:delete'] },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res).roles, ['user', 'admin']);
    assert.deepEqual(json(res).permissions, ['users:delete']);

    assert.equal((await profile(t.app, user.access_token)).statusCode, 401);
    const next = await refresh(t.app, user.refresh_token);
    assert.equal(next.statusCode, 200);
    const tokens = json<TokenBody>(next);
    assert.equal(tokens.session_id, user.session_id, 'same session');
    const me = await profile(t.app, tokens.access_token);
    assert.equal(me.statusCode, 200);
    assert.deepEqual(json(me).roles, ['user', 'admin']);
    assert.deepEqual(json(me).permissions, ['users:delete']);
    // The new rights work right away.
    const del = await t.app.inject({
      method: 'DELETE',
      url: '/demo/users/x',
      headers: bearer(tokens.access_token),
    });
    assert.equal(del.statusCode, 204);

    // Lowering the role again takes the right away just as fast.
    t.clock.advance(SECOND);
    await t.app.inject({
      method: 'PATCH',
      url: `/admin/users/${id}`,
      headers: bearer(admin.access_token),
      payload: { roles: ['user'] },
    });
    const denied = await t.app.inject({
      method: 'DELETE',
      url: '/demo/users/x',
      headers: bearer(tokens.access_token),
    });
    assert.equal(denied.statusCode, 401);
    const lowered = json<TokenBody>(await refresh(t.app, tokens.refresh_token));
    const forbidden = await t.app.inject({
      method: 'DELETE',
      url: '/demo/users/x',
      headers: bearer(lowered.access_token),
    });
    assert.equal(forbidden.statusCode, 403);

    const feed = json<{ revoked: WireEntry[] }>(
      await t.app.inject({ method: 'GET', url: '/auth/revocations' }),
    );
    const entry = revokingWireEntry(feed.revoked, tokens.access_token);
    assert.ok(entry !== undefined && 'sub' in entry && entry.sub === id, 'a per-user entry revokes it');
    const audit = json<{ events: { type: string; userId: string; details: Record<string, unknown> }[] }>(
      await t.app.inject({
        method: 'GET',
        url: `/admin/audit?type=access-changed&user_id=${id}`,
        headers: bearer(admin.access_token),
      }),
    );
    assert.equal(audit.events.length, 2);
    assert.equal(audit.events[0]?.details.by, decodeJwtUnverified(admin.access_token).payload.sub);
  });

  it('blocked: true revokes every session; login answers 403; blocked: false lets the user back in', async () => {
    const user = await signIn(t, 'blocked@example.com');
    const id = decodeJwtUnverified(user.access_token).payload.sub!;
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/admin/users/${id}`,
      headers: bearer(admin.access_token),
      payload: { blocked: true },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(json(res).blocked, true);
    assert.equal((await profile(t.app, user.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, user.refresh_token)).statusCode, 401);
    const denied = await login(t.app, 'blocked@example.com');
    assert.equal(denied.statusCode, 403);
    assert.equal(errorBody(denied).error, 'access_denied');

    await t.app.inject({
      method: 'PATCH',
      url: `/admin/users/${id}`,
      headers: bearer(admin.access_token),
      payload: { blocked: false },
    });
    assert.equal((await login(t.app, 'blocked@example.com')).statusCode, 200);
  });

  it('404 for an unknown user; 400 for an empty or unknown change', async () => {
    const unknown = await t.app.inject({
      method: 'PATCH',
      url: '/admin/users/no-such-user',
      headers: bearer(admin.access_token),
      payload: { roles: ['user'] },
    });
    assert.equal(unknown.statusCode, 404);
    for (const payload of [
      {},
      { email: 'x@example.com' },
      { roles: 'admin' },
      { roles: [''] },
      { blocked: 'yes' },
    ]) {
      const res = await t.app.inject({
        method: 'PATCH',
        url: '/admin/users/no-such-user',
        headers: bearer(admin.access_token),
        payload,
      });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorBody(res).error, 'invalid_request');
    }
  });

  it('POST /admin/users/:id/revoke-sessions: 204 and the sessions are gone; 404 for nobody', async () => {
    const user = await signIn(t, 'revoke@example.com');
    const id = decodeJwtUnverified(user.access_token).payload.sub!;
    const res = await t.app.inject({
      method: 'POST',
      url: `/admin/users/${id}/revoke-sessions`,
      headers: bearer(admin.access_token),
    });
    assert.equal(res.statusCode, 204);
    assert.equal((await profile(t.app, user.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, user.refresh_token)).statusCode, 401);
    const none = await t.app.inject({
      method: 'POST',
      url: '/admin/users/nobody/revoke-sessions',
      headers: bearer(admin.access_token),
    });
    assert.equal(none.statusCode, 404);
  });

  it('GET /admin/audit pages newest first', async () => {
    const all = json<{ events: { id: number; at: string; type: string }[] }>(
      await t.app.inject({ method: 'GET', url: '/admin/audit', headers: bearer(admin.access_token) }),
    );
    assert.ok(all.events.length > 3);
    const ids = all.events.map((e) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    assert.ok(!Number.isNaN(Date.parse(all.events[0]!.at)));
    const page = json<{ events: { id: number }[]; next: number | null }>(
      await t.app.inject({ method: 'GET', url: '/admin/audit?limit=2', headers: bearer(admin.access_token) }),
    );
    assert.deepEqual(
      page.events.map((e) => e.id),
      ids.slice(0, 2),
    );
    assert.equal(page.next, ids[1]);
    const more = json<{ events: { id: number }[] }>(
      await t.app.inject({
        method: 'GET',
        url: `/admin/audit?limit=2&before=${page.next}`,
        headers: bearer(admin.access_token),
      }),
    );
    assert.deepEqual(
      more.events.map((e) => e.id),
      ids.slice(2, 4),
    );
  });
});

describe('admin keys', () => {
  let t: TestApp;
  let admin: TokenBody;
  before(async () => {
    t = await openTestApp();
    admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
  });
  after(() => t.cleanup());

  it('POST /admin/keys/rotate publishes the next key first; { immediate: true } switches at once; both audited', async () => {
    const jwks = async () =>
      json<{ keys: { kid: string }[] }>(
        await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }),
      ).keys.map((k) => k.kid);
    const [firstKid] = await jwks();
    t.clock.advance(SECOND);
    const scheduled = await t.app.inject({
      method: 'POST',
      url: '/admin/keys/rotate',
      headers: bearer(admin.access_token),
    });
    assert.equal(scheduled.statusCode, 200);
    const next = json<{ kid: string; activates_at: string; alg: string }>(scheduled);
    assert.equal(next.alg, 'EdDSA');
    assert.ok(Date.parse(next.activates_at) > t.clock.now());
    assert.deepEqual(await jwks(), [firstKid, next.kid]);
    // Still signing with the first key.
    const before = await signIn(t, 'ada@example.com');
    assert.equal(decodeJwtUnverified(before.access_token).header.kid, firstKid);

    t.clock.advance(SECOND);
    const now = await t.app.inject({
      method: 'POST',
      url: '/admin/keys/rotate',
      headers: bearer(admin.access_token),
      payload: { immediate: true },
    });
    assert.equal(now.statusCode, 200);
    const immediate = json<{ kid: string }>(now);
    const after1 = await signIn(t, 'ada@example.com');
    assert.equal(decodeJwtUnverified(after1.access_token).header.kid, immediate.kid);
    assert.ok((await jwks()).includes(firstKid!));
    assert.equal((await profile(t.app, before.access_token)).statusCode, 200, 'old tokens still verify');

    const keys = json<{ keys: { kid: string }[] }>(
      await t.app.inject({ method: 'GET', url: '/admin/keys', headers: bearer(admin.access_token) }),
    );
    assert.deepEqual(
      keys.keys.map((k) => k.kid),
      [firstKid, next.kid, immediate.kid],
    );
    const audit = json<{
      events: { userId: string; details: { kid: string; immediate: boolean; by: string } }[];
    }>(
      await t.app.inject({
        method: 'GET',
        url: '/admin/audit?type=key-rotated',
        headers: bearer(admin.access_token),
      }),
    );
    const adminId = decodeJwtUnverified(admin.access_token).payload.sub;
    assert.deepEqual(
      audit.events.map(({ userId, details: { kid, immediate, by } }) => ({ userId, kid, immediate, by })),
      [
        { userId: adminId, kid: immediate.kid, immediate: true, by: adminId },
        { userId: adminId, kid: next.kid, immediate: false, by: adminId },
      ],
    );
  });
});

describe('admin key revocation and revoke-all', () => {
  let t: TestApp;
  let admin: TokenBody;
  let adminId: string;
  before(async () => {
    t = await openTestApp();
    admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
    adminId = decodeJwtUnverified(admin.access_token).payload.sub!;
  });
  after(() => t.cleanup());

  const post = (url: string, payload?: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: bearer(admin.access_token),
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const jwksKids = async () =>
    json<{ keys: { kid: string }[] }>(
      await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }),
    ).keys.map((k) => k.kid);
  const auditRows = async (type: string) =>
    json<{ events: { userId: string; ip: string | null; details: Record<string, unknown> }[] }>(
      await t.app.inject({
        method: 'GET',
        url: `/admin/audit?type=${type}`,
        headers: bearer(admin.access_token),
      }),
    ).events;

  it('POST /admin/keys/:kid/revoke: 404 not_found for an unknown kid, 400 for a body member; nothing audited', async () => {
    const unknown = await post('/admin/keys/no-such-kid/revoke');
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(errorBody(unknown), { error: 'not_found', error_description: 'no such signing key' });
    const [kid] = await jwksKids();
    const typo = await post(`/admin/keys/${kid}/revoke`, { imediate: true });
    assert.equal(typo.statusCode, 400);
    assert.deepEqual(await jwksKids(), [kid]);
    assert.deepEqual(await auditRows('key-revoked'), []);
  });

  it('revoking the signing key: a new key signs, the old one leaves the JWKS, its tokens are refused at once; idempotent; audited', async () => {
    const user = await signIn(t, 'ada@example.com');
    const [oldKid] = await jwksKids();
    t.clock.advance(SECOND);
    const res = await post(`/admin/keys/${oldKid}/revoke`);
    assert.equal(res.statusCode, 200, res.body);
    const body = json<{
      kid: string;
      already_revoked: boolean;
      revoked_until: string;
      replacement: { kid: string; activates_at: string };
    }>(res);
    assert.equal(body.kid, oldKid);
    assert.equal(body.already_revoked, false);
    assert.ok(Date.parse(body.revoked_until) > t.clock.now());
    assert.equal(Date.parse(body.replacement.activates_at), t.clock.now());
    assert.deepEqual(await jwksKids(), [body.replacement.kid]);
    assert.equal(res.headers['cache-control'], 'no-store');

    // Every token of the old key is refused, the admin's own included; refreshing gets a new key's token.
    for (const token of [user.access_token, admin.access_token]) {
      const refused = await profile(t.app, token);
      assert.equal(refused.statusCode, 401);
      assert.equal(errorBody(refused).error, 'invalid_token');
    }
    const refreshed = json<TokenBody>(await refresh(t.app, admin.refresh_token));
    admin = refreshed;
    assert.equal(decodeJwtUnverified(admin.access_token).header.kid, body.replacement.kid);
    assert.equal((await profile(t.app, admin.access_token)).statusCode, 200);

    const again = await post(`/admin/keys/${oldKid}/revoke`);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(json(again), { kid: oldKid, already_revoked: true });
    assert.deepEqual(await jwksKids(), [body.replacement.kid]);

    const rows = await auditRows('key-revoked');
    assert.deepEqual(
      rows.map((r) => [r.userId, r.details.kid, r.details.replacedBy, r.details.by]),
      [[adminId, oldKid, body.replacement.kid, adminId]],
    );
    assert.ok(rows[0]?.ip);
  });

  it('POST /admin/revoke-all: every access token issued until now is refused, sessions stay; audited', async () => {
    const user = await signIn(t, 'bea@example.com');
    t.clock.advance(SECOND);
    const res = await post('/admin/revoke-all', {});
    assert.equal(res.statusCode, 200, res.body);
    const body = json<{ revoked_before: string; revoked_until: string }>(res);
    assert.ok(Date.parse(body.revoked_before) > t.clock.now());
    assert.ok(Date.parse(body.revoked_until) > Date.parse(body.revoked_before));
    assert.equal((await profile(t.app, user.access_token)).statusCode, 401);
    assert.equal((await profile(t.app, admin.access_token)).statusCode, 401);
    const refreshed = json<TokenBody>(await refresh(t.app, user.refresh_token));
    assert.equal((await profile(t.app, refreshed.access_token)).statusCode, 200);
    admin = json<TokenBody>(await refresh(t.app, admin.refresh_token));
    assert.equal((await post('/admin/revoke-all', { all: true })).statusCode, 400);
    const rows = await auditRows('revoked-all');
    assert.deepEqual(
      rows.map((r) => [r.userId, r.details.by, r.details.before]),
      [[adminId, adminId, Date.parse(body.revoked_before) / 1000]],
    );
  });
});
