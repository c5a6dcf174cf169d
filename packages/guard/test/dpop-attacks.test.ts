// DPoP at the guard (RFC 9449 §7), over real sockets, in all five adapters: the controls, and
// every attack of docs/security.md D1–D14 that fits in a request.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  accessTokenHash,
  createDpopProof,
  createMemoryReplayCache,
  exportJwk,
  generateKeyPair,
  type Jwk,
  jwkThumbprint,
  type Key,
} from '@tessera/jwt';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import passport from 'passport';
import { requireAuth } from '../src/adapters/express.js';
import { tesseraGuard } from '../src/adapters/fastify.js';
import { type GuardEnv, guardMiddleware } from '../src/adapters/hono.js';
import { withAuth } from '../src/adapters/node.js';
import { TesseraStrategy } from '../src/adapters/passport.js';
import { createRedisReplayCache, type Guard, type GuardOptions } from '../src/index.js';
import { testGuard } from './support/guards.js';
import { accessToken } from './support/keys.js';
import { b64, rawToken, seg } from './support/raw-sign.js';

const holder = generateKeyPair('ES256');
const holderJwk = exportJwk(holder.publicKey) as Jwk;
const JKT = jwkThumbprint(holderJwk);
const thief = generateKeyPair('ES256');

/** A user token bound to the holder's key. */
const bound = (jkt = JKT) => accessToken({ cnf: { jkt }, jti: crypto.randomUUID() });

interface Reply {
  status: number;
  challenge: string;
  error: string | undefined;
}

type AdapterName = 'express' | 'fastify' | 'hono' | 'node' | 'passport';

/** Starts one adapter on a loopback port with `guard` on GET/POST /profile. */
async function startAdapter(
  name: AdapterName,
  guard: Guard,
): Promise<{ url: string; close(): Promise<void> }> {
  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  };
  switch (name) {
    case 'express': {
      const app = express();
      // Mounted on a prefix: the htu is the full path (originalUrl), not the router's.
      const router = express.Router();
      router.all('/profile', requireAuth(guard), (req, res) => {
        res.json({ subject: req.auth?.subject });
      });
      app.use('/', router);
      return listen(createServer(app));
    }
    case 'fastify': {
      const app = Fastify();
      await app.register(tesseraGuard, { guard });
      app.route({
        method: ['GET', 'POST'],
        url: '/profile',
        handler: async (request) => ({ subject: request.auth?.subject }),
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
    }
    case 'hono': {
      const app = new Hono<GuardEnv>();
      app.use('/profile', guardMiddleware(guard));
      app.all('/profile', (c) => c.json({ subject: c.get('auth').subject }));
      // A minimal node:http bridge: Hono sees the absolute URL the client used.
      return listen(
        createServer((req, res) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(req.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const request = new Request(`http://${req.headers.host}${req.url}`, {
            method: req.method ?? 'GET',
            headers,
          });
          void Promise.resolve(app.fetch(request)).then(async (response) => {
            res.writeHead(response.status, Object.fromEntries(response.headers));
            res.end(Buffer.from(await response.arrayBuffer()));
          });
        }),
      );
    }
    case 'node':
      return listen(
        createServer(
          withAuth(guard, (_req, res, auth) => {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify({ subject: auth.subject }));
          }),
        ),
      );
    case 'passport': {
      const authenticator = new passport.Passport();
      authenticator.use(new TesseraStrategy({ guard }));
      const app = express();
      app.all('/profile', authenticator.authenticate('tessera', { session: false }), (_req, res) => {
        res.json({ ok: true });
      });
      return listen(createServer(app));
    }
  }
}

const ADAPTERS: AdapterName[] = ['express', 'fastify', 'hono', 'node', 'passport'];

/** Builds a proof for `url` with the holder's key unless told otherwise. */
function proof(
  url: string,
  opts: { htm?: string; token?: string; key?: Key; iatOffset?: number; jti?: string } = {},
): string {
  return createDpopProof(opts.key ?? holder.privateKey, {
    htm: opts.htm ?? 'GET',
    htu: url,
    ...(opts.token === undefined ? {} : { accessToken: opts.token }),
    now: new Date(Date.now() + (opts.iatOffset ?? 0) * 1000),
    ...(opts.jti === undefined ? {} : { jti: opts.jti }),
  });
}

/** A proof with a hand-made header, signed (or not) as told: what no library would produce. */
function forgedProof(
  url: string,
  token: string,
  header: Record<string, unknown>,
  sign: 'none' | 'HS256' | 'ES256',
) {
  const payload = JSON.stringify({
    jti: crypto.randomUUID(),
    htm: 'GET',
    htu: url,
    iat: Math.floor(Date.now() / 1000),
    ath: accessTokenHash(token),
  });
  if (sign === 'none') return `${seg(header)}.${b64(payload)}.`;
  if (sign === 'HS256') return rawToken(JSON.stringify(header), payload, 'HS256', Buffer.alloc(32, 1));
  return rawToken(JSON.stringify(header), payload, 'ES256', holder.privateKey.keyObject);
}

async function call(url: string, headers: Record<string, string | string[]>, method = 'GET'): Promise<Reply> {
  const h = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) h.append(name, v);
  }
  const res = await fetch(url, { method, headers: h });
  const text = await res.text();
  let error: string | undefined;
  try {
    error = (JSON.parse(text) as { error?: string }).error;
  } catch {
    error = undefined;
  }
  return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '', error };
}

for (const adapter of ADAPTERS) {
  describe(`DPoP at the guard: ${adapter}`, () => {
    let server: { url: string; close(): Promise<void> };
    let url: string;
    const guard = testGuard();
    before(async () => {
      server = await startAdapter(adapter, guard);
      url = `${server.url}/profile`;
    });
    after(async () => {
      await server.close();
      await guard.close();
    });

    const refused = (res: Reply, error: string, name: string) => {
      assert.equal(res.status, 401, name);
      // Passport answers with its own body; the challenge carries the error everywhere.
      assert.match(res.challenge, new RegExp(`error="${error}"`), name);
      if (adapter !== 'passport') assert.equal(res.error, error, name);
    };

    test('control: a bound token with a good proof, twice with two proofs; a Bearer token as before', async () => {
      for (let i = 0; i < 2; i++) {
        const token = bound();
        const res = await call(url, { authorization: `DPoP ${token}`, dpop: proof(url, { token }) });
        assert.equal(res.status, 200);
      }
      assert.equal((await call(url, { authorization: `Bearer ${accessToken()}` })).status, 200);
      const post = bound();
      const res = await call(
        url,
        { authorization: `DPoP ${post}`, dpop: proof(url, { token: post, htm: 'POST' }) },
        'POST',
      );
      assert.equal(res.status, 200);
    });

    test('D1: a bound token without a proof is refused (invalid_dpop_proof, DPoP challenge)', async () => {
      const res = await call(url, { authorization: `DPoP ${bound()}` });
      refused(res, 'invalid_dpop_proof', 'no proof');
      assert.match(
        res.challenge,
        /^DPoP realm="api", error="invalid_dpop_proof", algs="ES256 EdDSA PS256 RS256"$/,
      );
    });

    test('D2: a bound token sent as Bearer is refused, with or without a proof', async () => {
      const token = bound();
      refused(await call(url, { authorization: `Bearer ${token}` }), 'invalid_token', 'as Bearer');
      refused(
        await call(url, { authorization: `Bearer ${token}`, dpop: proof(url, { token }) }),
        'invalid_token',
        'as Bearer with a proof',
      );
    });

    test('D3: a proof for another method or another URL is refused', async () => {
      const token = bound();
      refused(
        await call(url, { authorization: `DPoP ${token}`, dpop: proof(url, { token, htm: 'POST' }) }),
        'invalid_dpop_proof',
        'another method',
      );
      refused(
        await call(url, { authorization: `DPoP ${token}`, dpop: proof(`${server.url}/admin`, { token }) }),
        'invalid_dpop_proof',
        'another path',
      );
      refused(
        await call(url, {
          authorization: `DPoP ${token}`,
          dpop: proof(url.replace('127.0.0.1', 'localhost'), { token }),
        }),
        'invalid_dpop_proof',
        'another host',
      );
      // Normalization: scheme and host case, a query and a fragment do not matter.
      const same = bound();
      const res = await call(`${url}?page=2`, {
        authorization: `DPoP ${same}`,
        dpop: proof(`${url.replace('http://', 'HTTP://')}?other=1#f`, { token: same }),
      });
      assert.equal(res.status, 200);
    });

    test('D4: a proof by another key than the token is bound to is refused', async () => {
      const token = bound();
      refused(
        await call(url, {
          authorization: `DPoP ${token}`,
          dpop: proof(url, { token, key: thief.privateKey }),
        }),
        'invalid_dpop_proof',
        'thief key',
      );
    });

    test('D5: a replayed proof (same jti) is refused', async () => {
      const token = bound();
      const once = proof(url, { token });
      assert.equal((await call(url, { authorization: `DPoP ${token}`, dpop: once })).status, 200);
      refused(
        await call(url, { authorization: `DPoP ${token}`, dpop: once }),
        'invalid_dpop_proof',
        'replay',
      );
    });

    test('D6: a stale or a future iat is refused', async () => {
      const token = bound();
      for (const iatOffset of [-120, 120]) {
        refused(
          await call(url, { authorization: `DPoP ${token}`, dpop: proof(url, { token, iatOffset }) }),
          'invalid_dpop_proof',
          `iat ${iatOffset}`,
        );
      }
    });

    test('D7: a proof for another access token (wrong ath), or without ath, is refused', async () => {
      const token = bound();
      refused(
        await call(url, { authorization: `DPoP ${token}`, dpop: proof(url, { token: bound() }) }),
        'invalid_dpop_proof',
        'ath of another token',
      );
      refused(
        await call(url, { authorization: `DPoP ${token}`, dpop: proof(url) }),
        'invalid_dpop_proof',
        'no ath',
      );
    });

    test('D8: alg none and HS256 proofs are refused', async () => {
      const token = bound();
      refused(
        await call(url, {
          authorization: `DPoP ${token}`,
          dpop: forgedProof(url, token, { typ: 'dpop+jwt', alg: 'none', jwk: holderJwk }, 'none'),
        }),
        'invalid_dpop_proof',
        'none',
      );
      refused(
        await call(url, {
          authorization: `DPoP ${token}`,
          dpop: forgedProof(
            url,
            token,
            {
              typ: 'dpop+jwt',
              alg: 'HS256',
              jwk: { kty: 'oct', k: Buffer.alloc(32, 1).toString('base64url') },
            },
            'HS256',
          ),
        }),
        'invalid_dpop_proof',
        'HS256',
      );
    });

    test('D9: a proof whose jwk embeds the private key is refused', async () => {
      const token = bound();
      const privateJwk = exportJwk(holder.privateKey, { private: true });
      assert.ok('d' in privateJwk);
      refused(
        await call(url, {
          authorization: `DPoP ${token}`,
          dpop: forgedProof(url, token, { typ: 'dpop+jwt', alg: 'ES256', jwk: privateJwk }, 'ES256'),
        }),
        'invalid_dpop_proof',
        'private jwk',
      );
      // The same forge with the public jwk passes: the refusal is the private member.
      const res = await call(url, {
        authorization: `DPoP ${token}`,
        dpop: forgedProof(url, token, { typ: 'dpop+jwt', alg: 'ES256', jwk: holderJwk }, 'ES256'),
      });
      assert.equal(res.status, 200);
    });

    test('D10: a 10 KB proof is refused before any parsing; two proofs are refused', async () => {
      const token = bound();
      const huge = `${seg({ typ: 'dpop+jwt', alg: 'ES256', jwk: holderJwk })}.${'A'.repeat(10 * 1024)}.AAAA`;
      refused(await call(url, { authorization: `DPoP ${token}`, dpop: huge }), 'invalid_dpop_proof', '10 KB');
      refused(
        await call(url, {
          authorization: `DPoP ${token}`,
          dpop: [proof(url, { token }), proof(url, { token })],
        }),
        'invalid_dpop_proof',
        'two proofs',
      );
    });

    test('D11: an unbound token sent as DPoP, and a typ other than dpop+jwt, are refused', async () => {
      const plain = accessToken();
      refused(
        await call(url, { authorization: `DPoP ${plain}`, dpop: proof(url, { token: plain }) }),
        'invalid_token',
        'unbound as DPoP',
      );
      const token = bound();
      refused(
        await call(url, {
          authorization: `DPoP ${token}`,
          dpop: forgedProof(url, token, { typ: 'JWT', alg: 'ES256', jwk: holderJwk }, 'ES256'),
        }),
        'invalid_dpop_proof',
        'typ JWT',
      );
    });
  });
}

describe('DPoP guard options', () => {
  const servers: { close(): Promise<void> }[] = [];
  const guards: Guard[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(guards.map((g) => g.close()));
  });
  const start = async (opts: Partial<GuardOptions>, adapter: AdapterName = 'fastify') => {
    const guard = testGuard(opts);
    guards.push(guard);
    const server = await startAdapter(adapter, guard);
    servers.push(server);
    return `${server.url}/profile`;
  };

  test('publicBaseUrl: behind a proxy the htu is the public URL, not the one the app sees', async () => {
    const url = await start({ dpop: { publicBaseUrl: 'https://API.example.com:443/' } });
    const token = bound();
    const ok = await call(url, {
      authorization: `DPoP ${token}`,
      dpop: proof('https://api.example.com/profile', { token }),
    });
    assert.equal(ok.status, 200);
    const inner = bound();
    const res = await call(url, { authorization: `DPoP ${inner}`, dpop: proof(url, { token: inner }) });
    assert.equal(res.status, 401);
  });

  test('required: a Bearer token is refused, and the challenge offers DPoP only', async () => {
    const url = await start({ dpop: { required: true } }, 'node');
    const res = await call(url, { authorization: `Bearer ${accessToken()}` });
    assert.equal(res.status, 401);
    assert.equal(res.challenge, 'DPoP realm="api", error="invalid_token", algs="ES256 EdDSA PS256 RS256"');
    const none = await call(url, {});
    assert.equal(none.challenge, 'DPoP realm="api", algs="ES256 EdDSA PS256 RS256"');
  });

  test('algorithms: a proof outside dpop.algorithms is refused', async () => {
    const url = await start({ dpop: { algorithms: ['EdDSA'] } }, 'express');
    const token = bound();
    const res = await call(url, { authorization: `DPoP ${token}`, dpop: proof(url, { token }) });
    assert.equal(res.status, 401);
    assert.match(res.challenge, /algs="EdDSA"/);
  });

  test('an injected replay cache is used (shared by two guards: a replay to the other is refused)', async () => {
    const shared = createMemoryReplayCache();
    const seen: string[] = [];
    const replayCache = {
      checkAndStore(id: string, expiresAtMs: number) {
        seen.push(id);
        return shared.checkAndStore(id, expiresAtMs);
      },
    };
    const a = await start({ dpop: { replayCache, publicBaseUrl: 'https://api.example.com' } }, 'node');
    const b = await start({ dpop: { replayCache, publicBaseUrl: 'https://api.example.com' } }, 'hono');
    const token = bound();
    const once = proof('https://api.example.com/profile', { token });
    assert.equal((await call(a, { authorization: `DPoP ${token}`, dpop: once })).status, 200);
    assert.equal((await call(b, { authorization: `DPoP ${token}`, dpop: once })).status, 401);
    assert.equal(seen.length, 2);
    assert.ok(seen[0]?.startsWith(`${JKT}:`));
  });

  test('createRedisReplayCache: SET key 1 PX ttl NX through an ioredis-like client; errors fail closed', async () => {
    const keys = new Map<string, number>();
    const calls: unknown[][] = [];
    const client = {
      async set(key: string, value: string, px: 'PX', ttl: number, nx: 'NX') {
        calls.push([key, value, px, ttl, nx]);
        if (keys.has(key)) return null;
        keys.set(key, ttl);
        return 'OK' as const;
      },
    };
    const cache = createRedisReplayCache(client, { prefix: 'test:' });
    const expires = Date.now() + 60_000;
    assert.equal(await cache.checkAndStore('jkt:jti-1', expires), true);
    assert.equal(await cache.checkAndStore('jkt:jti-1', expires), false);
    assert.equal(calls[0]?.[0], 'test:jkt:jti-1');
    assert.deepEqual(calls[0]?.slice(1, 3), ['1', 'PX']);
    assert.ok((calls[0]?.[3] as number) > 59_000 && (calls[0]?.[3] as number) <= 60_001);
    assert.equal(calls[0]?.[4], 'NX');
    const failing = createRedisReplayCache({
      set: async () => {
        throw new Error('redis down');
      },
    });
    const url = await start({ dpop: { replayCache: failing } }, 'express');
    const token = bound();
    const res = await call(url, { authorization: `DPoP ${token}`, dpop: proof(url, { token }) });
    assert.equal(res.status, 401);
    assert.throws(() => createRedisReplayCache({} as never), TypeError);
  });

  test('a full in-memory replay cache refuses new proofs as a capacity limit, told apart from a replay', async () => {
    const guard = testGuard({ dpop: { maxReplayEntries: 2 } });
    const url = 'https://api.example.com/profile';
    const token = bound();
    const request = (dpop: string) => ({ method: 'GET', url, dpop });
    const reasonOf = (dpop: string) =>
      guard.authenticate(`DPoP ${token}`, request(dpop)).then(
        () => 'ok',
        (err: { reason: string }) => err.reason,
      );
    const first = proof(url, { token });
    assert.equal(await reasonOf(first), 'ok');
    assert.equal(await reasonOf(proof(url, { token })), 'ok');
    assert.equal(await reasonOf(proof(url, { token })), 'ERR_DPOP_REPLAY_CACHE_FULL');
    assert.equal(await reasonOf(first), 'ERR_DPOP_REPLAY', 'a replay is still a replay when full');
  });

  test('options are checked at startup', () => {
    assert.throws(() => testGuard({ dpop: { algorithms: ['HS256'] } }), /asymmetric/);
    assert.throws(() => testGuard({ dpop: { publicBaseUrl: 'ftp://x' } }), /publicBaseUrl/);
    assert.throws(() => testGuard({ dpop: { iatWindowSeconds: 0 } }), /iatWindowSeconds/);
    assert.throws(() => testGuard({ dpop: { nonsense: true } as never }), /unknown option dpop.nonsense/);
    assert.throws(() => testGuard({ dpop: { replayCache: {} as never } }), /replayCache/);
  });
});

/** The thumbprint check is done by the jwt verifier; this keeps the fixture honest. */
test('the fixture: the bound token names the holder key', () => {
  assert.equal(JKT, jwkThumbprint(exportJwk(holder.publicKey)));
});
