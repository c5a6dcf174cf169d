// docs/security.md R9: logout or password change that doesn't revoke. After logout the refresh token
// and the access token are dead at once; after a password change the old refresh tokens and the
// sessions on other devices are dead at once, and every access token of the user is cut by one
// per-user entry (this device refreshes past it). Access tokens live at most 10 minutes anyway.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { bearer, json, openTestApp, profile, refresh, signIn, type TestApp } from './helpers/http.js';
import { revokingWireEntry, type WireEntry } from './helpers/revocation-rule.js';
import { PASSWORD } from './helpers/service.js';

type Feed = { revoked: WireEntry[] };

describe('R9 logout and password change revoke at once', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.cleanup());

  /** What a guard that follows the feed would decide for this token. */
  async function revokedForGuards(accessToken: string): Promise<boolean> {
    const feed = json<Feed>(await t.app.inject({ method: 'GET', url: '/auth/revocations' }));
    return revokingWireEntry(feed.revoked, accessToken) !== undefined;
  }

  it('access tokens live at most 15 minutes (10 by default)', async () => {
    const tokens = await signIn(t, 'ada@example.com');
    const { iat, exp } = decodeJwtUnverified(tokens.access_token).payload as { iat: number; exp: number };
    assert.equal(exp - iat, 600);
    assert.equal(tokens.expires_in, 600);
  });

  it('logout: the RT and the AT are dead at once, on the server and for guards', async () => {
    const tokens = await signIn(t, 'ada@example.com');
    assert.equal(await revokedForGuards(tokens.access_token), false);
    const out = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: bearer(tokens.access_token),
    });
    assert.equal(out.statusCode, 204);
    assert.equal((await refresh(t.app, tokens.refresh_token)).statusCode, 401);
    assert.equal((await profile(t.app, tokens.access_token)).statusCode, 401);
    assert.equal(await revokedForGuards(tokens.access_token), true);
    // Logging out again is harmless (RFC 7009 style).
    const again = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      payload: { refresh_token: tokens.refresh_token },
    });
    assert.equal(again.statusCode, 204);
  });

  it('password change: old RTs and other devices are dead at once; this device carries on', async () => {
    const laptop = await signIn(t, 'pw@example.com');
    const phone = await signIn(t, 'pw@example.com');
    const tablet = await signIn(t, 'pw@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(laptop.access_token),
      payload: { current_password: PASSWORD, new_password: 'another long password' },
    });
    assert.equal(res.statusCode, 204);
    for (const other of [phone, tablet]) {
      assert.equal((await refresh(t.app, other.refresh_token)).statusCode, 401);
      assert.equal((await profile(t.app, other.access_token)).statusCode, 401);
      assert.equal(await revokedForGuards(other.access_token), true);
    }
    // This device's session lives on: its access token is cut with the user's others, and its
    // next refresh gets one issued after the cutoff.
    assert.equal((await profile(t.app, laptop.access_token)).statusCode, 401);
    assert.equal(await revokedForGuards(laptop.access_token), true);
    const renewed = await refresh(t.app, laptop.refresh_token);
    assert.equal(renewed.statusCode, 200);
    const next = json<{ access_token: string }>(renewed).access_token;
    assert.equal((await profile(t.app, next)).statusCode, 200);
    assert.equal(await revokedForGuards(next), false);
  });

  it('logout-all and an admin block kill every session the same way', async () => {
    const a = await signIn(t, 'many@example.com');
    const b = await signIn(t, 'many@example.com');
    await t.app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(a.access_token) });
    for (const pair of [a, b]) {
      assert.equal((await refresh(t.app, pair.refresh_token)).statusCode, 401);
      assert.equal((await profile(t.app, pair.access_token)).statusCode, 401);
      assert.equal(await revokedForGuards(pair.access_token), true);
    }
    const admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
    const c = await signIn(t, 'many@example.com');
    const id = decodeJwtUnverified(c.access_token).payload.sub!;
    await t.app.inject({
      method: 'PATCH',
      url: `/admin/users/${id}`,
      headers: bearer(admin.access_token),
      payload: { blocked: true },
    });
    assert.equal((await refresh(t.app, c.refresh_token)).statusCode, 401);
    assert.equal((await profile(t.app, c.access_token)).statusCode, 401);
    assert.equal(await revokedForGuards(c.access_token), true);
  });
});
