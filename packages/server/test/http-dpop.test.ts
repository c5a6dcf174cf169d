import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createDpopProof,
  decodeJwtUnverified,
  exportJwk,
  generateKeyPair,
  jwkThumbprint,
  type Key,
} from '@tessera/jwt';
import { DpopProofs } from '../src/service/index.js';
import { errorBody, json, openTestApp, type TestApp, type TokenBody } from './helpers/http.js';
import { addClient, basic, postForm, type TestClient, type TokenResponse } from './helpers/oauth.js';

const ISSUER = 'https://auth.example.com';
const PASSWORD = 'correct horse battery staple';

/** A DPoP key pair and its thumbprint. */
function dpopKey(alg: 'ES256' | 'EdDSA' = 'ES256') {
  const { privateKey, publicKey } = generateKeyPair(alg);
  return { privateKey, jkt: jwkThumbprint(exportJwk(publicKey)) };
}

describe('DPoP at the server (RFC 9449)', () => {
  let t: TestApp;
  let billing: TestClient;
  const key = dpopKey();
  const other = dpopKey('EdDSA');
  before(async () => {
    t = await openTestApp({ config: { issuer: ISSUER, audience: 'api' } });
    billing = await addClient(t.service, { scopes: ['invoices:read'] });
    await t.service.accounts.register('ada@example.com', PASSWORD);
  });
  after(() => t.cleanup());

  const proof = (
    privateKey: Key,
    htm: string,
    path: string,
    extra: { accessToken?: string; nonce?: string; iatOffset?: number } = {},
  ) =>
    createDpopProof(privateKey, {
      htm,
      htu: `${ISSUER}${path}`,
      now: new Date(t.clock.now() + (extra.iatOffset ?? 0) * 1000),
      ...(extra.accessToken === undefined ? {} : { accessToken: extra.accessToken }),
      ...(extra.nonce === undefined ? {} : { nonce: extra.nonce }),
    });
  const grant = (headers: Record<string, string> = {}) =>
    postForm(
      t.app,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(billing.id, billing.secret as string), ...headers },
    );
  const login = (headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'ada@example.com', password: PASSWORD },
      headers,
    });
  const refresh = (refreshToken: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken }, headers });
  const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/auth/me', headers });

  it('metadata lists dpop_signing_alg_values_supported', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    assert.deepEqual(json(res).dpop_signing_alg_values_supported, ['ES256', 'EdDSA', 'PS256', 'RS256']);
  });

  it('client_credentials with a proof: token_type DPoP and cnf.jkt; without one: Bearer, no cnf', async () => {
    const res = await grant({ dpop: proof(key.privateKey, 'POST', '/oauth/token') });
    assert.equal(res.statusCode, 200, res.body);
    const body = json<TokenResponse>(res);
    assert.equal(body.token_type, 'DPoP');
    assert.deepEqual(decodeJwtUnverified(body.access_token).payload.cnf, { jkt: key.jkt });
    const plain = json<TokenResponse>(await grant());
    assert.equal(plain.token_type, 'Bearer');
    assert.equal(decodeJwtUnverified(plain.access_token).payload.cnf, undefined);
  });

  it('introspection of a bound token: token_type DPoP and cnf', async () => {
    const token = json<TokenResponse>(await grant({ dpop: proof(key.privateKey, 'POST', '/oauth/token') }));
    const res = await postForm(
      t.app,
      '/oauth/introspect',
      { token: token.access_token },
      { authorization: basic(billing.id, billing.secret as string) },
    );
    const body = json(res);
    assert.equal(body.active, true);
    assert.equal(body.token_type, 'DPoP');
    assert.deepEqual(body.cnf, { jkt: key.jkt });
  });

  it('the token endpoint refuses a proof for another method or URL, a replayed one and a stale one', async () => {
    const cases: [string, string][] = [
      ['another method', proof(key.privateKey, 'GET', '/oauth/token')],
      ['another URL', proof(key.privateKey, 'POST', '/oauth/introspect')],
      ['stale', proof(key.privateKey, 'POST', '/oauth/token', { iatOffset: -120 })],
      ['future', proof(key.privateKey, 'POST', '/oauth/token', { iatOffset: 120 })],
      ['not a JWS', 'not.a.proof'],
    ];
    for (const [name, dpop] of cases) {
      const res = await grant({ dpop });
      assert.equal(res.statusCode, 400, name);
      assert.equal(errorBody(res).error, 'invalid_dpop_proof', name);
    }
    const once = proof(key.privateKey, 'POST', '/oauth/token');
    assert.equal((await grant({ dpop: once })).statusCode, 200);
    const replay = await grant({ dpop: once });
    assert.equal(replay.statusCode, 400);
    assert.equal(errorBody(replay).error, 'invalid_dpop_proof');
  });

  it('login with a proof binds the session: /auth/me needs DPoP and a proof by that key', async () => {
    const res = await login({ dpop: proof(key.privateKey, 'POST', '/auth/login') });
    assert.equal(res.statusCode, 200, res.body);
    const tokens = json<TokenBody>(res);
    assert.equal(tokens.token_type, 'DPoP');
    assert.deepEqual(decodeJwtUnverified(tokens.access_token).payload.cnf, { jkt: key.jkt });
    const access = tokens.access_token;

    const asBearer = await me({ authorization: `Bearer ${access}` });
    assert.equal(asBearer.statusCode, 401);
    assert.equal(errorBody(asBearer).error, 'invalid_token');

    const noProof = await me({ authorization: `DPoP ${access}` });
    assert.equal(noProof.statusCode, 401);
    assert.equal(errorBody(noProof).error, 'invalid_dpop_proof');
    assert.match(
      String(noProof.headers['www-authenticate']),
      /^DPoP realm="tessera", error="invalid_dpop_proof", algs="/,
    );

    const otherKey = await me({
      authorization: `DPoP ${access}`,
      dpop: proof(other.privateKey, 'GET', '/auth/me', { accessToken: access }),
    });
    assert.equal(otherKey.statusCode, 401);
    assert.equal(errorBody(otherKey).error, 'invalid_dpop_proof');

    const noAth = await me({
      authorization: `DPoP ${access}`,
      dpop: proof(key.privateKey, 'GET', '/auth/me'),
    });
    assert.equal(noAth.statusCode, 401);

    const ok = await me({
      authorization: `DPoP ${access}`,
      dpop: proof(key.privateKey, 'GET', '/auth/me', { accessToken: access }),
    });
    assert.equal(ok.statusCode, 200, ok.body);
  });

  it('a bound session refreshes only with a proof by its key, and a refused refresh spends nothing', async () => {
    const tokens = json<TokenBody>(await login({ dpop: proof(key.privateKey, 'POST', '/auth/login') }));
    const none = await refresh(tokens.refresh_token);
    assert.equal(none.statusCode, 400);
    assert.equal(errorBody(none).error, 'invalid_dpop_proof');
    const wrongKey = await refresh(tokens.refresh_token, {
      dpop: proof(other.privateKey, 'POST', '/auth/refresh'),
    });
    assert.equal(wrongKey.statusCode, 400);
    assert.equal(errorBody(wrongKey).error, 'invalid_dpop_proof');
    // The same through the OAuth token endpoint, as the first-party public client.
    const oauth = await postForm(t.app, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'tessera',
    });
    assert.equal(oauth.statusCode, 400, oauth.body);
    assert.equal(errorBody(oauth).error, 'invalid_dpop_proof');

    const good = await refresh(tokens.refresh_token, {
      dpop: proof(key.privateKey, 'POST', '/auth/refresh'),
    });
    assert.equal(good.statusCode, 200, good.body);
    const next = json<TokenBody>(good);
    assert.equal(next.token_type, 'DPoP');
    assert.notEqual(next.refresh_token, tokens.refresh_token);
    assert.deepEqual(decodeJwtUnverified(next.access_token).payload.cnf, { jkt: key.jkt });

    const viaOauth = await postForm(
      t.app,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: next.refresh_token, client_id: 'tessera' },
      { dpop: proof(key.privateKey, 'POST', '/oauth/token') },
    );
    assert.equal(viaOauth.statusCode, 200, viaOauth.body);
    assert.equal(json<TokenResponse>(viaOauth).token_type, 'DPoP');
  });

  it('an unbound session stays unbound; a refresh with a proof gets a bound access token', async () => {
    const tokens = json<TokenBody>(await login());
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal((await me({ authorization: `Bearer ${tokens.access_token}` })).statusCode, 200);
    const asDpop = await me({
      authorization: `DPoP ${tokens.access_token}`,
      dpop: proof(key.privateKey, 'GET', '/auth/me', { accessToken: tokens.access_token }),
    });
    assert.equal(asDpop.statusCode, 401);
    assert.equal(errorBody(asDpop).error, 'invalid_token');
    const next = json<TokenBody>(
      await refresh(tokens.refresh_token, { dpop: proof(key.privateKey, 'POST', '/auth/refresh') }),
    );
    assert.equal(next.token_type, 'DPoP');
    // The session is still unbound: its next refresh works without a proof.
    assert.equal((await refresh(next.refresh_token)).statusCode, 200);
  });

  it('revoking a client_credentials token and removing a client write a revocation guards learn', async () => {
    const client = await addClient(t.service, { scopes: [] });
    const auth = { authorization: basic(client.id, client.secret as string) };
    const issued = json<TokenResponse>(
      await postForm(t.app, '/oauth/token', { grant_type: 'client_credentials' }, auth),
    );
    const feed = async () =>
      json<{ revoked: { sub?: string }[] }>(await t.app.inject({ method: 'GET', url: '/auth/revocations' }))
        .revoked;
    assert.equal((await feed()).filter((e) => e.sub === client.id).length, 0);
    t.clock.advance(1000);
    const revoked = await postForm(t.app, '/oauth/revoke', { token: issued.access_token }, auth);
    assert.equal(revoked.statusCode, 200);
    assert.equal((await feed()).filter((e) => e.sub === client.id).length, 1);
    t.clock.advance(1000);
    assert.equal(await t.service.clients.remove(client.id), true);
    assert.equal((await feed()).filter((e) => e.sub === client.id).length, 2);
  });
});

describe('DPoP server nonces (dpop.nonce)', () => {
  let t: TestApp;
  let billing: TestClient;
  const key = dpopKey();
  before(async () => {
    t = await openTestApp({ config: { issuer: ISSUER, audience: 'api', dpop: { nonce: true } } });
    billing = await addClient(t.service, { scopes: [] });
    await t.service.accounts.register('ada@example.com', PASSWORD);
  });
  after(() => t.cleanup());

  const proof = (htm: string, path: string, extra: { accessToken?: string; nonce?: string } = {}) =>
    createDpopProof(key.privateKey, {
      htm,
      htu: `${ISSUER}${path}`,
      now: new Date(t.clock.now()),
      ...extra,
    });

  it('the token endpoint answers use_dpop_nonce (400) with DPoP-Nonce; the retry with it works', async () => {
    const auth = { authorization: basic(billing.id, billing.secret as string) };
    const first = await postForm(
      t.app,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { ...auth, dpop: proof('POST', '/oauth/token') },
    );
    assert.equal(first.statusCode, 400);
    assert.equal(errorBody(first).error, 'use_dpop_nonce');
    const nonce = first.headers['dpop-nonce'];
    assert.equal(typeof nonce, 'string');
    const second = await postForm(
      t.app,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { ...auth, dpop: proof('POST', '/oauth/token', { nonce: nonce as string }) },
    );
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(json<TokenResponse>(second).token_type, 'DPoP');
  });

  it('a nonce challenge at refresh spends nothing; /auth/me answers use_dpop_nonce with 401', async () => {
    const nonce = t.service.dpop.nonce() as string;
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'ada@example.com', password: PASSWORD },
      headers: { dpop: proof('POST', '/auth/login', { nonce }) },
    });
    assert.equal(login.statusCode, 200, login.body);
    const tokens = json<TokenBody>(login);
    const challenged = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: tokens.refresh_token },
      headers: { dpop: proof('POST', '/auth/refresh') },
    });
    assert.equal(challenged.statusCode, 400);
    assert.equal(errorBody(challenged).error, 'use_dpop_nonce');
    const retried = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: tokens.refresh_token },
      headers: {
        dpop: proof('POST', '/auth/refresh', { nonce: challenged.headers['dpop-nonce'] as string }),
      },
    });
    assert.equal(retried.statusCode, 200, retried.body);

    const access = json<TokenBody>(retried).access_token;
    const res = await t.app.inject({
      method: 'GET',
      url: '/auth/me',
      headers: { authorization: `DPoP ${access}`, dpop: proof('GET', '/auth/me', { accessToken: access }) },
    });
    assert.equal(res.statusCode, 401);
    assert.equal(errorBody(res).error, 'use_dpop_nonce');
    assert.match(String(res.headers['www-authenticate']), /error="use_dpop_nonce"/);
    assert.equal(typeof res.headers['dpop-nonce'], 'string');
  });

  it('nonces are stateless: another instance with the same KEK makes the same; they expire', () => {
    const policy = t.service.config.dpop;
    const a = new DpopProofs(t.store, t.kek, t.clock, policy, ISSUER);
    const b = new DpopProofs(t.store, t.kek, t.clock, policy, ISSUER);
    const c = new DpopProofs(t.store, Buffer.alloc(32, 7), t.clock, policy, ISSUER);
    assert.equal(a.nonce(), b.nonce());
    assert.notEqual(a.nonce(), c.nonce());
    const before = a.nonce();
    t.clock.advance(11 * 60 * 1000);
    assert.notEqual(a.nonce(), before);
  });
});
