// Interop with a third-party OAuth client: openid-client (panva, v6) against the server on a real
// socket. It discovers the RFC 8414 metadata, gets client_credentials tokens with each client
// authentication method, refreshes a user's token, introspects and revokes; with its DPoP handle it
// gets a DPoP-bound token (also through a server nonce) and calls an API behind @tessera/guard. A
// failure here is the server's (or the guard's) to fix, never the test's to loosen.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createGuard, type Guard } from '@tessera/guard';
import { tesseraGuard } from '@tessera/guard/fastify';
import { createKeySet, decodeJwtUnverified, type Jwk, verifyJwt } from '@tessera/jwt';
import Fastify, { type FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import { FrozenClock } from '../src/service/index.js';
import { openTestApp, type TestApp } from './helpers/http.js';
import { addClient, type TestClient } from './helpers/oauth.js';
import { PASSWORD } from './helpers/service.js';

/** openid-client signs assertions with the real time, so the server must run on it too. */
class RealClock extends FrozenClock {
  override now(): number {
    return Date.now();
  }
}

/** A port that was free a moment ago: the issuer URL must be known before the app is built. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('interop: openid-client v6', () => {
  let t: TestApp;
  let issuer: string;
  const options: oidc.DiscoveryRequestOptions = {
    execute: [oidc.allowInsecureRequests],
    algorithm: 'oauth2',
  };

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await openTestApp({ config: { issuer, audience: 'api' }, clock: new RealClock(Date.now()) });
    await t.app.listen({ port, host: '127.0.0.1' });
  });
  after(() => t.cleanup());

  const discover = (clientId: string, auth: oidc.ClientAuth) =>
    oidc.discovery(new URL(issuer), clientId, undefined, auth, options);

  /** Verifies an access token against the server's JWKS, over the socket. */
  const verify = async (token: string) => {
    const jwks = (await (await fetch(`${issuer}/.well-known/jwks.json`)).json()) as { keys: Jwk[] };
    return verifyJwt(token, createKeySet(jwks), {
      algorithms: ['EdDSA'],
      issuer,
      audience: 'api',
      typ: 'at+jwt',
    }).payload;
  };

  /** The client_credentials round trip: token, introspection (active), revocation, introspection (inactive). */
  const roundTrip = async (client: TestClient, auth: oidc.ClientAuth) => {
    const config = await discover(client.id, auth);
    assert.equal(config.serverMetadata().token_endpoint, `${issuer}/oauth/token`);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'jobs:run' });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'jobs:run');
    assert.ok((tokens.expiresIn() ?? 0) > 500);
    const claims = await verify(tokens.access_token);
    assert.deepEqual([claims.sub, claims.client_id, claims.scope], [client.id, client.id, 'jobs:run']);
    const facts = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.deepEqual(
      [facts.active, facts.client_id, facts.scope, facts.sub],
      [true, client.id, 'jobs:run', client.id],
    );
    await oidc.tokenRevocation(config, tokens.access_token);
    assert.deepEqual(await oidc.tokenIntrospection(config, tokens.access_token), { active: false });
  };

  it('client_credentials with client_secret_basic', async () => {
    const client = await addClient(t.service, { scopes: ['jobs:run', 'jobs:read'] });
    await roundTrip(client, oidc.ClientSecretBasic(client.secret!));
  });

  it('client_credentials with client_secret_post', async () => {
    const client = await addClient(t.service, { authMethod: 'client_secret_post', scopes: ['jobs:run'] });
    await roundTrip(client, oidc.ClientSecretPost(client.secret!));
  });

  const algorithms: [string, webcrypto.Algorithm | webcrypto.EcKeyGenParams][] = [
    ['Ed25519', { name: 'Ed25519' }],
    ['ES256', { name: 'ECDSA', namedCurve: 'P-256' }],
  ];
  for (const [name, algorithm] of algorithms) {
    it(`client_credentials with private_key_jwt (${name}, a WebCrypto key)`, async () => {
      const pair = (await webcrypto.subtle.generateKey(algorithm, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const publicJwk = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
      const kid = `${name}-key`;
      const client = await addClient(t.service, {
        authMethod: 'private_key_jwt',
        scopes: ['jobs:run'],
        jwks: { keys: [{ ...publicJwk, kid }] },
      });
      await roundTrip(client, oidc.PrivateKeyJwt({ key: pair.privateKey, kid }));
    });
  }

  it("refreshes a user's token as the first-party public client, then introspects and revokes it", async () => {
    await t.service.accounts.register('ada@example.com', PASSWORD);
    const login = await fetch(`${issuer}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', password: PASSWORD }),
    });
    const { refresh_token: first, session_id: sessionId } = (await login.json()) as Record<string, string>;
    const app = await discover('tessera', oidc.None());
    const refreshed = await oidc.refreshTokenGrant(app, first as string);
    assert.equal(refreshed.token_type, 'bearer');
    assert.ok(refreshed.refresh_token !== undefined && refreshed.refresh_token !== first);
    assert.equal(decodeJwtUnverified(refreshed.access_token).payload.sid, sessionId);

    const resource = await addClient(t.service);
    const rs = await discover(resource.id, oidc.ClientSecretBasic(resource.secret!));
    const facts = await oidc.tokenIntrospection(rs, refreshed.refresh_token);
    assert.deepEqual(
      [facts.active, facts.token_type, facts.client_id, facts.sid],
      [true, 'refresh_token', 'tessera', sessionId],
    );
    assert.deepEqual(await oidc.tokenIntrospection(rs, first as string), { active: false });
    assert.equal((await oidc.tokenIntrospection(rs, refreshed.access_token)).active, true);

    await oidc.tokenRevocation(app, refreshed.refresh_token);
    assert.deepEqual(await oidc.tokenIntrospection(rs, refreshed.refresh_token), { active: false });
    assert.deepEqual(await oidc.tokenIntrospection(rs, refreshed.access_token), { active: false });
    await assert.rejects(
      oidc.refreshTokenGrant(app, refreshed.refresh_token),
      (err: Error & { error?: string }) => {
        assert.equal(err.error, 'invalid_grant');
        return true;
      },
    );
  });

  it('a wrong secret fails with invalid_client and the 401 challenge', async () => {
    const client = await addClient(t.service, { scopes: ['jobs:run'] });
    const config = await discover(client.id, oidc.ClientSecretBasic('not the secret'));
    await assert.rejects(
      oidc.clientCredentialsGrant(config),
      (err: Error & { status?: number; cause?: unknown }) => {
        assert.ok(err instanceof oidc.WWWAuthenticateChallengeError, err.message);
        assert.equal(err.status, 401);
        assert.deepEqual(err.cause, [{ scheme: 'basic', parameters: { realm: 'tessera' } }]);
        return true;
      },
    );
  });
});

/** A Fastify API behind @tessera/guard, trusting `issuer`'s JWKS: GET /jobs needs the jobs:run scope. */
async function guardedApi(issuer: string): Promise<{ url: string; guard: Guard; app: FastifyInstance }> {
  const guard = createGuard({
    issuer,
    audience: 'api',
    algorithms: ['EdDSA'],
    jwksUri: `${issuer}/.well-known/jwks.json`,
  });
  const app = Fastify();
  await app.register(tesseraGuard, { guard });
  app.get('/jobs', { config: { auth: { scopes: ['jobs:run'] } } }, async (request) => ({
    clientId: request.auth?.clientId,
    jkt: request.auth?.dpopJkt,
  }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, guard, app };
}

for (const nonce of [false, true]) {
  describe(`interop: openid-client v6 DPoP (RFC 9449)${nonce ? ' with server nonces' : ''}`, () => {
    let t: TestApp;
    let issuer: string;
    let api: Awaited<ReturnType<typeof guardedApi>>;
    before(async () => {
      const port = await freePort();
      issuer = `http://127.0.0.1:${port}`;
      t = await openTestApp({
        config: { issuer, audience: 'api', dpop: { nonce } },
        clock: new RealClock(Date.now()),
      });
      await t.app.listen({ port, host: '127.0.0.1' });
      api = await guardedApi(issuer);
    });
    after(async () => {
      await api.app.close();
      await api.guard.close();
      await t.cleanup();
    });

    it('getDPoPHandle: a DPoP-bound client_credentials token, accepted by a guarded Fastify API', async () => {
      const client = await addClient(t.service, { scopes: ['jobs:run'] });
      const config = await oidc.discovery(
        new URL(issuer),
        client.id,
        undefined,
        oidc.ClientSecretBasic(client.secret!),
        { execute: [oidc.allowInsecureRequests], algorithm: 'oauth2' },
      );
      assert.deepEqual(config.serverMetadata().dpop_signing_alg_values_supported, [
        'ES256',
        'EdDSA',
        'PS256',
        'RS256',
      ]);
      const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'jobs:run' }, { DPoP });
      assert.equal(tokens.token_type, 'dpop');
      const jkt = (decodeJwtUnverified(tokens.access_token).payload.cnf as { jkt: string }).jkt;
      assert.equal(typeof jkt, 'string');

      const facts = await oidc.tokenIntrospection(config, tokens.access_token);
      assert.deepEqual([facts.active, facts.token_type, facts.cnf], [true, 'DPoP', { jkt }]);

      const jobs = new URL(`${api.url}/jobs`);
      for (let i = 0; i < 2; i++) {
        const res = await oidc.fetchProtectedResource(
          config,
          tokens.access_token,
          jobs,
          'GET',
          undefined,
          undefined,
          { DPoP },
        );
        assert.equal(res.status, 200, await res.clone().text());
        assert.deepEqual(await res.json(), { clientId: client.id, jkt });
      }
      // The same token without the key is worth nothing: as Bearer, or as DPoP without a proof.
      const asBearer = await fetch(jobs, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(asBearer.status, 401);
      const noProof = await fetch(jobs, { headers: { authorization: `DPoP ${tokens.access_token}` } });
      assert.equal(noProof.status, 401);
      assert.match(
        noProof.headers.get('www-authenticate') ?? '',
        /^DPoP realm="api", error="invalid_dpop_proof"/,
      );
    });
  });
}
