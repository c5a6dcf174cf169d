import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKeySet, decodeJwtUnverified, type Jwk, verifyJwt } from '@tessera/jwt';
import {
  bearer,
  json,
  login,
  openTestApp,
  refresh,
  register,
  signIn,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';
import { SECOND } from './helpers/service.js';

describe('GET /.well-known/jwks.json', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp({ config: { signingAlg: 'ES256' } });
  });
  after(() => t.cleanup());

  it('serves the public keys with Cache-Control public max-age, never a private member', async () => {
    await t.service.keys.rotate();
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], `public, max-age=${t.config.jwksMaxAgeSeconds}`);
    assert.match(String(res.headers['content-type']), /^application\/jwk-set\+json/);
    const jwks = JSON.parse(res.body) as { keys: Record<string, unknown>[] };
    assert.equal(jwks.keys.length, 2);
    for (const jwk of jwks.keys) {
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'])
        assert.equal(jwk[member], undefined);
      assert.equal(jwk.alg, 'ES256');
      assert.equal(jwk.kty, 'EC');
      assert.equal(typeof jwk.kid, 'string');
    }
  });

  it('verifies the access tokens the server issues, as a guard would', async () => {
    const tokens = await signIn(t, 'ada@example.com');
    const jwks = json<{ keys: Jwk[] }>(await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }));
    const { payload, header } = verifyJwt(tokens.access_token, createKeySet(jwks), {
      algorithms: ['ES256'],
      issuer: t.config.issuer,
      audience: t.config.audience,
      typ: 'at+jwt',
      requiredClaims: ['exp', 'sub', 'sid', 'jti'],
      now: new Date(t.clock.now()),
    });
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.sid, tokens.session_id);
  });

  it('follows a key rotation at once', async () => {
    t.clock.advance(SECOND);
    const record = await t.service.keys.rotate({ immediate: true });
    const jwks = json<{ keys: Jwk[] }>(await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }));
    assert.ok(jwks.keys.some((k) => k.kid === record.kid));
  });
});

describe('GET /.well-known/oauth-authorization-server', () => {
  it('serves RFC 8414 metadata that points at this server and lists only what it accepts', async () => {
    const t = await openTestApp({ config: { issuer: 'https://auth.example.com/' } });
    after(() => t.cleanup());
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    assert.equal(res.statusCode, 200);
    const body = json(res);
    const clientAuth = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
    const algs = [
      'EdDSA',
      'Ed25519',
      'ES256',
      'ES384',
      'ES512',
      'PS256',
      'PS384',
      'PS512',
      'RS256',
      'RS384',
      'RS512',
    ];
    assert.deepEqual(body, {
      issuer: 'https://auth.example.com/',
      jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
      token_endpoint: 'https://auth.example.com/oauth/token',
      revocation_endpoint: 'https://auth.example.com/oauth/revoke',
      introspection_endpoint: 'https://auth.example.com/oauth/introspect',
      response_types_supported: [],
      grant_types_supported: ['client_credentials', 'refresh_token'],
      token_endpoint_auth_methods_supported: [...clientAuth, 'none'],
      token_endpoint_auth_signing_alg_values_supported: algs,
      revocation_endpoint_auth_methods_supported: [...clientAuth, 'none'],
      revocation_endpoint_auth_signing_alg_values_supported: algs,
      introspection_endpoint_auth_methods_supported: clientAuth,
      introspection_endpoint_auth_signing_alg_values_supported: algs,
      dpop_signing_alg_values_supported: ['ES256', 'EdDSA', 'PS256', 'RS256'],
      tessera_refresh_endpoint: 'https://auth.example.com/auth/refresh',
      tessera_revocation_feed: 'https://auth.example.com/auth/revocations',
      tessera_access_token_audience: 'tessera',
    });
  });
});

describe('GET /auth/revocations', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.cleanup());

  it('pages { cursor, revoked: [{ sid, before, expires }] } with ?after=CURSOR and ?limit=', async () => {
    const empty = await t.app.inject({ method: 'GET', url: '/auth/revocations' });
    assert.equal(empty.statusCode, 200);
    assert.equal(empty.headers['cache-control'], 'no-store');
    assert.deepEqual(json(empty), { cursor: 0, revoked: [] });

    const sids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tokens = await signIn(t, 'ada@example.com');
      await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
      sids.push(tokens.session_id);
    }
    type Page = { cursor: number; revoked: { sid: string; before: number; expires: number }[] };
    const all = json<Page>(await t.app.inject({ method: 'GET', url: '/auth/revocations' }));
    assert.deepEqual(
      all.revoked.map((e) => e.sid),
      sids,
    );
    const nowSeconds = Math.floor(t.clock.now() / 1000);
    for (const entry of all.revoked) {
      assert.deepEqual(Object.keys(entry).sort(), ['before', 'expires', 'sid']);
      assert.equal(entry.before, nowSeconds + 1);
      assert.equal(entry.expires, entry.before + 600 + 60);
    }

    const first = json<Page>(await t.app.inject({ method: 'GET', url: '/auth/revocations?limit=2' }));
    assert.deepEqual(
      first.revoked.map((e) => e.sid),
      sids.slice(0, 2),
    );
    const rest = json<Page>(
      await t.app.inject({ method: 'GET', url: `/auth/revocations?after=${first.cursor}` }),
    );
    assert.deepEqual(
      rest.revoked.map((e) => e.sid),
      sids.slice(2),
    );
    assert.equal(rest.cursor, all.cursor);
    const none = json<Page>(
      await t.app.inject({ method: 'GET', url: `/auth/revocations?after=${rest.cursor}` }),
    );
    assert.deepEqual(none, { cursor: rest.cursor, revoked: [] });

    for (const bad of ['after=-1', 'after=abc', 'after=1.5', 'limit=x', `after=${'9'.repeat(40)}`]) {
      const res = await t.app.inject({ method: 'GET', url: `/auth/revocations?${bad}` });
      assert.equal(res.statusCode, 400, bad);
    }
  });

  it('serves every kind of entry: { sid | sub | all: true, before, expires } and { kid, expires }', async () => {
    const fresh = await openTestApp();
    after(() => fresh.cleanup());
    const tokens = await signIn(fresh, 'ada@example.com');
    const sub = decodeJwtUnverified(tokens.access_token).payload.sub!;
    await fresh.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
    const now = fresh.clock.now();
    await fresh.service.revocations.revokeUser(sub, now);
    await fresh.service.revocations.revokeAll(now);
    await fresh.service.revocations.revokeKey('k-1', now);
    const page = json<{ cursor: number; revoked: Record<string, unknown>[] }>(
      await fresh.app.inject({ method: 'GET', url: '/auth/revocations' }),
    );
    const s = Math.floor(now / 1000);
    assert.deepEqual(page.revoked, [
      { sid: tokens.session_id, before: s + 1, expires: s + 661 },
      { sub, before: s + 1, expires: s + 661 },
      { all: true, before: s + 2, expires: s + 662 },
      { kid: 'k-1', expires: s + 661 },
    ]);
  });

  it('leaves out entries whose tokens have all expired', async () => {
    const tokens = await signIn(t, 'ada@example.com');
    await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
    t.clock.advance(12 * 60 * SECOND);
    const page = json<{ revoked: unknown[] }>(
      await t.app.inject({ method: 'GET', url: '/auth/revocations' }),
    );
    assert.deepEqual(page.revoked, []);
  });
});

describe('GET /healthz and GET /metrics', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
    await register(t.app, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('healthz: 200 { status: ok }', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res), { status: 'ok' });
  });

  /** The value of one sample line of the Prometheus text. */
  async function sample(name: string): Promise<number> {
    const res = await t.metricsApp.inject({ method: 'GET', url: '/metrics' });
    const line = res.body.split('\n').find((l) => l.startsWith(`${name} `));
    assert.ok(line, `${name} is exported`);
    return Number(line.slice(name.length + 1));
  }

  it('counts logins, failures, refreshes, reuse, revocations and signing latency', async () => {
    const res = await t.metricsApp.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    for (const name of [
      'tessera_logins_total',
      'tessera_login_failures_total',
      'tessera_refreshes_total',
      'tessera_refresh_reuse_detections_total',
      'tessera_revocations_total',
      'tessera_token_signing_seconds',
    ]) {
      assert.match(res.body, new RegExp(`# TYPE ${name} `));
    }
    const ok = 'tessera_logins_total{outcome="ok"}';
    const bad = 'tessera_logins_total{outcome="invalid-credentials"}';
    const before = {
      ok: await sample(ok),
      bad: await sample(bad),
      failures: await sample('tessera_login_failures_total'),
      rotated: await sample('tessera_refreshes_total{outcome="rotated"}'),
      reused: await sample('tessera_refresh_reuse_detections_total'),
      revocations: await sample('tessera_revocations_total'),
      signed: await sample('tessera_token_signing_seconds_count'),
    };

    const tokens = json<TokenBody>(await login(t.app, 'ada@example.com'));
    await login(t.app, 'ada@example.com', 'wrong password');
    await login(t.app, 'nobody@example.com', 'wrong password');
    await refresh(t.app, tokens.refresh_token);
    t.clock.advance(31 * SECOND);
    assert.equal((await refresh(t.app, tokens.refresh_token)).statusCode, 401);

    assert.equal(await sample(ok), before.ok + 1);
    assert.equal(await sample(bad), before.bad + 2);
    assert.equal(await sample('tessera_login_failures_total'), before.failures + 2);
    assert.equal(await sample('tessera_refreshes_total{outcome="rotated"}'), before.rotated + 1);
    assert.equal(await sample('tessera_refresh_reuse_detections_total'), before.reused + 1);
    assert.equal(await sample('tessera_revocations_total'), before.revocations + 1);
    assert.equal(await sample('tessera_token_signing_seconds_count'), before.signed + 2);
    assert.ok((await sample('tessera_token_signing_seconds_sum')) > 0);
    // No token ever appears in the metrics.
    const text = (await t.metricsApp.inject({ method: 'GET', url: '/metrics' })).body;
    assert.ok(!text.includes(tokens.access_token) && !text.includes(tokens.refresh_token));
    assert.equal(decodeJwtUnverified(tokens.access_token).header.typ, 'at+jwt');
  });
});
