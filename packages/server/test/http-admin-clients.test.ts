import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportJwk, generateKeyPair } from '@tessera/jwt';
import { bearer, errorBody, json, openTestApp, signIn, type TestApp } from './helpers/http.js';
import { basic, postForm } from './helpers/oauth.js';

interface ClientView {
  client_id: string;
  name: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  scopes: string[];
  jwks?: unknown;
  client_secret?: string;
  created_at: string;
  updated_at: string;
}

describe('admin API: /admin/clients', () => {
  let t: TestApp;
  let admin: string;
  let user: string;
  before(async () => {
    t = await openTestApp();
    admin = (await signIn(t, 'root@example.com', { roles: ['admin'] })).access_token;
    user = (await signIn(t, 'ada@example.com')).access_token;
  });
  after(() => t.cleanup());

  const create = (payload: Record<string, unknown>, token = admin) =>
    t.app.inject({ method: 'POST', url: '/admin/clients', headers: bearer(token), payload });

  it('registers a client; the secret is in the 201 answer only, and it works at once', async () => {
    const res = await create({ name: 'billing', scopes: ['invoices:read'] });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = json<ClientView>(res);
    assert.deepEqual(Object.keys(body).sort(), [
      'client_id',
      'client_secret',
      'created_at',
      'grant_types',
      'name',
      'scopes',
      'token_endpoint_auth_method',
      'updated_at',
    ]);
    assert.equal(body.token_endpoint_auth_method, 'client_secret_basic');
    const token = await postForm(
      t.app,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basic(body.client_id, body.client_secret!) },
    );
    assert.equal(token.statusCode, 200);
    const list = json<{ clients: ClientView[] }>(
      await t.app.inject({ method: 'GET', url: '/admin/clients', headers: bearer(admin) }),
    );
    const listed = list.clients.find((c) => c.client_id === body.client_id);
    assert.equal(listed?.name, 'billing');
    assert.equal(listed?.client_secret, undefined);
    assert.ok(!JSON.stringify(list).includes(body.client_secret!));
    const [event] = await t.store.audit.list({ limit: 1, type: 'client-created' });
    assert.equal(event?.details.clientId, body.client_id);
    assert.ok(event?.userId !== null);
  });

  it('registers a private_key_jwt client with its public JWKS and no secret', async () => {
    const { publicKey } = generateKeyPair('ES256', { kid: 'k1' });
    const res = await create({
      name: 'batch',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [exportJwk(publicKey)] },
    });
    assert.equal(res.statusCode, 201, res.body);
    const body = json<ClientView>(res);
    assert.equal(body.client_secret, undefined);
    assert.deepEqual(body.jwks, { keys: [exportJwk(publicKey)] });
    const rotate = await t.app.inject({
      method: 'POST',
      url: `/admin/clients/${body.client_id}/rotate-secret`,
      headers: bearer(admin),
    });
    assert.equal(rotate.statusCode, 400);
  });

  it('refuses bad input with a fixed description', async () => {
    const { privateKey } = generateKeyPair('EdDSA');
    for (const payload of [
      {},
      { name: '' },
      { name: 'x', scopes: ['with space'] },
      { name: 'x', grant_types: ['password'] },
      { name: 'x', token_endpoint_auth_method: 'none' },
      { name: 'x', token_endpoint_auth_method: 'private_key_jwt' },
      {
        name: 'x',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [exportJwk(privateKey, { private: true })] },
      },
      { name: 'x', client_secret: 'chosen by me' },
    ]) {
      const res = await create(payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorBody(res).error, 'invalid_request');
      assert.ok(!res.body.includes('chosen by me'));
    }
  });

  it('rotates a secret: the old one stops working at once', async () => {
    const created = json<ClientView>(await create({ name: 'rotating' }));
    const res = await t.app.inject({
      method: 'POST',
      url: `/admin/clients/${created.client_id}/rotate-secret`,
      headers: bearer(admin),
    });
    assert.equal(res.statusCode, 200);
    const body = json<{ client_id: string; client_secret: string }>(res);
    assert.equal(body.client_id, created.client_id);
    const tokenWith = (secret: string) =>
      postForm(
        t.app,
        '/oauth/token',
        { grant_type: 'client_credentials' },
        { authorization: basic(created.client_id, secret) },
      );
    assert.equal((await tokenWith(created.client_secret!)).statusCode, 401);
    assert.equal((await tokenWith(body.client_secret)).statusCode, 200);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/admin/clients/nope/rotate-secret',
      headers: bearer(admin),
    });
    assert.equal(missing.statusCode, 404);
  });

  it('removes a client', async () => {
    const created = json<ClientView>(await create({ name: 'gone' }));
    const del = () =>
      t.app.inject({ method: 'DELETE', url: `/admin/clients/${created.client_id}`, headers: bearer(admin) });
    assert.equal((await del()).statusCode, 204);
    assert.equal((await del()).statusCode, 404);
  });

  it('needs role admin', async () => {
    for (const request of [
      { method: 'GET', url: '/admin/clients' },
      { method: 'POST', url: '/admin/clients', payload: { name: 'x' } },
      { method: 'POST', url: '/admin/clients/x/rotate-secret' },
      { method: 'DELETE', url: '/admin/clients/x' },
    ] as const) {
      assert.equal((await t.app.inject({ ...request, headers: bearer(user) })).statusCode, 403, request.url);
      assert.equal((await t.app.inject(request)).statusCode, 401, request.url);
    }
  });
});
