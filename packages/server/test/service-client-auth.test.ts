import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair } from '@tessera/jwt';
import type { ClientCredentials } from '../src/service/index.js';
import { addClient, assertion, type TestClient } from './helpers/oauth.js';
import { openTestService, type TestService } from './helpers/service.js';

const ISSUER = 'https://auth.example.com';
const TOKEN_ENDPOINT = `${ISSUER}/oauth/token`;

describe('client authentication', () => {
  let t: TestService;
  let basicClient: TestClient;
  let postClient: TestClient;
  let keyed: TestClient;
  before(async () => {
    t = await openTestService({ config: { issuer: ISSUER } });
    basicClient = await addClient(t.service, { scopes: ['a'] });
    postClient = await addClient(t.service, { authMethod: 'client_secret_post' });
    keyed = await addClient(t.service, { authMethod: 'private_key_jwt' });
  });
  after(() => t.cleanup());

  const auth = (credentials: ClientCredentials, endpoint: 'token' | 'introspection' = 'token') =>
    t.service.oauth.authenticateClient(credentials, endpoint);
  const jwt = (credentials: Parameters<typeof assertion>[3] = {}, audience: string | string[] = ISSUER) =>
    assertion(keyed, audience, t.clock.now(), credentials);
  const withAssertion = (token: string, clientId?: string): ClientCredentials => ({
    method: 'private_key_jwt',
    clientId,
    assertion: token,
  });

  it('accepts a secret by the registered method only', async () => {
    const ok = await auth({
      method: 'client_secret_basic',
      clientId: basicClient.id,
      secret: basicClient.secret!,
    });
    assert.deepEqual(ok, {
      status: 'ok',
      client: { id: basicClient.id, firstParty: false, grantTypes: ['client_credentials'], scopes: ['a'] },
    });
    assert.equal(
      (await auth({ method: 'client_secret_post', clientId: postClient.id, secret: postClient.secret! }))
        .status,
      'ok',
    );
    assert.deepEqual(
      await auth({ method: 'client_secret_post', clientId: basicClient.id, secret: basicClient.secret! }),
      { status: 'invalid', reason: 'wrong-method' },
    );
    assert.deepEqual(
      await auth({ method: 'client_secret_basic', clientId: basicClient.id, secret: postClient.secret! }),
      { status: 'invalid', reason: 'wrong-secret' },
    );
    assert.deepEqual(await auth({ method: 'client_secret_basic', clientId: 'nobody', secret: 'x' }), {
      status: 'invalid',
      reason: 'unknown-client',
    });
  });

  it('takes the first-party public client without credentials, except at introspection', async () => {
    const ok = await auth({ method: 'none', clientId: 'tessera' });
    assert.ok(ok.status === 'ok' && ok.client.firstParty);
    assert.deepEqual(await auth({ method: 'none', clientId: 'tessera' }, 'introspection'), {
      status: 'invalid',
      reason: 'public-client-refused',
    });
    // A confidential client can't drop its secret.
    assert.equal((await auth({ method: 'none', clientId: basicClient.id })).status, 'invalid');
  });

  it('private_key_jwt: a valid assertion for the issuer or the token endpoint is accepted once', async () => {
    for (const audience of [ISSUER, TOKEN_ENDPOINT, [ISSUER, 'https://elsewhere.example']]) {
      const token = jwt({}, audience);
      assert.equal((await auth(withAssertion(token, keyed.id))).status, 'ok', JSON.stringify(audience));
      assert.deepEqual(await auth(withAssertion(token)), { status: 'invalid', reason: 'assertion-replayed' });
    }
    // The endpoint called is an audience too.
    const atIntrospection = jwt({}, `${ISSUER}/oauth/introspect`);
    assert.equal((await auth(withAssertion(atIntrospection), 'introspection')).status, 'ok');
    assert.equal((await auth(withAssertion(jwt({}, `${ISSUER}/oauth/introspect`)))).status, 'invalid');
  });

  it('private_key_jwt: refuses every malformed, misdirected or overlong assertion', async () => {
    const now = Math.floor(t.clock.now() / 1000);
    const other = generateKeyPair('EdDSA');
    const bad: [string, string][] = [
      ['another audience', jwt({}, 'https://evil.example')],
      ['no jti', jwt({ claims: { jti: undefined } })],
      ['an empty jti', jwt({ claims: { jti: '' } })],
      ['a huge jti', jwt({ claims: { jti: 'j'.repeat(300) } })],
      ['no exp', jwt({ claims: { exp: undefined } })],
      ['expired past the skew', jwt({ claims: { exp: now - 31 } })],
      ['not yet valid', jwt({ claims: { nbf: now + 120 } })],
      ['alive too long', jwt({ claims: { exp: now + 3600 } })],
      ['sub is another client', jwt({ claims: { sub: basicClient.id } })],
      ['iss is another client', jwt({ claims: { iss: basicClient.id } })],
      ['typ at+jwt', jwt({ typ: 'at+jwt' })],
      ['typ dpop+jwt', jwt({ typ: 'dpop+jwt' })],
      ['signed by another key', jwt({ key: other.privateKey })],
      ['not a JWT', 'a.b.c'],
    ];
    for (const [label, token] of bad) {
      assert.equal((await auth(withAssertion(token))).status, 'invalid', label);
    }
    // client_id beside the assertion must name the same client; a secret client can't use one.
    assert.equal((await auth(withAssertion(jwt(), basicClient.id))).status, 'invalid');
    const ownedBySecretClient = assertion({ ...keyed, id: basicClient.id }, ISSUER, t.clock.now());
    assert.deepEqual(await auth(withAssertion(ownedBySecretClient)), {
      status: 'invalid',
      reason: 'wrong-method',
    });
    // Typed as a client assertion is fine.
    assert.equal((await auth(withAssertion(jwt({ typ: 'client-authentication+jwt' })))).status, 'ok');
  });

  it('private_key_jwt: a jti is refused on another instance, and usable again only once it expired', async () => {
    const token = jwt();
    assert.equal((await auth(withAssertion(token))).status, 'ok');
    const second = await t.reopen({ config: { issuer: ISSUER } });
    try {
      assert.deepEqual(await second.service.oauth.authenticateClient(withAssertion(token), 'token'), {
        status: 'invalid',
        reason: 'assertion-replayed',
      });
    } finally {
      await second.close();
    }
    // Remembered past exp by the skew: the same token is refused as expired, not taken twice.
    const jti = 'reused-after-expiry';
    assert.equal((await auth(withAssertion(jwt({ claims: { jti } })))).status, 'ok');
    t.clock.advance(80_000);
    const late = jwt({
      claims: { jti, iat: Math.floor(t.clock.now() / 1000) - 80, exp: Math.floor(t.clock.now() / 1000) - 20 },
    });
    assert.deepEqual(await auth(withAssertion(late)), { status: 'invalid', reason: 'assertion-replayed' });
    t.clock.advance(40_000);
    assert.equal((await auth(withAssertion(jwt({ claims: { jti } })))).status, 'ok');
  });

  it('maintenance purges used assertion ids once they expired', async () => {
    assert.equal((await auth(withAssertion(jwt()))).status, 'ok');
    t.clock.advance(10 * 60_000);
    await t.service.maintain();
    assert.equal(await t.store.tokenIds.purge(t.clock.now()), 0, 'maintain() already purged them');
    assert.equal(
      await t.store.tokenIds.add('client-assertion', 'fresh', t.clock.now() + 1, t.clock.now()),
      true,
    );
  });
});
