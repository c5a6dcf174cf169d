// H8: a signing key leaks. Rotating (`keys rotate --now`) is not enough: the leaked key stays in
// the JWKS until its tokens would have expired, so tokens forged with it verify everywhere for
// that long. Revoking the key (`tessera keys revoke KID`, `POST /admin/keys/:kid/revoke`) takes it
// out of the JWKS at once and for good, makes the server refuse every token it signed at once
// (Bearer routes and introspection; other instances within a second), and writes a key entry to
// the revocation feed for guards with a cached JWKS (packages/guard/test/e2e-key-revocation.test.ts
// proves a real guard refuses the token within one feed interval).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import {
  bearer,
  errorBody,
  json,
  openTestApp,
  profile,
  refresh,
  signIn,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';
import { addClient, basic, postForm, type TestClient, type TokenResponse } from './helpers/oauth.js';
import { SECOND, type TestService } from './helpers/service.js';

const kidOf = (token: string) => decodeJwtUnverified(token).header.kid!;

describe('H8 a compromised signing key is revoked', () => {
  let t: TestApp;
  let admin: TokenBody;
  let user: TokenBody;
  let billing: TestClient;
  let resource: TestClient;
  /** A second instance on the same database, started before the revocation. */
  let other: TestService;
  before(async () => {
    t = await openTestApp();
    admin = await signIn(t, 'root@example.com', { roles: ['admin'] });
    user = await signIn(t, 'ada@example.com');
    billing = await addClient(t.service, { scopes: ['invoices:read'] });
    resource = await addClient(t.service, { scopes: [] });
    other = await t.reopen();
    await other.service.revocations.cutoffs.sync();
  });
  after(async () => {
    await other.close();
    await t.cleanup();
  });

  const as = (client: TestClient) => ({ authorization: basic(client.id, client.secret!) });
  const clientToken = async () => {
    const res = await postForm(t.app, '/oauth/token', { grant_type: 'client_credentials' }, as(billing));
    assert.equal(res.statusCode, 200, res.body);
    return json<TokenResponse>(res).access_token;
  };
  const active = async (token: string) =>
    json<{ active: boolean }>(await postForm(t.app, '/oauth/introspect', { token }, as(resource))).active;
  const jwksKids = async () =>
    json<{ keys: { kid: string }[] }>(
      await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }),
    ).keys.map((k) => k.kid);
  const adminPost = (url: string, payload?: Record<string, unknown>) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: bearer(admin.access_token),
      ...(payload === undefined ? {} : { payload }),
    });

  let leakedKid = '';
  let userToken = '';
  let serviceToken = '';

  it('after an immediate rotation the old key still verifies: its tokens pass (the gap H8 closes)', async () => {
    userToken = user.access_token;
    serviceToken = await clientToken();
    leakedKid = kidOf(userToken);
    assert.equal(kidOf(serviceToken), leakedKid);
    t.clock.advance(SECOND);
    const rotated = await adminPost('/admin/keys/rotate', { immediate: true });
    assert.equal(rotated.statusCode, 200, rotated.body);
    admin = json<TokenBody>(await refresh(t.app, admin.refresh_token));
    assert.notEqual(kidOf(admin.access_token), leakedKid);
    assert.ok((await jwksKids()).includes(leakedKid));
    assert.equal((await profile(t.app, userToken)).statusCode, 200);
    assert.equal(await active(userToken), true);
    assert.equal(await active(serviceToken), true);
  });

  it('revoking the old kid: out of the JWKS, every token it signed refused at once (Bearer, introspection)', async () => {
    const res = await adminPost(`/admin/keys/${leakedKid}/revoke`);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      [json(res).kid, json(res).already_revoked, json(res).replacement],
      [leakedKid, false, null],
      'a retired key needs no rotation',
    );
    assert.ok(!(await jwksKids()).includes(leakedKid));
    const refused = await profile(t.app, userToken);
    assert.equal(refused.statusCode, 401);
    assert.equal(errorBody(refused).error, 'invalid_token');
    assert.equal(await active(userToken), false);
    assert.equal(await active(serviceToken), false);
    // The feed tells guards that cached the JWKS.
    const feed = json<{ revoked: Record<string, unknown>[] }>(
      await t.app.inject({ method: 'GET', url: '/auth/revocations?after=0' }),
    ).revoked;
    assert.ok(feed.some((e) => e.kid === leakedKid && typeof e.expires === 'number'));
    // The user's session stays: a refresh gets a token of the current key.
    const fresh = json<TokenBody>(await refresh(t.app, user.refresh_token));
    assert.notEqual(kidOf(fresh.access_token), leakedKid);
    assert.equal((await profile(t.app, fresh.access_token)).statusCode, 200);
  });

  it('another instance refuses the tokens and drops the key at its next sync (every second)', async () => {
    assert.ok(
      other.service.keys.list().some((k) => k.kid === leakedKid),
      'it loaded the key at its start',
    );
    // What its one-second timer runs: catch up with the entries, reload the keys if one was revoked.
    await other.service.revocations.cutoffs.sync();
    assert.equal(await other.service.keys.reloadIfRevoked(), true);
    assert.ok(!other.service.keys.jwks().keys.some((k) => k.kid === leakedKid));
    assert.notEqual((await other.service.sessions.authenticate(userToken)).status, 'ok');
  });

  it('the revoked key never comes back: after a restart and maintenance it is not loaded, published or signing', async () => {
    await t.service.maintain();
    const again = await t.reopen();
    after(() => again.close());
    await again.service.maintain();
    assert.ok(!again.service.keys.jwks().keys.some((k) => k.kid === leakedKid));
    assert.ok(!again.service.keys.status().some((k) => k.kid === leakedKid));
    assert.notEqual(again.service.keys.current().kid, leakedKid);
    const res = await adminPost(`/admin/keys/${leakedKid}/revoke`);
    assert.deepEqual(json(res), { kid: leakedKid, already_revoked: true });
  });

  it('revoking the key that signs now: a fresh key signs at once, signing never stops', async () => {
    const signing = kidOf(admin.access_token);
    const res = await adminPost(`/admin/keys/${signing}/revoke`);
    assert.equal(res.statusCode, 200, res.body);
    const replacement = json<{ replacement: { kid: string } }>(res).replacement.kid;
    assert.notEqual(replacement, signing);
    assert.equal((await profile(t.app, admin.access_token)).statusCode, 401);
    admin = json<TokenBody>(await refresh(t.app, admin.refresh_token));
    assert.equal(kidOf(admin.access_token), replacement);
    assert.equal(kidOf(await clientToken()), replacement);
    assert.deepEqual(await jwksKids(), [replacement]);
  });
});
