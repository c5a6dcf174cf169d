import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { generateKeyPair, signJwt } from '@tessera/jwt';
import Fastify, { type FastifyInstance } from 'fastify';
import { tesseraGuard } from '../src/adapters/fastify.js';
import { type AuthContext, createGuard, type Guard, GuardError, type GuardOptions } from '../src/index.js';
import { assertNoEcho, attackSuite, type Sent } from './support/attack-suite.js';
import { listen, type TestServer } from './support/http-server.js';
import { JwksServer } from './support/jwks-server.js';
import {
  AUDIENCE,
  accessClaims,
  accessToken,
  attacker,
  ec,
  ed,
  ISSUER,
  PERMISSIVE_ALGORITHMS,
  rsa,
} from './support/keys.js';
import { rawToken } from './support/raw-sign.js';

let jwks: JwksServer;
let app: FastifyInstance;
const guards: Guard[] = [];
before(async () => {
  jwks = await new JwksServer([ed.publicKey, ec.publicKey, rsa.publicKey]).start();
  // The whole attack suite (at the end) runs once more with keys from the JWKS, through Fastify.
  app = Fastify();
  await app.register(tesseraGuard, { guard: remoteGuard() });
  app.get('/profile', async (request) => ({ subject: request.auth?.subject }));
  await app.ready();
});
after(async () => {
  await app.close();
  for (const guard of guards) await guard.close();
  await jwks.stop();
});

/** GET /profile on the remote-JWKS Fastify app. */
const inject = (authorization: string) =>
  app.inject({ method: 'GET', url: '/profile', headers: { authorization } });

function remoteGuard(extra: Partial<GuardOptions> = {}, url = jwks.url): Guard {
  const guard = createGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: [...PERMISSIVE_ALGORITHMS],
    jwksUri: url,
    ...extra,
  });
  guards.push(guard);
  return guard;
}

describe('remote JWKS: the sync path', () => {
  test('the first request fetches the keys (a promise); later ones are synchronous', async () => {
    const guard = remoteGuard();
    const first = guard.check(`Bearer ${accessToken()}`);
    assert.ok(first instanceof Promise);
    assert.equal((await first).subject, 'user-1');
    const second = guard.check(`Bearer ${accessToken({ jti: 'other' })}`);
    assert.ok(!(second instanceof Promise));
    assert.equal((second as AuthContext).subject, 'user-1');
  });

  test('after ready(), even the first request is synchronous', async () => {
    const guard = remoteGuard();
    await guard.ready();
    assert.deepEqual(guard.status().keys, { source: 'jwks', loaded: true, fresh: true });
    assert.ok(!(guard.check(`Bearer ${accessToken()}`) instanceof Promise));
  });

  test('authenticate() is always a promise, resolving or rejecting with a GuardError', async () => {
    const guard = remoteGuard();
    assert.equal((await guard.authenticate(`Bearer ${accessToken()}`)).subject, 'user-1');
    await assert.rejects(guard.authenticate(undefined), GuardError);
    await assert.rejects(guard.authenticate('Bearer x.y.z'), GuardError);
  });
});

test('a token of characters outside b64token is refused with 400 before any key fetch', () => {
  const guard = remoteGuard();
  const hits = jwks.hits;
  const good = accessToken();
  for (const bad of [`${good}$`, `${good.slice(0, -2)}=x`, `"${good}"`, `${good}é`]) {
    assert.throws(() => guard.check(`Bearer ${bad}`), {
      reason: 'ERR_GUARD_MALFORMED_CREDENTIALS',
      status: 400,
    });
  }
  assert.equal(jwks.hits, hits, 'no fetch');
  // A bare token given to verifyToken is not credentials: the same string is an invalid token.
  const bare = guard.verifyToken(`${good}$`);
  assert.ok(bare instanceof Promise, 'it needs the keys');
  return assert.rejects(bare, { reason: 'ERR_JWS_INVALID_SIGNATURE', status: 401 });
});

describe('remote JWKS: rotation and outages', () => {
  test('a token signed with a newly published key is accepted after one refetch', async () => {
    const server = await new JwksServer([ed.publicKey]).start();
    const guard = remoteGuard({ jwks: { cooldownMs: 1 } }, server.url);
    await guard.ready();
    const next = generateKeyPair('EdDSA', { kid: 'ed-2' });
    server.keys = [ed.publicKey, next.publicKey];
    const hits = server.hits;
    const auth = await guard.check(`Bearer ${signJwt(accessClaims(), next.privateKey, { typ: 'at+jwt' })}`);
    assert.equal(auth.subject, 'user-1');
    assert.equal(server.hits, hits + 1);
    await server.stop();
  });

  test('while the issuer is down, the last good key set keeps serving', async () => {
    const server = await new JwksServer([ed.publicKey]).start();
    const guard = remoteGuard({}, server.url);
    await guard.ready();
    server.up = false;
    assert.equal((guard.check(`Bearer ${accessToken()}`) as AuthContext).subject, 'user-1');
    await server.stop();
  });

  test('an issuer down from the start: 401 invalid_token, never a 500, and ready() can be bounded', async () => {
    const dead = await listen((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const guard = remoteGuard({}, `${dead.url}/jwks.json`);
    await assert.rejects(guard.authenticate(`Bearer ${accessToken()}`), (err: GuardError) => {
      assert.equal(err.status, 401);
      assert.equal(err.reason, 'ERR_JWKS_FETCH_FAILED');
      return true;
    });
    const controller = new AbortController();
    const ready = guard.ready({ signal: controller.signal });
    controller.abort(new Error('deadline'));
    await assert.rejects(ready, /deadline/);
    await dead.close();
  });
});

describe('remote JWKS: A5, nothing in a token causes a request', () => {
  let trap: TestServer;
  let trapHits = 0;
  afterEach(() => {
    trapHits = 0;
  });
  before(async () => {
    trap = await listen((_req, res) => {
      trapHits++;
      res.end('{"keys":[]}');
    });
  });
  after(() => trap.close());

  test('jku, x5u, x5c and an attacker iss sent over HTTP: 401 each, no fetch', async () => {
    const claims = (iss: string) => JSON.stringify(accessClaims({ iss }));
    const cases: [string, object, string][] = [
      ['jku', { jku: `${trap.url}/jwks` }, ISSUER],
      ['x5u', { x5u: `${trap.url}/cert` }, ISSUER],
      ['x5c', { x5c: ['MIIB'], x5u: `${trap.url}/chain` }, ISSUER],
      ['jku to the metadata address', { jku: 'http://169.254.169.254/latest/meta-data/' }, ISSUER],
      ['iss of the attacker', {}, trap.url],
    ];
    for (const [name, extra, iss] of cases) {
      for (const kid of ['evil', 'ed-1']) {
        const header = JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid, ...extra });
        const token = rawToken(header, claims(iss), 'EdDSA', attacker.privateKey.keyObject);
        const res = await inject(`Bearer ${token}`);
        assert.equal(res.statusCode, 401, `${name}, kid ${kid}`);
        assert.equal(res.json().error, 'invalid_token', name);
      }
    }
    assert.equal(trapHits, 0);
  });

  test('random kids on every request (over HTTP) refetch the JWKS at most once per cooldown', async () => {
    const hits = jwks.hits;
    const answers = [];
    for (let i = 0; i < 30; i++) {
      const header = JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: `random-${i}` });
      const token = rawToken(header, JSON.stringify(accessClaims()), 'EdDSA', attacker.privateKey.keyObject);
      answers.push(inject(`Bearer ${token}`));
    }
    for (const res of await Promise.all(answers)) assert.equal(res.statusCode, 401);
    assert.ok(jwks.hits - hits <= 1, `${jwks.hits - hits} refetches`);
  });
});

describe('remote JWKS: hostile or broken keys in the JWKS (A9, A10, A21, A24), over HTTP', () => {
  const good = () => `Bearer ${accessToken()}`;
  const ecPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecJwk = ecPair.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const flipLast = (b64: string) => `${b64.slice(0, -2)}${b64.at(-2) === 'A' ? 'B' : 'A'}${b64.at(-1)}`;
  const rsaWith = (opts: { modulusLength: number; publicExponent?: number }) => {
    const pair = generateKeyPairSync('rsa', opts);
    return { jwk: pair.publicKey.export({ format: 'jwk' }), privateKey: pair.privateKey };
  };
  const weakRsa = rsaWith({ modulusLength: 1024 });
  const e3Rsa = rsaWith({ modulusLength: 2048, publicExponent: 3 });
  const encEd = generateKeyPairSync('ed25519');
  const encEdJwk = encEd.publicKey.export({ format: 'jwk' });
  const secret = Buffer.alloc(32, 9);
  const claims = JSON.stringify(accessClaims());
  const es256 = (kid: string) =>
    rawToken(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid }), claims, 'ES256', ecPair.privateKey);
  const edToken = (kid: string) =>
    rawToken(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid }), claims, 'EdDSA', encEd.privateKey);
  const rs256 = (kid: string, key: KeyObject) =>
    rawToken(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid }), claims, 'RS256', key);
  const hs256 = (kid: string, key: Buffer) =>
    rawToken(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid }), claims, 'HS256', key);

  // usable: whether the rest of the set still works (a key that cannot sign is skipped; a broken
  // key of a kind we verify with makes the whole set invalid, and the guard fails closed).
  const cases: { id: string; jwk: object; token: string; usable: boolean }[] = [
    {
      id: 'A9 EC point off the curve',
      jwk: { ...ecJwk, y: flipLast(ecJwk.y as string), kid: 'h', alg: 'ES256' },
      token: es256('h'),
      usable: false,
    },
    {
      id: 'A9 P-256 coordinates under crv P-384',
      jwk: { ...ecJwk, crv: 'P-384', kid: 'h', alg: 'ES384' },
      token: es256('h'),
      usable: false,
    },
    {
      id: 'A9 kty RSA with EC members',
      jwk: { ...ecJwk, kty: 'RSA', kid: 'h', alg: 'RS256' },
      token: es256('h'),
      usable: false,
    },
    {
      id: 'A9 x of the wrong length',
      jwk: { ...ecJwk, x: (ecJwk.x as string).slice(0, 20), kid: 'h', alg: 'ES256' },
      token: es256('h'),
      usable: false,
    },
    {
      id: 'A10 an empty HMAC secret published',
      jwk: { kty: 'oct', k: '', kid: 'h', alg: 'HS256' },
      token: hs256('h', Buffer.alloc(0)),
      usable: false,
    },
    {
      id: 'A10 a short HMAC secret published',
      jwk: { kty: 'oct', k: secret.subarray(0, 8).toString('base64url'), kid: 'h', alg: 'HS256' },
      token: hs256('h', secret.subarray(0, 8)),
      usable: false,
    },
    {
      id: 'A24 a JWKS mixing an oct key with public keys',
      jwk: { kty: 'oct', k: secret.toString('base64url'), kid: 'h', alg: 'HS256' },
      token: hs256('h', secret),
      usable: false,
    },
    {
      id: 'A21 RSA-1024',
      jwk: { ...weakRsa.jwk, kid: 'h', alg: 'RS256' },
      token: rs256('h', weakRsa.privateKey),
      usable: false,
    },
    {
      id: 'A21 RSA with e = 3',
      jwk: { ...e3Rsa.jwk, kid: 'h', alg: 'RS256' },
      token: rs256('h', e3Rsa.privateKey),
      usable: false,
    },
    {
      id: 'A24 use "enc"',
      jwk: { ...encEdJwk, use: 'enc', kid: 'h', alg: 'EdDSA' },
      token: edToken('h'),
      usable: true,
    },
    {
      id: 'A24 key_ops ["encrypt"]',
      jwk: { ...encEdJwk, key_ops: ['encrypt'], kid: 'h', alg: 'EdDSA' },
      token: edToken('h'),
      usable: true,
    },
    {
      id: 'A24 a duplicate kid (ours, another key)',
      jwk: { ...encEdJwk, kid: 'ed-1', alg: 'EdDSA' },
      token: edToken('ed-1'),
      usable: false,
    },
    {
      id: 'A24 private members published',
      jwk: { ...(encEd.privateKey.export({ format: 'jwk' }) as object), kid: 'h', alg: 'EdDSA' },
      token: edToken('h'),
      usable: false,
    },
  ];

  for (const { id, jwk, token, usable } of cases) {
    test(id, async () => {
      const server = await new JwksServer([ed.publicKey]).start();
      server.extra = [jwk];
      const hostile = Fastify();
      await hostile.register(tesseraGuard, { guard: remoteGuard({}, server.url) });
      hostile.get('/profile', async (request) => ({ subject: request.auth?.subject }));
      try {
        const send = (authorization: string) =>
          hostile.inject({ method: 'GET', url: '/profile', headers: { authorization } });
        const refused = await send(`Bearer ${token}`);
        assert.equal(refused.statusCode, 401, refused.body);
        assert.equal(refused.json().error, 'invalid_token');
        assertNoEcho(
          { status: refused.statusCode, headers: refused.headers as Sent['headers'], text: refused.body },
          `Bearer ${token}`,
        );
        assert.equal((await send(good())).statusCode, usable ? 200 : 401);
      } finally {
        await hostile.close();
        await server.stop();
      }
    });
  }
});

attackSuite(
  'fastify with a remote JWKS',
  async (authorization, path = '/profile') => {
    const res = await app.inject({
      method: 'GET',
      url: path,
      headers: authorization === undefined ? {} : { authorization },
    });
    return { status: res.statusCode, headers: res.headers as Record<string, string>, text: res.body };
  },
  { jsonBody: true, challengeOn400: true },
);
