// docs/security.md D1–D13: DPoP attacks against the server itself, over HTTP: the token endpoint
// (/oauth/token), login and refresh (/auth/login, /auth/refresh) and the server's own Bearer routes
// (/auth/me). The same attacks against @tessera/guard are packages/guard/test/dpop-attacks.test.ts.
import assert from 'node:assert/strict';
import { createHmac, randomUUID, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  accessTokenHash,
  createDpopProof,
  exportJwk,
  generateKeyPair,
  type Jwk,
  jwkThumbprint,
  type Key,
} from '@tessera/jwt';
import { DpopProofs } from '../src/service/index.js';
import { errorBody, json, openTestApp, type TestApp, type TokenBody } from './helpers/http.js';
import { addClient, basic, postForm, type TestClient } from './helpers/oauth.js';
import { PASSWORD } from './helpers/service.js';

const ISSUER = 'https://auth.example.com';
const holder = generateKeyPair('ES256');
const holderJwk = exportJwk(holder.publicKey) as Jwk;
const thief = generateKeyPair('ES256');

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

describe('D1–D13 DPoP attacks on the server', () => {
  let t: TestApp;
  let client: TestClient;
  before(async () => {
    t = await openTestApp({ config: { issuer: ISSUER, audience: 'api' } });
    client = await addClient(t.service, { scopes: [] });
    await t.service.accounts.register('ada@example.com', PASSWORD);
  });
  after(() => t.cleanup());

  const proof = (
    path: string,
    opts: { htm?: string; key?: Key; token?: string; iatOffset?: number; htu?: string } = {},
  ) =>
    createDpopProof(opts.key ?? holder.privateKey, {
      htm: opts.htm ?? 'POST',
      htu: opts.htu ?? `${ISSUER}${path}`,
      now: new Date(t.clock.now() + (opts.iatOffset ?? 0) * 1000),
      ...(opts.token === undefined ? {} : { accessToken: opts.token }),
    });
  /** A proof with a hand-made header, signed as told: what no library would produce. */
  const forged = (header: Record<string, unknown>, signWith: 'none' | 'HS256' | 'ES256') => {
    const input = `${b64(JSON.stringify(header))}.${b64(
      JSON.stringify({
        jti: randomUUID(),
        htm: 'POST',
        htu: `${ISSUER}/oauth/token`,
        iat: Math.floor(t.clock.now() / 1000),
      }),
    )}`;
    if (signWith === 'none') return `${input}.`;
    const signature =
      signWith === 'HS256'
        ? createHmac('sha256', Buffer.alloc(32, 1)).update(input).digest()
        : sign('sha256', Buffer.from(input), { key: holder.privateKey.keyObject, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64(signature)}`;
  };
  const grant = (dpop?: string | string[]) =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(client.id, client.secret as string),
        ...(dpop === undefined ? {} : { dpop }),
      },
      payload: 'grant_type=client_credentials',
    });
  const login = async (dpop?: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'ada@example.com', password: PASSWORD },
      headers: dpop === undefined ? {} : { dpop },
    });
    assert.equal(res.statusCode, 200, res.body);
    return json<TokenBody>(res);
  };
  const refresh = (refreshToken: string, dpop?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: refreshToken },
      headers: dpop === undefined ? {} : { dpop },
    });
  const me = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/auth/me', headers });
  const refused = (
    res: { statusCode: number; body: string },
    status: number,
    error: string,
    what: string,
  ) => {
    assert.equal(res.statusCode, status, `${what}: ${res.body}`);
    assert.equal(errorBody(res as never).error, error, what);
  };

  it('D1: a bound access token without a proof, and a bound refresh token without one, are refused', async () => {
    const tokens = await login(proof('/auth/login'));
    refused(await me({ authorization: `DPoP ${tokens.access_token}` }), 401, 'invalid_dpop_proof', 'me');
    refused(await refresh(tokens.refresh_token), 400, 'invalid_dpop_proof', 'refresh');
  });

  it('D2: a bound access token sent as Bearer is refused, and it logs nobody out', async () => {
    const tokens = await login(proof('/auth/login'));
    const res = await me({ authorization: `Bearer ${tokens.access_token}` });
    refused(res, 401, 'invalid_token', 'me as Bearer');
    const logout = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(logout.statusCode, 401);
    const ok = await me({
      authorization: `DPoP ${tokens.access_token}`,
      dpop: proof('/auth/me', { htm: 'GET', token: tokens.access_token }),
    });
    assert.equal(ok.statusCode, 200, 'the session is still alive');
  });

  it('D3: a proof for another method, path, host or scheme is refused at the token endpoint', async () => {
    const cases: [string, string][] = [
      ['GET', proof('/oauth/token', { htm: 'GET' })],
      ['path', proof('/oauth/introspect')],
      ['host', proof('/oauth/token', { htu: 'https://evil.example.com/oauth/token' })],
      ['scheme', proof('/oauth/token', { htu: 'http://auth.example.com/oauth/token' })],
      ['port', proof('/oauth/token', { htu: 'https://auth.example.com:8443/oauth/token' })],
    ];
    for (const [what, dpop] of cases) refused(await grant(dpop), 400, 'invalid_dpop_proof', what);
  });

  it('D4: a proof by another key: a stolen bound refresh token and a stolen access token are worthless', async () => {
    const tokens = await login(proof('/auth/login'));
    refused(
      await refresh(tokens.refresh_token, proof('/auth/refresh', { key: thief.privateKey })),
      400,
      'invalid_dpop_proof',
      'refresh',
    );
    refused(
      await me({
        authorization: `DPoP ${tokens.access_token}`,
        dpop: proof('/auth/me', { htm: 'GET', key: thief.privateKey, token: tokens.access_token }),
      }),
      401,
      'invalid_dpop_proof',
      'me',
    );
  });

  it('D5: a replayed proof is refused, also by another instance on the same store', async () => {
    const once = proof('/oauth/token');
    assert.equal((await grant(once)).statusCode, 200);
    refused(await grant(once), 400, 'invalid_dpop_proof', 'same instance');
    const other = new DpopProofs(t.store, t.kek, t.clock, t.service.config.dpop, ISSUER);
    const second = proof('/oauth/token');
    assert.equal((await grant(second)).statusCode, 200);
    const check = await other.check(second, { method: 'POST', path: '/oauth/token' });
    assert.deepEqual(check, {
      status: 'error',
      error: 'invalid_dpop_proof',
      description: 'the DPoP proof was used before',
    });
  });

  it('D6: a stale or a future iat is refused', async () => {
    refused(await grant(proof('/oauth/token', { iatOffset: -120 })), 400, 'invalid_dpop_proof', 'stale');
    refused(await grant(proof('/oauth/token', { iatOffset: 120 })), 400, 'invalid_dpop_proof', 'future');
  });

  it('D7: a proof for another access token (wrong ath) or without ath is refused at /auth/me', async () => {
    const a = await login(proof('/auth/login'));
    const b = await login(proof('/auth/login'));
    refused(
      await me({
        authorization: `DPoP ${a.access_token}`,
        dpop: proof('/auth/me', { htm: 'GET', token: b.access_token }),
      }),
      401,
      'invalid_dpop_proof',
      'ath of b',
    );
    refused(
      await me({ authorization: `DPoP ${a.access_token}`, dpop: proof('/auth/me', { htm: 'GET' }) }),
      401,
      'invalid_dpop_proof',
      'no ath',
    );
    assert.notEqual(accessTokenHash(a.access_token), accessTokenHash(b.access_token));
  });

  it('D8: alg none and HS256 proofs are refused', async () => {
    refused(
      await grant(forged({ typ: 'dpop+jwt', alg: 'none', jwk: holderJwk }, 'none')),
      400,
      'invalid_dpop_proof',
      'none',
    );
    const oct = { kty: 'oct', k: b64(Buffer.alloc(32, 1)) };
    refused(
      await grant(forged({ typ: 'dpop+jwt', alg: 'HS256', jwk: oct }, 'HS256')),
      400,
      'invalid_dpop_proof',
      'HS256',
    );
  });

  it('D9: a proof embedding the private key in its jwk is refused (the same forge with the public jwk passes)', async () => {
    const privateJwk = exportJwk(holder.privateKey, { private: true });
    refused(
      await grant(forged({ typ: 'dpop+jwt', alg: 'ES256', jwk: privateJwk }, 'ES256')),
      400,
      'invalid_dpop_proof',
      'private jwk',
    );
    const res = await grant(forged({ typ: 'dpop+jwt', alg: 'ES256', jwk: holderJwk }, 'ES256'));
    assert.equal(res.statusCode, 200, res.body);
  });

  it('D10: a 10 KB proof is refused before any parsing; two DPoP headers are refused', async () => {
    const huge = `${b64(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: holderJwk }))}.${'A'.repeat(10 * 1024)}.AAAA`;
    refused(await grant(huge), 400, 'invalid_dpop_proof', '10 KB');
    refused(await grant([proof('/oauth/token'), proof('/oauth/token')]), 400, 'invalid_dpop_proof', 'two');
  });

  it('D11: an unbound access token sent as DPoP is refused; a typ other than dpop+jwt too', async () => {
    const plain = await login();
    refused(
      await me({
        authorization: `DPoP ${plain.access_token}`,
        dpop: proof('/auth/me', { htm: 'GET', token: plain.access_token }),
      }),
      401,
      'invalid_token',
      'unbound as DPoP',
    );
    refused(
      await grant(forged({ typ: 'JWT', alg: 'ES256', jwk: holderJwk }, 'ES256')),
      400,
      'invalid_dpop_proof',
      'typ',
    );
  });

  it('D12: a thief with a bound refresh token cannot burn it: nothing is spent, no reuse alarm, the owner refreshes', async () => {
    const tokens = await login(proof('/auth/login'));
    for (const dpop of [undefined, proof('/auth/refresh', { key: thief.privateKey })]) {
      refused(await refresh(tokens.refresh_token, dpop), 400, 'invalid_dpop_proof', 'thief');
    }
    const owner = await refresh(tokens.refresh_token, proof('/auth/refresh'));
    assert.equal(owner.statusCode, 200, owner.body);
    const session = await t.store.sessions.find(tokens.session_id);
    assert.equal(session?.revokedAt, null);
    assert.equal(session?.dpopJkt, jwkThumbprint(holderJwk));
  });
});

describe('D13 DPoP nonces: missing, stale or forged', () => {
  let t: TestApp;
  let client: TestClient;
  before(async () => {
    t = await openTestApp({ config: { issuer: ISSUER, audience: 'api', dpop: { nonce: true } } });
    client = await addClient(t.service, { scopes: [] });
  });
  after(() => t.cleanup());

  const grant = (nonce?: string) =>
    postForm(
      t.app,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      {
        authorization: basic(client.id, client.secret as string),
        dpop: createDpopProof(holder.privateKey, {
          htm: 'POST',
          htu: `${ISSUER}/oauth/token`,
          now: new Date(t.clock.now()),
          ...(nonce === undefined ? {} : { nonce }),
        }),
      },
    );

  it('D13: without a nonce, with a forged one or one from 11 minutes ago: use_dpop_nonce; the current one works', async () => {
    const first = await grant();
    assert.equal(first.statusCode, 400);
    assert.equal(errorBody(first).error, 'use_dpop_nonce');
    const nonce = first.headers['dpop-nonce'] as string;
    assert.equal((await grant('A'.repeat(43))).statusCode, 400);
    assert.equal((await grant(nonce)).statusCode, 200);
    t.clock.advance(5 * 60 * 1000);
    assert.equal((await grant(nonce)).statusCode, 200, 'the previous slice is still accepted');
    t.clock.advance(6 * 60 * 1000);
    const stale = await grant(nonce);
    assert.equal(stale.statusCode, 400);
    assert.equal(errorBody(stale).error, 'use_dpop_nonce');
    assert.notEqual(stale.headers['dpop-nonce'], nonce);
  });
});
