import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { bearer, errorBody, json, openTestApp, refresh, signIn, type TestApp } from './helpers/http.js';
import { addClient, basic, postForm, type TestClient, type TokenResponse } from './helpers/oauth.js';

const ISSUER = 'https://auth.example.com';

describe('POST /oauth/introspect and /oauth/revoke', () => {
  let t: TestApp;
  let billing: TestClient;
  let other: TestClient;
  let resource: TestClient;
  before(async () => {
    t = await openTestApp({ config: { issuer: ISSUER, audience: 'api' } });
    billing = await addClient(t.service, { scopes: ['invoices:read', 'invoices:write'] });
    other = await addClient(t.service, { scopes: ['x'] });
    resource = await addClient(t.service, { scopes: [] });
  });
  after(() => t.cleanup());

  const as = (client: TestClient) => ({ authorization: basic(client.id, client.secret!) });
  const clientToken = async (client: TestClient, scope?: string) => {
    const res = await postForm(
      t.app,
      '/oauth/token',
      { grant_type: 'client_credentials', ...(scope === undefined ? {} : { scope }) },
      as(client),
    );
    assert.equal(res.statusCode, 200, res.body);
    return json<TokenResponse>(res).access_token;
  };
  const introspect = async (token: string, by: TestClient = resource) => {
    const res = await postForm(t.app, '/oauth/introspect', { token }, as(by));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    return json(res);
  };
  const revoke = (token: string, headers: Record<string, string>, params: Record<string, string> = {}) =>
    postForm(t.app, '/oauth/revoke', { token, ...params }, headers);

  it("introspects a client's access token: active, with scope, client_id, sub, exp, iat, jti, iss, aud", async () => {
    const access = await clientToken(billing, 'invoices:read');
    const claims = decodeJwtUnverified(access).payload;
    assert.deepEqual(await introspect(access), {
      active: true,
      token_type: 'Bearer',
      client_id: billing.id,
      sub: billing.id,
      iss: ISSUER,
      aud: 'api',
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      scope: 'invoices:read',
    });
  });

  it("introspects a user's access and refresh tokens, with the session id", async () => {
    const user = await signIn(t, 'ada@example.com');
    const claims = decodeJwtUnverified(user.access_token).payload;
    assert.deepEqual(await introspect(user.access_token), {
      active: true,
      token_type: 'Bearer',
      client_id: 'tessera',
      sub: claims.sub,
      iss: ISSUER,
      aud: 'api',
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
      sid: user.session_id,
    });
    const refreshFacts = await introspect(user.refresh_token);
    assert.deepEqual(
      { ...refreshFacts, exp: undefined, iat: undefined },
      {
        active: true,
        token_type: 'refresh_token',
        client_id: 'tessera',
        sub: claims.sub,
        iss: ISSUER,
        sid: user.session_id,
        exp: undefined,
        iat: undefined,
      },
    );
    assert.equal(refreshFacts.exp, Math.floor(t.clock.now() / 1000) + 14 * 24 * 3600);
    // Once rotated, the old refresh token is inactive and the new one active.
    const next = json<TokenResponse>(await refresh(t.app, user.refresh_token));
    assert.deepEqual(await introspect(user.refresh_token), { active: false });
    assert.equal((await introspect(next.refresh_token)).active, true);
  });

  it('answers exactly { active: false } for unknown, malformed, expired and logged-out tokens', async () => {
    const user = await signIn(t, 'bea@example.com');
    const access = await clientToken(billing);
    const tampered = `${access.slice(0, -3)}${access.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    for (const token of ['A'.repeat(43), 'not-a-token', 'a.b.c', tampered]) {
      assert.deepEqual(await introspect(token), { active: false }, token);
    }
    await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(user.access_token) });
    assert.deepEqual(await introspect(user.access_token), { active: false });
    assert.deepEqual(await introspect(user.refresh_token), { active: false });
    t.clock.advance(601_000);
    assert.deepEqual(await introspect(access), { active: false });
  });

  it('needs a confidential client: the public first-party client and no credentials get 401', async () => {
    const access = await clientToken(billing);
    for (const [params, headers] of [
      [{ token: access, client_id: 'tessera' }, {}],
      [{ token: access }, {}],
      [{ token: access }, { authorization: basic(billing.id, 'wrong') }],
    ] as const) {
      const res = await postForm(t.app, '/oauth/introspect', params, headers);
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers['www-authenticate'], 'Basic realm="tessera"');
      assert.equal(errorBody(res).error, 'invalid_client');
    }
    const noToken = await postForm(t.app, '/oauth/introspect', {}, as(billing));
    assert.equal(noToken.statusCode, 400);
  });

  it("revokes a client's access token (RFC 7009): 200 with no body, then inactive", async () => {
    const access = await clientToken(billing);
    const res = await revoke(access, as(billing), { token_type_hint: 'access_token' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.deepEqual(await introspect(access), { active: false });
    // Other tokens of the same client stay active.
    assert.equal((await introspect(await clientToken(billing))).active, true);
    const [event] = await t.store.audit.list({ limit: 1, type: 'access-token-revoked' });
    assert.equal(event?.details.clientId, billing.id);
  });

  it('answers 200 for unknown or malformed tokens, and refuses tokens of another client', async () => {
    for (const token of ['A'.repeat(43), 'garbage', 'a.b.c']) {
      assert.equal((await revoke(token, as(billing))).statusCode, 200, token);
    }
    const access = await clientToken(billing);
    const foreign = await revoke(access, as(other));
    assert.equal(foreign.statusCode, 400);
    assert.equal(errorBody(foreign).error, 'unauthorized_client');
    assert.equal((await introspect(access)).active, true);
    const user = await signIn(t, 'cy@example.com');
    for (const token of [user.access_token, user.refresh_token]) {
      const res = await revoke(token, as(billing));
      assert.equal(errorBody(res).error, 'unauthorized_client');
    }
    assert.equal((await introspect(user.refresh_token)).active, true);
    assert.equal((await revoke('x', {})).statusCode, 401);
  });

  it("revoking a user's refresh token ends the session; an access token, only the session's current access tokens", async () => {
    const user = await signIn(t, 'dee@example.com');
    const res = await revoke(
      user.access_token,
      {},
      { client_id: 'tessera', token_type_hint: 'access_token' },
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(await introspect(user.access_token), { active: false });
    const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user.access_token) });
    assert.equal(me.statusCode, 401);
    // The session stays: its refresh token still works and gives a live access token.
    const next = json<TokenResponse>(await refresh(t.app, user.refresh_token));
    assert.equal((await introspect(next.access_token)).active, true);
    // The refresh token kills the session, and every access token of it.
    assert.equal((await revoke(next.refresh_token, {}, { client_id: 'tessera' })).statusCode, 200);
    assert.deepEqual(await introspect(next.refresh_token), { active: false });
    assert.deepEqual(await introspect(next.access_token), { active: false });
    assert.equal((await refresh(t.app, next.refresh_token)).statusCode, 401);
  });

  it('a removed client can no longer authenticate, and its tokens are inactive', async () => {
    const temporary = await addClient(t.service, { scopes: ['a'] });
    const access = await clientToken(temporary);
    assert.equal(await t.service.clients.remove(temporary.id), true);
    assert.deepEqual(await introspect(access), { active: false });
    const res = await postForm(t.app, '/oauth/token', { grant_type: 'client_credentials' }, as(temporary));
    assert.equal(res.statusCode, 401);
  });
});
