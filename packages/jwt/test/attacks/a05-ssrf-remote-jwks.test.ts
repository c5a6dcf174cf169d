// A5: jku/x5u/x5c and issuer-driven discovery (SSRF), unknown-kid refetch
// floods, and the fetch's own bounds (no redirects, timeout, size cap). Real
// loopback listeners count every request; a fetch spy records every URL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  type Alg,
  createRemoteKeySet,
  createVerifier,
  exportJwk,
  type RemoteKeySetOptions,
  signJwt,
  verifyJwt,
} from '../../src/index.js';
import { assertRejects, assertRejectsAsync } from '../support/assert.js';
import { TEST_CERT_PEM } from '../support/fixtures.js';
import { claims, forge } from '../support/forge.js';
import { freshPair, pair, type TestPair } from '../support/keys.js';
import { listen, sendJson, spyOnFetch, type TestServer } from '../support/server.js';

// Remote sets read the real clock (the cache and cooldowns are wall-clock), so
// tokens here are issued at the real current time.
const now = () => new Date();
const OPTS = { algorithms: ['ES256'] as Alg[] };

function tokenFor(p: TestPair, header: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return forge({
    header: { alg: 'ES256', typ: 'JWT', ...header },
    payload: claims({
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 600,
      ...extra,
    }),
    key: p.privateKey.keyObject,
  });
}

/** Lets any request a verify may have started in the background reach the listeners. */
async function settle(): Promise<void> {
  await delay(100);
}

describe('A5: SSRF through token headers and claims, and remote JWKS bounds', () => {
  const trusted = pair('ES256', 'trusted');
  const attacker = freshPair('ES256', 'evil');
  let attackerHost: TestServer;
  let issuer: TestServer;
  let fetches: ReturnType<typeof spyOnFetch>;

  beforeEach(async () => {
    // The attacker's host answers everything with its own JWKS, discovery document and certificate.
    attackerHost = await listen((req, res) => {
      if (req.url?.startsWith('/.well-known/openid-configuration')) {
        sendJson(res, { issuer: attackerHost.origin, jwks_uri: `${attackerHost.origin}/jwks.json` });
      } else if (req.url?.startsWith('/cert')) {
        res.end(TEST_CERT_PEM);
      } else sendJson(res, { keys: [exportJwk(attacker.publicKey)] });
    });
    issuer = await listen((_req, res) => sendJson(res, { keys: [exportJwk(trusted.publicKey)] }));
    fetches = spyOnFetch();
  });

  afterEach(async () => {
    fetches.restore();
    await attackerHost.close();
    await issuer.close();
  });

  function hostileHeadersAndClaims(): [string, Record<string, unknown>, Record<string, unknown>][] {
    const a = attackerHost.origin;
    return [
      ['jku = attacker URL', { jku: `${a}/jwks.json` }, {}],
      [
        'jku = the attacker listener by its localhost name',
        { jku: `${a.replace('127.0.0.1', 'localhost')}/jwks.json` },
        {},
      ],
      ['jku = cloud metadata', { jku: 'http://169.254.169.254/latest/meta-data/iam/' }, {}],
      ['jku = file://', { jku: 'file:///etc/passwd' }, {}],
      ['jku = a redirector', { jku: `${a}/redirect?to=http://169.254.169.254/` }, {}],
      ['x5u = attacker URL', { x5u: `${a}/cert.pem` }, {}],
      ['x5c = attacker certificate', { x5c: [TEST_CERT_PEM.replace(/-----[A-Z ]+-----|\n/g, '')] }, {}],
      [
        'jku, x5u and jwk together',
        { jku: `${a}/jwks.json`, x5u: `${a}/cert.pem`, jwk: exportJwk(attacker.publicKey) },
        {},
      ],
      ['iss = attacker origin (discovery bait)', {}, { iss: a }],
      ['iss = attacker discovery URL', {}, { iss: `${a}/.well-known/openid-configuration` }],
    ];
  }

  it('local key: hostile headers and claims cause no request, signed by the attacker or by the issuer', async () => {
    for (const [label, header, extra] of hostileHeadersAndClaims()) {
      const forged = tokenFor(attacker, { kid: 'evil', ...header }, extra);
      assertRejects(
        () => verifyJwt(forged, trusted.publicKey, { ...OPTS, now: now() }),
        'ERR_JWS_INVALID_SIGNATURE',
        {
          token: forged,
        },
      );
      // Signed by the real issuer, the hostile headers are simply ignored: still no request.
      const genuine = tokenFor(trusted, { kid: 'trusted', ...header }, extra);
      assert.equal(
        verifyJwt(genuine, trusted.publicKey, { ...OPTS, now: now() }).payload.sub,
        'user-1',
        label,
      );
    }
    await settle();
    assert.deepEqual(attackerHost.requests, []);
    assert.deepEqual(fetches.urls, []);
  });

  it('remote set: only the configured JWKS URL is ever fetched, once', async () => {
    const jwksUrl = `${issuer.origin}/jwks.json`;
    const verifier = createVerifier({ keys: createRemoteKeySet(jwksUrl, { cooldownMs: 60_000 }), ...OPTS });
    for (const [label, header, extra] of hostileHeadersAndClaims()) {
      for (const kid of ['evil', 'trusted', randomUUID()]) {
        const forged = tokenFor(attacker, { kid, ...header }, extra);
        const code = kid === 'trusted' ? 'ERR_JWS_INVALID_SIGNATURE' : 'ERR_JWKS_NO_MATCHING_KEY';
        await assertRejectsAsync(() => verifier.verify(forged), code, { token: forged });
      }
      const genuine = tokenFor(trusted, { kid: 'trusted', ...header }, extra);
      assert.equal((await verifier.verify(genuine)).payload.sub, 'user-1', label);
    }
    await settle();
    assert.deepEqual(attackerHost.requests, []);
    assert.equal(issuer.hits, 1);
    assert.deepEqual(fetches.urls, [jwksUrl]);
  });

  it('random-kid flood: no refetch within the cooldown, then one coalesced refetch per cooldown', async () => {
    const jwks = createRemoteKeySet(`${issuer.origin}/jwks.json`, { cooldownMs: 60_000 });
    const verifier = createVerifier({ keys: jwks, ...OPTS });
    await verifier.verify(tokenFor(trusted, { kid: 'trusted' }));
    assert.equal(issuer.hits, 1);
    const flood = Array.from({ length: 200 }, () => tokenFor(attacker, { kid: randomUUID() }));
    await Promise.all(
      flood.map((t) => assertRejectsAsync(() => verifier.verify(t), 'ERR_JWKS_NO_MATCHING_KEY')),
    );
    for (const t of flood.slice(0, 50)) {
      await assertRejectsAsync(() => verifier.verify(t), 'ERR_JWKS_NO_MATCHING_KEY');
      assertRejects(() => verifier.verifySync(t), 'ERR_JWKS_NO_MATCHING_KEY');
    }
    assert.equal(issuer.hits, 1, 'an unknown kid inside the cooldown must not refetch');

    // A short cooldown: count refetches against the time the flood took.
    const cooldownMs = 150;
    const hits = issuer.hits;
    const short = createVerifier({
      keys: createRemoteKeySet(`${issuer.origin}/jwks.json`, { cooldownMs }),
      ...OPTS,
    });
    await short.verify(tokenFor(trusted, { kid: 'trusted' }));
    const start = Date.now();
    for (let round = 0; round < 4; round++) {
      const burst = Array.from({ length: 50 }, () => tokenFor(attacker, { kid: randomUUID() }));
      await Promise.all(
        burst.map((t) => assertRejectsAsync(() => short.verify(t), 'ERR_JWKS_NO_MATCHING_KEY')),
      );
      await delay(cooldownMs / 2);
    }
    const elapsed = Date.now() - start;
    const refetches = issuer.hits - hits - 1;
    assert.ok(
      refetches <= Math.floor(elapsed / cooldownMs) + 1,
      `${refetches} refetches in ${elapsed} ms with a ${cooldownMs} ms cooldown`,
    );
    assert.deepEqual(attackerHost.requests, []);
  });

  it('a key rotated in is still found after the cooldown (the cooldown does not lock out real keys)', async () => {
    const rotated = freshPair('ES256', 'next');
    let keys = [exportJwk(trusted.publicKey)];
    const rotating = await listen((_req, res) => sendJson(res, { keys }));
    try {
      const verifier = createVerifier({
        keys: createRemoteKeySet(`${rotating.origin}/jwks.json`, { cooldownMs: 100 }),
        ...OPTS,
      });
      await verifier.verify(tokenFor(trusted, { kid: 'trusted' }));
      keys = [exportJwk(trusted.publicKey), exportJwk(rotated.publicKey)];
      await delay(150);
      assert.equal((await verifier.verify(tokenFor(rotated, { kid: 'next' }))).payload.sub, 'user-1');
      assert.equal(rotating.hits, 2);
    } finally {
      await rotating.close();
    }
  });

  describe('redirects are not followed', () => {
    for (const status of [301, 302, 303, 307, 308]) {
      it(`HTTP ${status} to the attacker's JWKS ⇒ ERR_JWKS_FETCH_FAILED, attacker not contacted`, async () => {
        const redirector = await listen((_req, res) => {
          res.writeHead(status, { location: `${attackerHost.origin}/jwks.json` });
          res.end();
        });
        try {
          const verifier = createVerifier({
            keys: createRemoteKeySet(`${redirector.origin}/jwks.json`),
            ...OPTS,
          });
          const forged = tokenFor(attacker, { kid: 'evil' });
          await assertRejectsAsync(() => verifier.verify(forged), 'ERR_JWKS_FETCH_FAILED', { token: forged });
          await settle();
          assert.equal(redirector.hits, 1);
          assert.deepEqual(attackerHost.requests, []);
        } finally {
          await redirector.close();
        }
      });
    }

    it('a redirect to file:// or to cloud metadata is refused the same way', async () => {
      for (const location of ['file:///etc/passwd', 'http://169.254.169.254/latest/meta-data/']) {
        const redirector = await listen((_req, res) => {
          res.writeHead(302, { location });
          res.end();
        });
        try {
          const jwks = createRemoteKeySet(`${redirector.origin}/jwks.json`);
          await assertRejectsAsync(() => jwks.reload(), 'ERR_JWKS_FETCH_FAILED');
          assert.deepEqual(fetches.urls, [`${redirector.origin}/jwks.json`]);
          fetches.urls.length = 0;
        } finally {
          await redirector.close();
        }
      }
    });
  });

  describe('size cap and timeout', () => {
    async function withServer(
      handler: Parameters<typeof listen>[0],
      opts: RemoteKeySetOptions,
      code: 'ERR_JWKS_FETCH_FAILED' | 'ERR_JWKS_TIMEOUT',
      withinMs: number,
    ): Promise<void> {
      const server = await listen(handler);
      try {
        const verifier = createVerifier({
          keys: createRemoteKeySet(`${server.origin}/jwks.json`, opts),
          ...OPTS,
        });
        const token = tokenFor(trusted, { kid: 'trusted' });
        await assertRejectsAsync(() => verifier.verify(token), code, { token, withinMs });
      } finally {
        await server.close();
      }
    }

    const big = JSON.stringify({
      keys: [exportJwk(pair('ES256', 'trusted').publicKey)],
      pad: 'x'.repeat(4096),
    });

    it('an oversized response with Content-Length ⇒ ERR_JWKS_FETCH_FAILED', async () => {
      await withServer(
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big.length) });
          res.end(big);
        },
        { maxResponseBytes: 1024 },
        'ERR_JWKS_FETCH_FAILED',
        2000,
      );
    });

    it('an oversized chunked response ⇒ ERR_JWKS_FETCH_FAILED', async () => {
      await withServer(
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(big.slice(0, 700));
          res.end(big.slice(700));
        },
        { maxResponseBytes: 1024 },
        'ERR_JWKS_FETCH_FAILED',
        2000,
      );
    });

    it('an endless response is cut at the cap, not read to the end', async () => {
      await withServer(
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = Buffer.alloc(16 * 1024, 0x20);
          const pump = () => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once('drain', pump);
          };
          res.write('{"keys":[');
          pump();
        },
        { maxResponseBytes: 64 * 1024, timeoutMs: 5000 },
        'ERR_JWKS_FETCH_FAILED',
        3000,
      );
    });

    it('a server that never answers ⇒ ERR_JWKS_TIMEOUT after timeoutMs', async () => {
      await withServer(() => {}, { timeoutMs: 150 }, 'ERR_JWKS_TIMEOUT', 2000);
    });

    it('a body that trickles in slowly ⇒ ERR_JWKS_TIMEOUT', async () => {
      await withServer(
        (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 20);
          res.on('close', () => clearInterval(timer));
        },
        { timeoutMs: 200 },
        'ERR_JWKS_TIMEOUT',
        2000,
      );
    });
  });

  it('the JWKS URL must be http(s): file:, data: and ftp: are refused at construction', () => {
    for (const url of [
      'file:///etc/passwd',
      'data:application/json,{"keys":[]}',
      'ftp://example.com/jwks',
      'not a url',
    ]) {
      assertRejects(() => createRemoteKeySet(url), 'ERR_INVALID_OPTIONS');
    }
  });

  it('verifyJwt (local and synchronous) refuses a remote set instead of fetching', () => {
    const jwks = createRemoteKeySet(`${attackerHost.origin}/jwks.json`);
    const token = signJwt(claims(), trusted.privateKey, { now: now() });
    assertRejects(() => verifyJwt(token, jwks as never, OPTS), 'ERR_INVALID_OPTIONS');
    assert.deepEqual(fetches.urls, []);
  });
});
