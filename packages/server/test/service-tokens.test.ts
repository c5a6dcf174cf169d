import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type Alg, createKeySet, decodeJwtUnverified, signJwt, verifyJwt } from '@tessera/jwt';
import { addUser, loginOk, openTestService, T0 } from './helpers/service.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

describe('access tokens', () => {
  it('are RFC 9068 JWTs: typ at+jwt, kid, EdDSA by default, exactly the documented claims, 10 minutes', async () => {
    const t = await openTestService({ config: { issuer: 'https://auth.example.com', audience: 'api' } });
    after(() => t.cleanup());
    const userId = await addUser(t.service, 'ada@example.com', {
      roles: ['user', 'editor'],
      permissions: ['posts:write'],
    });
    const { accessToken, sessionId, expiresIn } = await loginOk(t.service, 'ada@example.com');
    const { header, payload } = decodeJwtUnverified(accessToken);
    assert.equal(t.config.signingAlg, 'EdDSA');
    assert.deepEqual(header, { alg: 'EdDSA', typ: 'at+jwt', kid: t.service.keys.list()[0]!.kid });
    assert.deepEqual(Object.keys(payload).sort(), [
      'aud',
      'client_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'permissions',
      'roles',
      'sid',
      'sub',
    ]);
    const iat = Math.floor(T0 / 1000);
    assert.equal(payload.iss, 'https://auth.example.com');
    assert.equal(payload.aud, 'api');
    assert.equal(payload.sub, userId);
    assert.equal(payload.sid, sessionId);
    assert.equal(payload.client_id, 'tessera');
    assert.equal(payload.iat, iat);
    assert.equal(payload.exp, iat + 600);
    assert.equal(expiresIn, 600);
    assert.deepEqual(payload.roles, ['user', 'editor']);
    assert.deepEqual(payload.permissions, ['posts:write']);
    assert.match(payload.jti as string, /^[A-Za-z0-9_-]{22,}$/);
    // Every token has its own jti.
    const again = await loginOk(t.service, 'ada@example.com');
    assert.notEqual(decodeJwtUnverified(again.accessToken).payload.jti, payload.jti);
  });

  it('the lifetime is configurable', async () => {
    const t = await openTestService({ config: { accessTokenTtlSeconds: 120 } });
    after(() => t.cleanup());
    await addUser(t.service, 'ada@example.com');
    const { accessToken, expiresIn } = await loginOk(t.service, 'ada@example.com');
    const { payload } = decodeJwtUnverified(accessToken);
    assert.equal((payload.exp as number) - (payload.iat as number), 120);
    assert.equal(expiresIn, 120);
  });

  for (const alg of ['EdDSA', 'ES256', 'RS256', 'PS256', 'HS256'] satisfies Alg[]) {
    it(`${alg} is selectable: tokens signed with it verify, and the JWKS holds no private member`, async () => {
      const t = await openTestService({ config: { signingAlg: alg } });
      after(() => t.cleanup());
      await addUser(t.service, 'ada@example.com');
      const { accessToken } = await loginOk(t.service, 'ada@example.com');
      assert.equal(decodeJwtUnverified(accessToken).header.alg, alg);
      assert.equal((await t.service.sessions.authenticate(accessToken)).status, 'ok');

      const jwks = JSON.parse(JSON.stringify(t.service.keys.jwks())) as { keys: Record<string, unknown>[] };
      for (const jwk of jwks.keys) {
        for (const member of PRIVATE_MEMBERS)
          assert.equal(jwk[member], undefined, `${alg} JWKS has ${member}`);
      }
      if (alg === 'HS256') {
        // A shared secret is never published.
        assert.deepEqual(jwks.keys, []);
      } else {
        assert.equal(jwks.keys.length, 1);
        assert.equal(jwks.keys[0]!.alg, alg);
        // Anyone with the JWKS can verify, the way a guard does.
        const { payload } = verifyJwt(accessToken, createKeySet(jwks as never), {
          algorithms: [alg],
          issuer: t.config.issuer,
          audience: t.config.audience,
          typ: 'at+jwt',
          now: new Date(t.clock.now()),
        });
        assert.equal(payload.sid, decodeJwtUnverified(accessToken).payload.sid);
      }
    });
  }

  it('refuses a token of another issuer key, a wrong iss or aud, a missing claim, or typ JWT', async () => {
    const t = await openTestService();
    after(() => t.cleanup());
    const other = await openTestService();
    after(() => other.cleanup());
    for (const s of [t, other]) await addUser(s.service, 'ada@example.com');
    const mine = await loginOk(t.service, 'ada@example.com');
    const foreign = await loginOk(other.service, 'ada@example.com');
    assert.equal((await other.service.sessions.authenticate(foreign.accessToken)).status, 'ok', 'control');
    assert.deepEqual(await t.service.sessions.authenticate(foreign.accessToken), { status: 'invalid' });

    // Our own key, our own claims, one thing changed at a time.
    const key = t.service.keys.current();
    const claims = decodeJwtUnverified(mine.accessToken).payload;
    const sign = (changed: Record<string, unknown>, typ = 'at+jwt') =>
      signJwt({ ...claims, ...changed }, key, { kid: key.kid!, typ });
    assert.equal((await t.service.sessions.authenticate(sign({}))).status, 'ok', 'control');
    assert.deepEqual(await t.service.sessions.authenticate(sign({}, 'JWT')), { status: 'invalid' });
    assert.deepEqual(await t.service.sessions.authenticate(sign({ iss: 'https://evil.example.com' })), {
      status: 'invalid',
    });
    assert.deepEqual(await t.service.sessions.authenticate(sign({ aud: 'another-api' })), {
      status: 'invalid',
    });
    assert.deepEqual(await t.service.sessions.authenticate(sign({ sid: undefined })), { status: 'invalid' });
    assert.deepEqual(await t.service.sessions.authenticate(sign({ roles: 'admin' })), { status: 'invalid' });
    // A session id that isn't this user's is not accepted either.
    const bob = await addUser(t.service, 'bob@example.com');
    assert.deepEqual(await t.service.sessions.authenticate(sign({ sub: bob })), { status: 'revoked' });
  });
});
