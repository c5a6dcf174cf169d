// The RFC 8414 document lists what the server accepts and nothing else: every endpoint it names
// is called, with every authentication method and assertion algorithm it lists.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type Alg, exportJwk, generateKeyPair } from '@tessera/jwt';
import { json, openTestApp, signIn, type TestApp } from './helpers/http.js';
import {
  addClient,
  assertion,
  assertionParams,
  clientAuth,
  postForm,
  type TestClient,
} from './helpers/oauth.js';

const ISSUER = 'https://auth.example.com';

describe('the authorization server metadata', () => {
  let t: TestApp;
  // biome-ignore lint/suspicious/noExplicitAny: the document is checked member by member below
  let metadata: any;
  before(async () => {
    t = await openTestApp({ config: { issuer: ISSUER } });
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    assert.equal(res.statusCode, 200);
    metadata = json(res);
  });
  after(() => t.cleanup());

  const pathOf = (url: string) => {
    assert.ok(url.startsWith(ISSUER), url);
    return url.slice(ISSUER.length);
  };

  /** Form parameters and headers that authenticate with `method` (a fresh client of that kind). */
  const credentialsFor = async (method: string, alg: Alg = 'EdDSA', endpoint = ISSUER) => {
    if (method === 'none')
      return { params: { client_id: 'tessera' }, headers: {}, grantType: 'refresh_token' };
    if (method === 'private_key_jwt') {
      const pair = generateKeyPair(alg, { kid: randomUUID() });
      const client: TestClient = {
        ...(await addClient(t.service, {
          authMethod: 'private_key_jwt',
          jwks: { keys: [exportJwk(pair.publicKey)] },
        })),
        privateKey: pair.privateKey,
      };
      const jwt = assertion(client, endpoint, t.clock.now());
      return { params: assertionParams(jwt), headers: {}, grantType: 'client_credentials' };
    }
    const kind = method as 'client_secret_basic' | 'client_secret_post';
    const client = await addClient(t.service, { authMethod: kind });
    return { ...clientAuth(client, kind), grantType: 'client_credentials' };
  };

  it('names only endpoints this test knows how to call', () => {
    const urls = Object.entries(metadata).filter(([, v]) => typeof v === 'string' && v.startsWith('http'));
    assert.deepEqual(urls.map(([k]) => k).sort(), [
      'introspection_endpoint',
      'issuer',
      'jwks_uri',
      'revocation_endpoint',
      'tessera_refresh_endpoint',
      'tessera_revocation_feed',
      'token_endpoint',
    ]);
    assert.equal(metadata.registration_endpoint, undefined);
    assert.equal(metadata.authorization_endpoint, undefined);
  });

  it('jwks_uri and the revocation feed answer', async () => {
    const jwks = await t.app.inject({ method: 'GET', url: pathOf(metadata.jwks_uri) });
    assert.equal(jwks.statusCode, 200);
    assert.ok(json<{ keys: unknown[] }>(jwks).keys.length >= 1);
    const feed = await t.app.inject({ method: 'GET', url: pathOf(metadata.tessera_revocation_feed) });
    assert.equal(feed.statusCode, 200);
    assert.equal(typeof json(feed).cursor, 'number');
  });

  it('the token endpoint takes every grant type and authentication method listed', async () => {
    const grants = new Set<string>();
    for (const method of metadata.token_endpoint_auth_methods_supported) {
      const { params, headers, grantType } = await credentialsFor(method);
      const extra =
        grantType === 'refresh_token'
          ? { refresh_token: (await signIn(t, `${randomUUID()}@example.com`)).refresh_token }
          : {};
      const res = await postForm(
        t.app,
        pathOf(metadata.token_endpoint),
        { grant_type: grantType, ...extra, ...params },
        headers,
      );
      assert.equal(res.statusCode, 200, `${method}: ${res.body}`);
      grants.add(grantType);
    }
    assert.deepEqual([...grants].sort(), [...metadata.grant_types_supported].sort());
  });

  it('private_key_jwt works with every assertion algorithm listed', async () => {
    assert.deepEqual(
      metadata.token_endpoint_auth_signing_alg_values_supported,
      metadata.introspection_endpoint_auth_signing_alg_values_supported,
    );
    for (const alg of metadata.token_endpoint_auth_signing_alg_values_supported as Alg[]) {
      const { params } = await credentialsFor('private_key_jwt', alg);
      const res = await postForm(t.app, pathOf(metadata.token_endpoint), {
        grant_type: 'client_credentials',
        ...params,
      });
      assert.equal(res.statusCode, 200, `${alg}: ${res.body}`);
    }
  });

  it('revocation and introspection take every authentication method listed for them', async () => {
    for (const [endpoint, methods] of [
      [metadata.revocation_endpoint, metadata.revocation_endpoint_auth_methods_supported],
      [metadata.introspection_endpoint, metadata.introspection_endpoint_auth_methods_supported],
    ] as [string, string[]][]) {
      for (const method of methods) {
        const { params, headers } = await credentialsFor(method, 'EdDSA', endpoint);
        const res = await postForm(t.app, pathOf(endpoint), { token: 'A'.repeat(43), ...params }, headers);
        assert.equal(res.statusCode, 200, `${endpoint} ${method}: ${res.body}`);
      }
    }
    assert.ok(!metadata.introspection_endpoint_auth_methods_supported.includes('none'));
  });

  it('the refresh endpoint rotates a refresh token', async () => {
    const user = await signIn(t, 'ada@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: pathOf(metadata.tessera_refresh_endpoint),
      payload: { refresh_token: user.refresh_token },
    });
    assert.equal(res.statusCode, 200);
  });
});
