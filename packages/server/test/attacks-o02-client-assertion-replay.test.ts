// O2: client assertion replay and confusion (RFC 7523, RFC 7521 §4.2). A private_key_jwt assertion
// is single-use across every instance on the database, including under concurrency (two instances
// racing on PostgreSQL; SQLite instances are separate processes, whose race the store conformance
// suite covers); an assertion
// for another audience, or one of the server's own access tokens, does not authenticate a client;
// a refresh token can't be redeemed by a client it doesn't belong to (docs/security.md R11).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/http/app.js';
import { createMetrics } from '../src/http/metrics.js';
import { createTesseraService, FrozenClock } from '../src/service/index.js';
import { createSqlStore } from '../src/store/index.js';
import { errorBody, json, openTestApp, signIn, type TestApp } from './helpers/http.js';
import {
  addClient,
  assertion,
  assertionParams,
  basic,
  postForm,
  type TestClient,
  type TokenResponse,
} from './helpers/oauth.js';
import { dropSchema, postgresForTests, randomSchemaName } from './helpers/postgres.js';
import { T0, tempDir, testConfig } from './helpers/service.js';

const ISSUER = 'https://auth.example.com';
const CC = { grant_type: 'client_credentials' };

describe('O2 client assertion replay and confusion', () => {
  let a: TestApp;
  let b: TestApp;
  let keyed: TestClient;
  before(async () => {
    a = await openTestApp({ config: { issuer: ISSUER } });
    // A second instance on the same database, KEK and clock.
    b = await openTestApp({ dir: a.dir, kek: a.kek, clock: a.clock, config: { issuer: ISSUER } });
    keyed = await addClient(a.service, { authMethod: 'private_key_jwt', grantTypes: ['client_credentials'] });
  });
  after(async () => {
    await b.close();
    await a.cleanup();
  });

  const fresh = () => assertionParams(assertion(keyed, ISSUER, a.clock.now()));

  it('an assertion used on one instance is refused on the other', async () => {
    const params = fresh();
    assert.equal((await postForm(a.app, '/oauth/token', { ...CC, ...params })).statusCode, 200);
    const replay = await postForm(b.app, '/oauth/token', { ...CC, ...params });
    assert.equal(replay.statusCode, 401);
    assert.equal(errorBody(replay).error, 'invalid_client');
  });

  it('of 20 concurrent uses of one assertion, exactly one gets a token', async () => {
    const params = fresh();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => postForm(a.app, '/oauth/token', { ...CC, ...params })),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, ...Array(19).fill(401)]);
  });

  it('an assertion made for another authorization server does not authenticate here', async () => {
    for (const audience of [
      'https://evil.example',
      'https://evil.example/oauth/token',
      `${ISSUER}.evil.example`,
    ]) {
      const res = await postForm(a.app, '/oauth/token', {
        ...CC,
        ...assertionParams(assertion(keyed, audience, a.clock.now())),
      });
      assert.equal(res.statusCode, 401, audience);
    }
  });

  it("the server's own access tokens are not client assertions", async () => {
    const secretClient = await addClient(a.service, { grantTypes: ['client_credentials'] });
    const own = json<TokenResponse>(
      await postForm(a.app, '/oauth/token', CC, {
        authorization: basic(secretClient.id, secretClient.secret!),
      }),
    ).access_token;
    const user = await signIn(a, 'ada@example.com');
    for (const token of [own, user.access_token]) {
      const res = await postForm(a.app, '/oauth/token', { ...CC, ...assertionParams(token) });
      assert.equal(res.statusCode, 401);
      assert.equal(errorBody(res).error, 'invalid_client');
    }
  });

  it("a refresh token can't be redeemed by a client it does not belong to (R11)", async () => {
    const user = await signIn(a, 'bea@example.com');
    const other = await addClient(a.service, { grantTypes: ['client_credentials'] });
    const res = await postForm(
      a.app,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: user.refresh_token },
      { authorization: basic(other.id, other.secret!) },
    );
    assert.equal(res.statusCode, 400);
    assert.equal(errorBody(res).error, 'unauthorized_client');
    // The token was not consumed: its owner still refreshes with it.
    const owner = await postForm(a.app, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: user.refresh_token,
      client_id: 'tessera',
    });
    assert.equal(owner.statusCode, 200);
  });
});

const postgres = await postgresForTests('O2 assertion replay on PostgreSQL');

describe('O2 on PostgreSQL: two instances race one assertion', { skip: postgres.skip }, () => {
  it('of 20 concurrent uses on two instances, exactly one gets a token', async () => {
    const schema = randomSchemaName();
    const dir = await tempDir();
    const kek = randomBytes(32);
    const clock = new FrozenClock(T0);
    const config = testConfig(dir.path, { databaseUrl: postgres.url, issuer: ISSUER });
    const open = async () => {
      const store = await createSqlStore({ dialect: 'postgres', connectionString: postgres.url, schema });
      const service = createTesseraService({ config, store, kek, clock });
      await service.keys.load();
      await service.keys.maintain();
      const app = await buildApp({
        service,
        metrics: createMetrics({ defaultMetrics: false }),
        logger: false,
      });
      return { store, service, app };
    };
    const first = await open();
    const second = await open();
    after(async () => {
      for (const instance of [first, second]) {
        await instance.app.close();
        await instance.store.close();
      }
      await dropSchema(postgres.url, schema);
      await dir.cleanup();
    });
    const client = await addClient(first.service, { authMethod: 'private_key_jwt' });
    const params = assertionParams(assertion(client, ISSUER, clock.now()));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postForm((i % 2 === 0 ? first : second).app, '/oauth/token', { ...CC, ...params }),
      ),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, ...Array(19).fill(401)]);
  });
});
