import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKeySet, decodeJwtUnverified, type Jwk, verifyJwt } from '@tessera/jwt';
import { bearer, errorBody, json, openTestApp, signIn, type TestApp } from './helpers/http.js';
import {
  addClient,
  assertion,
  assertionParams,
  basic,
  clientAuth,
  postForm,
  type TestClient,
  type TokenResponse,
} from './helpers/oauth.js';

const ISSUER = 'https://auth.example.com';

describe('POST /oauth/token', () => {
  let t: TestApp;
  let billing: TestClient;
  let poster: TestClient;
  let keyed: TestClient;
  let refresher: TestClient;
  before(async () => {
    t = await openTestApp({ config: { issuer: ISSUER, audience: 'api' } });
    billing = await addClient(t.service, { scopes: ['invoices:read', 'invoices:write'] });
    poster = await addClient(t.service, { authMethod: 'client_secret_post', scopes: ['reports:read'] });
    keyed = await addClient(t.service, { authMethod: 'private_key_jwt', scopes: ['jobs:run'] });
    refresher = await addClient(t.service, { grantTypes: ['refresh_token'] });
  });
  after(() => t.cleanup());

  const token = (params: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
    postForm(t.app, '/oauth/token', params, headers);
  const asBilling = (params: Record<string, string>) =>
    token(
      { grant_type: 'client_credentials', ...params },
      { authorization: basic(billing.id, billing.secret!) },
    );

  it('client_credentials: an RFC 9068 token for the client, with the scopes it asked for', async () => {
    const res = await asBilling({ scope: 'invoices:read' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.pragma, 'no-cache');
    const body = json<TokenResponse>(res);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
    assert.deepEqual([body.token_type, body.expires_in, body.scope], ['Bearer', 600, 'invoices:read']);
    const jwks = json<{ keys: Jwk[] }>(await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }));
    const { header, payload } = verifyJwt(body.access_token, createKeySet(jwks), {
      algorithms: ['EdDSA'],
      issuer: ISSUER,
      audience: 'api',
      typ: 'at+jwt',
      now: new Date(t.clock.now()),
    });
    assert.equal(header.typ, 'at+jwt');
    assert.deepEqual(Object.keys(payload).sort(), [
      'aud',
      'client_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'scope',
      'sub',
    ]);
    assert.deepEqual(
      [payload.sub, payload.client_id, payload.scope],
      [billing.id, billing.id, 'invoices:read'],
    );
    assert.equal((payload.exp as number) - (payload.iat as number), 600);
  });

  it('client_credentials: no scope parameter grants every allowed scope; an unknown one is invalid_scope', async () => {
    assert.equal(json(await asBilling({})).scope, 'invoices:read invoices:write');
    for (const scope of ['invoices:delete', 'invoices:read admin', 'bad"scope']) {
      const res = await asBilling({ scope });
      assert.equal(res.statusCode, 400, scope);
      assert.equal(errorBody(res).error, 'invalid_scope');
    }
    // A client without scopes gets a token without a scope claim.
    const bare = await addClient(t.service);
    const res = await token(
      { grant_type: 'client_credentials' },
      { authorization: basic(bare.id, bare.secret!) },
    );
    assert.equal(res.statusCode, 200);
    assert.equal(json(res).scope, undefined);
    assert.equal(decodeJwtUnverified(json<TokenResponse>(res).access_token).payload.scope, undefined);
  });

  it('authenticates with client_secret_post and private_key_jwt too', async () => {
    const { params } = clientAuth(poster, 'client_secret_post');
    const post = await token({ grant_type: 'client_credentials', ...params });
    assert.equal(post.statusCode, 200, post.body);
    assert.equal(json(post).scope, 'reports:read');
    const jwt = assertion(keyed, ISSUER, t.clock.now());
    const keyedRes = await token({
      grant_type: 'client_credentials',
      client_id: keyed.id,
      ...assertionParams(jwt),
    });
    assert.equal(keyedRes.statusCode, 200, keyedRes.body);
    assert.equal(decodeJwtUnverified(json<TokenResponse>(keyedRes).access_token).payload.client_id, keyed.id);
    const replay = await token({ grant_type: 'client_credentials', ...assertionParams(jwt) });
    assert.equal(replay.statusCode, 401);
    assert.equal(errorBody(replay).error, 'invalid_client');
  });

  it('invalid_client is a 401 with a Basic challenge, whatever went wrong', async () => {
    const attempts = [
      { authorization: basic(billing.id, 'wrong') },
      { authorization: basic('no-such-client', 'x') },
      { authorization: basic(poster.id, poster.secret!) }, // registered for client_secret_post
      { authorization: 'Basic !!!' },
      { authorization: `Bearer ${'a'.repeat(43)}` },
      {},
    ];
    for (const headers of attempts) {
      const res = await token({ grant_type: 'client_credentials' }, headers);
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.equal(res.headers['www-authenticate'], 'Basic realm="tessera"');
      assert.equal(errorBody(res).error, 'invalid_client');
    }
    const wrongPost = await token({
      grant_type: 'client_credentials',
      client_id: poster.id,
      client_secret: 'wrong',
    });
    assert.equal(wrongPost.statusCode, 401);
    assert.ok(!wrongPost.body.includes(poster.id), 'the description names no client');
  });

  it('invalid_request: missing grant_type, repeated or oversized parameters, two methods at once', async () => {
    const auth = { authorization: basic(billing.id, billing.secret!) };
    const cases: [Record<string, string | string[]>, Record<string, string>][] = [
      [{}, auth],
      [{ grant_type: ['client_credentials', 'client_credentials'] }, auth],
      [{ grant_type: 'client_credentials', scope: 'x'.repeat(5000) }, auth],
      [{ grant_type: 'client_credentials', client_id: billing.id, client_secret: billing.secret! }, auth],
      [{ grant_type: 'client_credentials', client_id: 'someone-else' }, auth],
      [{ grant_type: 'client_credentials', client_secret: poster.secret! }, {}],
      [
        {
          grant_type: 'client_credentials',
          client_assertion_type: assertionParams('x').client_assertion_type!,
        },
        {},
      ],
    ];
    for (const [params, headers] of cases) {
      const res = await token(params, headers);
      assert.equal(res.statusCode, 400, JSON.stringify(params));
      assert.equal(errorBody(res).error, 'invalid_request', JSON.stringify(params));
    }
  });

  it('takes only form bodies of at most 16 KiB', async () => {
    const jsonBody = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { authorization: basic(billing.id, billing.secret!) },
      payload: { grant_type: 'client_credentials' },
    });
    assert.equal(jsonBody.statusCode, 415);
    assert.equal(errorBody(jsonBody).error, 'invalid_request');
    const huge = await token({ grant_type: 'client_credentials', padding: 'x'.repeat(17 * 1024) });
    assert.equal(huge.statusCode, 413);
    const empty = await t.app.inject({ method: 'POST', url: '/oauth/token' });
    assert.equal(empty.statusCode, 400);
  });

  it('unsupported_grant_type and unauthorized_client', async () => {
    for (const grant of ['password', 'authorization_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer']) {
      const res = await asBilling({ grant_type: grant });
      assert.equal(res.statusCode, 400);
      assert.equal(errorBody(res).error, 'unsupported_grant_type', grant);
    }
    const refresh = await asBilling({ grant_type: 'refresh_token', refresh_token: 'A'.repeat(43) });
    assert.equal(errorBody(refresh).error, 'unauthorized_client');
    const cc = await token(
      { grant_type: 'client_credentials' },
      { authorization: basic(refresher.id, refresher.secret!) },
    );
    assert.equal(errorBody(cc).error, 'unauthorized_client');
    const publicCc = await token({ grant_type: 'client_credentials', client_id: 'tessera' });
    assert.equal(errorBody(publicCc).error, 'unauthorized_client');
  });

  it('refresh_token: the first-party app refreshes with client_id tessera, by the same rotation as /auth/refresh', async () => {
    const user = await signIn(t, 'ada@example.com');
    const first = await token({
      grant_type: 'refresh_token',
      refresh_token: user.refresh_token,
      client_id: 'tessera',
    });
    assert.equal(first.statusCode, 200, first.body);
    const body = json<TokenResponse>(first);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type']);
    assert.notEqual(body.refresh_token, user.refresh_token);
    const claims = decodeJwtUnverified(body.access_token).payload;
    assert.deepEqual([claims.client_id, claims.sid], ['tessera', user.session_id]);
    // Within the grace window the same successor comes back, as at /auth/refresh.
    const retry = await token({
      grant_type: 'refresh_token',
      refresh_token: user.refresh_token,
      client_id: 'tessera',
    });
    assert.equal(json<TokenResponse>(retry).refresh_token, body.refresh_token);
    // A registered client with the refresh_token grant acts for the first-party app.
    const viaBackend = await token(
      { grant_type: 'refresh_token', refresh_token: body.refresh_token },
      { authorization: basic(refresher.id, refresher.secret!) },
    );
    assert.equal(viaBackend.statusCode, 200, viaBackend.body);
    // After the grace window, the old token is theft: invalid_grant, and the session is revoked.
    t.clock.advance(60_000);
    const reused = await token({
      grant_type: 'refresh_token',
      refresh_token: user.refresh_token,
      client_id: 'tessera',
    });
    assert.equal(reused.statusCode, 400);
    assert.equal(errorBody(reused).error, 'invalid_grant');
    const me = await t.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: bearer(json<TokenResponse>(viaBackend).access_token),
    });
    assert.equal(me.statusCode, 401);
  });

  it('refresh_token: missing, unknown or scoped refresh requests are refused', async () => {
    const user = await signIn(t, 'bea@example.com');
    const cases: [Record<string, string>, string][] = [
      [{ grant_type: 'refresh_token', client_id: 'tessera' }, 'invalid_request'],
      [{ grant_type: 'refresh_token', client_id: 'tessera', refresh_token: 'A'.repeat(43) }, 'invalid_grant'],
      [{ grant_type: 'refresh_token', client_id: 'tessera', refresh_token: 'not-a-token' }, 'invalid_grant'],
      [
        {
          grant_type: 'refresh_token',
          client_id: 'tessera',
          refresh_token: user.refresh_token,
          scope: 'admin',
        },
        'invalid_scope',
      ],
    ];
    for (const [params, error] of cases) {
      const res = await token(params);
      assert.equal(res.statusCode, 400, JSON.stringify(params));
      assert.equal(errorBody(res).error, error, JSON.stringify(params));
    }
    // A public client other than the first-party one does not exist.
    const stranger = await token({
      grant_type: 'refresh_token',
      client_id: 'mobile',
      refresh_token: user.refresh_token,
    });
    assert.equal(stranger.statusCode, 401);
  });

  it("client tokens can't call the server's own Bearer routes (no session)", async () => {
    const access = json<TokenResponse>(await asBilling({})).access_token;
    const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: bearer(access) });
    assert.equal(me.statusCode, 401);
    assert.equal(errorBody(me).error, 'invalid_token');
  });
});
