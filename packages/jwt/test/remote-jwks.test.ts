// Remote JWKS against a real loopback node:http server. RemoteKeySet reads its
// clock with Date.now(), so cache ages and cooldowns are tested by mocking only
// Date (node:test mock timers): timers, sockets and AbortSignal.timeout stay real,
// and no test waits on the wall clock except the timeout test (100 ms).
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import {
  createRemoteKeySet,
  createVerifier,
  exportJwk,
  generateKeyPair,
  generateSecret,
  type Key,
  type RemoteKeySet,
  type RemoteKeySetOptions,
  signJwt,
  verifyJwt,
} from '../src/index.js';
import { assertRejects, assertRejectsAsync } from './support/assert.js';
import { b64u, rawSignature } from './support/forge.js';
import { type Handler, json, listen, type TestServer } from './support/server.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const k1 = generateKeyPair('EdDSA', { kid: 'k1' });
const k2 = generateKeyPair('EdDSA', { kid: 'k2' });
const es = generateKeyPair('ES256', { kid: 'es' });

const jwks = (...keys: Key[]) => ({ keys: keys.map((k) => exportJwk(k)) });
const token = (key: Key, claims: Record<string, unknown> = { sub: 'u1' }) =>
  signJwt(claims, key, { expiresIn: '1h', now: NOW });
const t1 = token(k1.privateKey);
const t2 = token(k2.privateKey);

/** Starts a server that the test closes when it ends. */
async function serve(t: TestContext, handler: Handler): Promise<TestServer> {
  const server = await listen(handler);
  t.after(() => server.close());
  return server;
}

/** Freezes Date (only Date) at NOW for this test; `advance(ms)` moves it. */
function freezeDate(t: TestContext): (ms: number) => void {
  t.mock.timers.enable({ apis: ['Date'], now: NOW.getTime() });
  return (ms) => t.mock.timers.tick(ms);
}

function remoteVerifier(server: TestServer, opts: RemoteKeySetOptions = {}, cache = false) {
  const keys = createRemoteKeySet(server.url, opts);
  const verifier = createVerifier({ keys, algorithms: ['EdDSA', 'ES256'], now: NOW, cache });
  return { keys, verifier };
}

/**
 * Runs `trigger` (which must start a background refresh synchronously) and waits for
 * that refresh: reload() joins a fetch under way instead of starting another one.
 */
async function settleBackgroundRefresh(keys: RemoteKeySet, trigger: () => void): Promise<unknown> {
  trigger();
  return keys.reload().then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('fetching and caching', () => {
  test('first fetch: one GET with a JWKS Accept header, then served from cache', async (t) => {
    freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey, es.publicKey)));
    const { keys, verifier } = remoteVerifier(server, { headers: { 'user-agent': 'tessera-test/1' } });
    assert.equal(keys.current(), undefined);
    assert.equal(keys.fresh, false);
    const { payload } = await verifier.verify(t1);
    assert.equal(payload.sub, 'u1');
    assert.equal(server.hits, 1);
    assert.match(String(server.lastHeaders?.accept), /application\/jwk-set\+json/);
    assert.equal(server.lastHeaders?.['user-agent'], 'tessera-test/1');
    assert.equal(keys.fresh, true);
    assert.equal(keys.current()?.keys.length, 2);
    await verifier.verify(t1);
    await verifier.verify(token(es.privateKey));
    verifier.verifySync(t1);
    assert.equal(server.hits, 1);
  });

  test('Cache-Control max-age is honored, then a stale set is refreshed in the background', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey), { 'cache-control': 'public, max-age=120' }));
    const { keys, verifier } = remoteVerifier(server, { cooldownMs: 1000 });
    await verifier.verify(t1);
    advance(119_000);
    verifier.verifySync(t1);
    await verifier.verify(t1);
    assert.equal(server.hits, 1, 'fresh for max-age');
    assert.equal(keys.fresh, true);
    advance(1_000);
    assert.equal(keys.fresh, false);
    const version = keys.version;
    // The stale set still answers synchronously while the refresh runs.
    const err = await settleBackgroundRefresh(keys, () => verifier.verifySync(t1));
    assert.equal(err, undefined);
    assert.equal(server.hits, 2);
    assert.equal(keys.version, version + 1);
    assert.equal(keys.fresh, true);
  });

  test('max-age below the cooldown is raised to it; no-store means the cooldown', async (t) => {
    const advance = freezeDate(t);
    for (const cacheControl of ['max-age=0', 'no-store', 'no-cache, max-age=3600']) {
      const server = await serve(t, json(jwks(k1.publicKey), { 'cache-control': cacheControl }));
      const { keys } = remoteVerifier(server, { cooldownMs: 5000 });
      await keys.reload();
      advance(4_999);
      assert.equal(keys.fresh, true, cacheControl);
      advance(1);
      assert.equal(keys.fresh, false, cacheControl);
      assert.equal(server.hits, 1);
    }
  });

  test('max-age above one day is capped at a day', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey), { 'cache-control': 'max-age=31536000' }));
    const { keys } = remoteVerifier(server);
    await keys.reload();
    advance(24 * 3600 * 1000 - 1);
    assert.equal(keys.fresh, true);
    advance(1);
    assert.equal(keys.fresh, false);
  });

  test('without Cache-Control the default max age is 10 minutes, or cacheMaxAgeMs', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey)));
    const byDefault = remoteVerifier(server);
    const configured = remoteVerifier(server, { cacheMaxAgeMs: 2000, cooldownMs: 1000 });
    await byDefault.verifier.verify(t1);
    await configured.verifier.verify(t1);
    assert.equal(server.hits, 2);
    advance(1_999);
    assert.equal(configured.keys.fresh, true);
    advance(1);
    assert.equal(configured.keys.fresh, false);
    advance(600_000 - 2_001);
    assert.equal(byDefault.keys.fresh, true);
    byDefault.verifier.verifySync(t1);
    assert.equal(server.hits, 2, 'no refresh while fresh');
    advance(1);
    assert.equal(byDefault.keys.fresh, false);
    await settleBackgroundRefresh(byDefault.keys, () => byDefault.verifier.verifySync(t1));
    assert.equal(server.hits, 3);
  });
});

describe('unknown kid, concurrency and rotation', () => {
  test('an unknown kid refetches at most once per cooldown', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey)));
    const { verifier } = remoteVerifier(server, { cooldownMs: 10_000 });
    await verifier.verify(t1);
    assert.equal(server.hits, 1);
    // Within the cooldown of the first fetch: no request at all.
    await assertRejectsAsync(() => verifier.verify(t2), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.hits, 1);
    advance(10_000);
    await assertRejectsAsync(() => verifier.verify(t2), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.hits, 2);
    // A burst of random kids (an attacker forcing refetches) costs nothing more.
    const burst = Array.from({ length: 20 }, (_, i) => {
      const { privateKey } = generateKeyPair('EdDSA', { kid: `random-${i}` });
      return verifier.verify(token(privateKey));
    });
    for (const p of burst) await assertRejectsAsync(() => p, 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.hits, 2);
    advance(9_999);
    await assertRejectsAsync(() => verifier.verify(t2), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.hits, 2);
    advance(1);
    await assertRejectsAsync(() => verifier.verify(t2), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.hits, 3);
    // Known kids keep verifying throughout.
    await verifier.verify(t1);
  });

  test('concurrent verifies with an empty cache make exactly one request', async (t) => {
    freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey, k2.publicKey)));
    const { verifier } = remoteVerifier(server);
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => verifier.verify(i % 2 ? t1 : t2)));
    assert.equal(results.length, 25);
    for (const r of results) assert.equal(r.payload.sub, 'u1');
    assert.equal(server.hits, 1);
  });

  test('concurrent unknown-kid refetches after the cooldown are coalesced too', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey)));
    const { verifier } = remoteVerifier(server, { cooldownMs: 1000 });
    await verifier.verify(t1);
    server.handle(json(jwks(k1.publicKey, k2.publicKey)));
    advance(1000);
    await Promise.all(Array.from({ length: 10 }, () => verifier.verify(t2)));
    assert.equal(server.hits, 2);
  });

  test('key rotation: a new kid verifies after one refetch; a removed key stops verifying', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey)));
    const { keys, verifier } = remoteVerifier(server, { cooldownMs: 5000 }, true);
    await verifier.verify(t1);
    verifier.verify(t1); // now served from the verified-token cache
    server.handle(json(jwks(k2.publicKey)));
    advance(5000);
    const { header } = await verifier.verify(t2);
    assert.equal(header.kid, 'k2');
    assert.equal(server.hits, 2);
    assert.deepEqual(
      keys.current()?.keys.map((k) => k.kid),
      ['k2'],
    );
    // k1 left the set: neither the cache nor the old set may vouch for its tokens now.
    assertRejects(() => verifier.verifySync(t1), 'ERR_JWKS_NO_MATCHING_KEY');
    await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.hits, 2, 'the unknown kid is within the cooldown of the last fetch');
  });

  test('rotation before the cooldown ends is picked up once it ends', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey)));
    const { verifier } = remoteVerifier(server, { cooldownMs: 5000 });
    await verifier.verify(t1);
    server.handle(json(jwks(k1.publicKey, k2.publicKey)));
    await assertRejectsAsync(() => verifier.verify(t2), 'ERR_JWKS_NO_MATCHING_KEY');
    advance(5000);
    await verifier.verify(t2);
    await verifier.verify(t1);
    assert.equal(server.hits, 2);
  });
});

describe('failures', () => {
  test('the last good set keeps serving while the server answers 500, then while it is down', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey), { 'cache-control': 'max-age=60' }));
    const { keys, verifier } = remoteVerifier(server, { cooldownMs: 1000 });
    await verifier.verify(t1);
    server.handle(json({ error: 'boom' }, {}, 500));
    advance(60_000);
    const err = await settleBackgroundRefresh(keys, () => verifier.verifySync(t1));
    assert.equal((err as { code?: string }).code, 'ERR_JWKS_FETCH_FAILED');
    assert.equal(server.hits, 2);
    assert.equal((await verifier.verify(t1)).payload.sub, 'u1');
    assert.equal(keys.fresh, false);
    // An unknown kid while the issuer fails: no key, not a fetch error (the set is known).
    advance(1000);
    await assertRejectsAsync(() => verifier.verify(t2), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.hits, 3);
    await server.close();
    advance(1000);
    const down = await settleBackgroundRefresh(keys, () => verifier.verifySync(t1));
    assert.equal((down as { code?: string }).code, 'ERR_JWKS_FETCH_FAILED');
    assert.equal((await verifier.verify(t1)).payload.sub, 'u1');
    verifier.verifySync(t1);
  });

  test('a failing first fetch rejects with a typed error and is retried after a second, not before', async (t) => {
    const advance = freezeDate(t);
    const server = await serve(t, json('nope', {}, 503));
    const { verifier } = remoteVerifier(server);
    await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_FETCH_FAILED');
    await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_FETCH_FAILED');
    assert.equal(server.hits, 1);
    server.handle(json(jwks(k1.publicKey)));
    advance(1000);
    await verifier.verify(t1);
    assert.equal(server.hits, 2);
  });

  test('a closed port fails the first fetch with ERR_JWKS_FETCH_FAILED', async (t) => {
    const server = await serve(t, json(jwks(k1.publicKey)));
    await server.close();
    const { verifier } = remoteVerifier(server);
    await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_FETCH_FAILED');
  });

  for (const status of [301, 302, 303, 307, 308]) {
    test(`redirects are not followed (${status})`, async (t) => {
      const target = await serve(t, json(jwks(k1.publicKey)));
      const redirector = await serve(t, (_req, res) => {
        res.writeHead(status, { location: target.url });
        res.end();
      });
      const { verifier } = remoteVerifier(redirector);
      await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_FETCH_FAILED');
      assert.equal(redirector.hits, 1);
      assert.equal(target.hits, 0);
    });
  }

  test('a server that never answers times out with ERR_JWKS_TIMEOUT', async (t) => {
    const silent = await serve(t, () => {}); // keeps the request open
    const { verifier } = remoteVerifier(silent, { timeoutMs: 100 });
    await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_TIMEOUT');
    assert.equal(silent.hits, 1);
  });

  test('a body that stalls after the headers times out with ERR_JWKS_TIMEOUT', async (t) => {
    const stalling = await serve(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
    });
    const { verifier } = remoteVerifier(stalling, { timeoutMs: 100 });
    await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_TIMEOUT');
  });

  test('responses over maxResponseBytes are refused, with or without Content-Length', async (t) => {
    const padding = 'x'.repeat(10_000);
    const body = JSON.stringify({ ...jwks(k1.publicKey), padding });
    const declared = await serve(t, json(body));
    const chunked = await serve(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < body.length; i += 1000) res.write(body.slice(i, i + 1000));
      res.end();
    });
    for (const server of [declared, chunked]) {
      const { verifier } = remoteVerifier(server, { maxResponseBytes: 4096 });
      await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_FETCH_FAILED');
    }
    // The same body under the cap is fine: the refusal is about size.
    const { verifier } = remoteVerifier(declared, { maxResponseBytes: 64 * 1024 });
    await verifier.verify(t1);
  });
});

describe('unsafe or malformed sets are refused', () => {
  const secret = generateSecret('HS256', { kid: 'mac' });
  const cases: [string, unknown][] = [
    [
      'a private EC key among public keys',
      { keys: [exportJwk(k1.publicKey), exportJwk(es.privateKey, { private: true })] },
    ],
    ['a private OKP key', { keys: [exportJwk(k1.privateKey, { private: true })] }],
    [
      'an oct key mixed with public keys',
      { keys: [exportJwk(k1.publicKey), exportJwk(secret, { private: true })] },
    ],
    ['an oct key alone', { keys: [exportJwk(secret, { private: true })] }],
    ['a duplicate kid', { keys: [exportJwk(k1.publicKey), { ...exportJwk(k2.publicKey), kid: 'k1' }] }],
    ['no keys array', { keys: {} }],
    ['a JSON array', [exportJwk(k1.publicKey)]],
    ['not JSON', '{"keys":['],
    ['a duplicate member', `{"keys":[],"keys":${JSON.stringify([exportJwk(k1.publicKey)])}}`],
    ['an off-curve EC key', { keys: [{ ...exportJwk(es.publicKey), y: exportJwk(k1.publicKey).x }] }],
  ];
  for (const [name, body] of cases) {
    test(`${name}: ERR_JWKS_INVALID, and nothing verifies`, async (t) => {
      const server = await serve(t, json(body));
      const { keys, verifier } = remoteVerifier(server);
      await assertRejectsAsync(() => verifier.verify(t1), 'ERR_JWKS_INVALID');
      assert.equal(keys.current(), undefined);
    });
  }

  test('encryption keys are skipped, signature keys in the same set still work', async (t) => {
    const enc = { ...exportJwk(k2.publicKey), use: 'enc' };
    const server = await serve(t, json({ keys: [exportJwk(k1.publicKey), enc] }));
    const { keys, verifier } = remoteVerifier(server);
    await verifier.verify(t1);
    assert.deepEqual(
      keys.current()?.keys.map((k) => k.kid),
      ['k1'],
    );
    await assertRejectsAsync(() => verifier.verify(t2), 'ERR_JWKS_NO_MATCHING_KEY');
  });
});

describe('createVerifier with a RemoteKeySet', () => {
  test('verify is async (always a promise), verifySync needs fetched keys', async (t) => {
    freezeDate(t);
    const server = await serve(t, json(jwks(k1.publicKey)));
    const { verifier } = remoteVerifier(server);
    assertRejects(() => verifier.verifySync(t1), 'ERR_JWKS_NO_MATCHING_KEY');
    assert.equal(server.hits, 0, 'verifySync never fetches');
    const pending = verifier.verify(t1);
    assert.ok(pending instanceof Promise);
    await pending;
    const again = verifier.verify(t1);
    assert.ok(again instanceof Promise, 'a promise even when the key is cached');
    assert.equal((await again).payload.sub, 'u1');
    const sync = verifier.verifySync(t1);
    assert.equal(sync.payload.sub, 'u1');
    // Failures are rejections, never synchronous throws.
    const bad = verifier.verify('not.a.token');
    assert.ok(bad instanceof Promise);
    await assertRejectsAsync(() => bad, 'ERR_JWS_INVALID');
    // The signature's first character changed: always a different, canonical signature.
    const at = t1.lastIndexOf('.') + 1;
    const forged = `${t1.slice(0, at)}${t1[at] === 'A' ? 'B' : 'A'}${t1.slice(at + 1)}`;
    await assertRejectsAsync(() => verifier.verify(forged), 'ERR_JWS_INVALID_SIGNATURE');
    assertRejects(() => verifier.verifySync(forged), 'ERR_JWS_INVALID_SIGNATURE');
    // Claim checks apply on the remote path too.
    const expired = signJwt({ sub: 'u1' }, k1.privateKey, {
      expiresIn: 1,
      now: new Date(NOW.getTime() - 10_000),
    });
    await assertRejectsAsync(() => verifier.verify(expired), 'ERR_JWT_EXPIRED');
    assert.equal(server.hits, 1);
  });

  test('verifyJwt refuses a RemoteKeySet (it is synchronous)', async (t) => {
    const server = await serve(t, json(jwks(k1.publicKey)));
    const keys = createRemoteKeySet(server.url);
    assertRejects(
      () => verifyJwt(t1, keys as never, { algorithms: ['EdDSA'], now: NOW }),
      'ERR_INVALID_OPTIONS',
    );
    assert.equal(server.hits, 0);
  });

  test('tokens whose header is refused trigger no request', async (t) => {
    const server = await serve(t, json(jwks(k1.publicKey)));
    const elsewhere = await serve(t, json(jwks(k2.publicKey)));
    const { verifier } = remoteVerifier(server);
    const hs = generateSecret('HS256');
    const payload = b64u(JSON.stringify({ sub: 'u1', exp: NOW.getTime() / 1000 + 60 }));
    const forged = (header: Record<string, unknown>, key: Key) => {
      const input = `${b64u(JSON.stringify(header))}.${payload}`;
      return `${input}.${rawSignature(input, key)}`;
    };
    // alg outside the allow-list, and a crit extension: refused before any key lookup.
    await assertRejectsAsync(
      () => verifier.verify(forged({ alg: 'HS256', kid: 'k1' }, hs)),
      'ERR_JWS_ALG_NOT_ALLOWED',
    );
    await assertRejectsAsync(
      () => verifier.verify(forged({ alg: 'EdDSA', kid: 'k1', crit: ['x'], x: 1 }, k1.privateKey)),
      'ERR_JWS_UNSUPPORTED',
    );
    await assertRejectsAsync(() => verifier.verify('garbage'), 'ERR_JWS_INVALID');
    assert.equal(server.hits, 0);
    // jku / x5u in the header are never followed; the configured URL is the only one fetched.
    await assertRejectsAsync(
      () =>
        verifier.verify(
          forged({ alg: 'EdDSA', kid: 'k2', jku: elsewhere.url, x5u: elsewhere.url }, k2.privateKey),
        ),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    assert.equal(elsewhere.hits, 0);
    assert.equal(server.hits, 1);
  });

  test('bad URLs and options are refused at construction', () => {
    for (const url of [
      'not a url',
      'file:///etc/passwd',
      'ftp://example.com/jwks',
      'https://user:pass@example.com/jwks',
    ]) {
      assertRejects(() => createRemoteKeySet(url), 'ERR_INVALID_OPTIONS', { message: url });
    }
    for (const opts of [
      { timeoutMs: 0 },
      { maxResponseBytes: -1 },
      { cooldownMs: Number.NaN },
      { cacheMaxAgeMs: Infinity },
      { cooldown: 1000 } as never,
      { headers: { 'bad name': 'x' } },
      { headers: { 'x-key': 'line\nbreak' } },
      { headers: { 'x-key': 5 } } as never,
    ]) {
      assertRejects(() => createRemoteKeySet('https://issuer.example.com/jwks', opts), 'ERR_INVALID_OPTIONS');
    }
    const keys = createRemoteKeySet('https://issuer.example.com/jwks');
    assertRejects(() => createVerifier({ keys, algorithms: [] }), 'ERR_INVALID_OPTIONS');
    assertRejects(
      () => createVerifier({ keys, algorithms: ['EdDSA'], cache: { entries: 5 } as never }),
      'ERR_INVALID_OPTIONS',
    );
  });
});
