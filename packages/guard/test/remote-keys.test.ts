import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { generateKeyPair, signJwt } from '@tessera/jwt';
import Fastify, { type FastifyInstance } from 'fastify';
import { tesseraGuard } from '../src/adapters/fastify.js';
import { type AuthContext, createGuard, type Guard, GuardError, type GuardOptions } from '../src/index.js';
import { attackSuite } from './support/attack-suite.js';
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

  test('jku, x5u and an attacker iss trigger no fetch', async () => {
    const guard = remoteGuard();
    await guard.ready();
    const claims = JSON.stringify(accessClaims({ iss: trap.url }));
    for (const extra of [{ jku: `${trap.url}/jwks` }, { x5u: `${trap.url}/cert` }, {}]) {
      const header = JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'evil', ...extra });
      const token = rawToken(header, claims, 'EdDSA', attacker.privateKey.keyObject);
      await assert.rejects(guard.authenticate(`Bearer ${token}`), GuardError);
    }
    assert.equal(trapHits, 0);
  });

  test('random kids on every request refetch the JWKS at most once per cooldown', async () => {
    const guard = remoteGuard();
    await guard.ready();
    const hits = jwks.hits;
    const attempts = [];
    for (let i = 0; i < 30; i++) {
      const header = JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: `random-${i}` });
      const token = rawToken(header, JSON.stringify(accessClaims()), 'EdDSA', attacker.privateKey.keyObject);
      attempts.push(assert.rejects(guard.authenticate(`Bearer ${token}`), GuardError));
    }
    await Promise.all(attempts);
    assert.ok(jwks.hits - hits <= 1, `${jwks.hits - hits} refetches`);
  });
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
