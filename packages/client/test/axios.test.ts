import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import axios, { type AxiosError } from 'axios';
import { attachAxios } from '../src/axios.js';
import { createClient, TesseraClientError } from '../src/index.js';
import { FakeClock } from './support/fake-clock.js';
import { FakeServer } from './support/fake-server.js';

const BASE = 'https://auth.test';

async function setup() {
  const clock = new FakeClock();
  const server = new FakeServer();
  const client = createClient({
    baseUrl: BASE,
    mode: 'token',
    fetch: server.fetch,
    ...clock.options,
    autoRefresh: false,
  });
  // axios's own fetch adapter, over the fake server.
  const api = axios.create({ baseURL: `${BASE}/api`, adapter: 'fetch', env: { fetch: server.fetch } });
  const detach = attachAxios(api, client);
  return { clock, server, client, api, detach };
}

const challenge = { 'www-authenticate': 'Bearer error="invalid_token"' };

describe('@tessera/client/axios', () => {
  test('attaches the access token to every request', async () => {
    const { server, client, api } = await setup();
    await client.login('ada@example.com', 'right password');
    const { data } = await api.post('/orders', { n: 1 });
    assert.equal(data.user, 'ada@example.com');
    assert.equal(
      server.requests.at(-1)!.headers.get('authorization'),
      `Bearer ${await client.getAccessToken()}`,
    );
  });

  test('a 401 invalid_token: one refresh, one retry with the new token', async () => {
    const { server, client, api } = await setup();
    await client.login('ada@example.com', 'right password');
    server.revokeAccessTokens();
    const { status } = await api.get('/orders');
    assert.equal(status, 200);
    assert.equal(server.count('POST /auth/refresh'), 1);
    const [first, retry] = server.requests.filter((r) => r.path === '/api/orders');
    assert.notEqual(first!.headers.get('authorization'), retry!.headers.get('authorization'));
  });

  test('a second 401 is the caller’s error: never a loop', async () => {
    const { server, client, api } = await setup();
    await client.login('ada@example.com', 'right password');
    server.apiAnswers.push(new Response(null, { status: 401, headers: challenge }));
    server.apiAnswers.push(new Response(null, { status: 401, headers: challenge }));
    await assert.rejects(api.get('/orders'), (err: AxiosError) => err.response?.status === 401);
    assert.equal(server.count('POST /auth/refresh'), 1);
    assert.equal(server.count('GET /api/orders'), 2);
  });

  test('after expiry, 10 concurrent requests make one refresh', async () => {
    const { clock, server, client, api } = await setup();
    await client.login('ada@example.com', 'right password');
    await clock.advance(601_000);
    const all = await Promise.all(Array.from({ length: 10 }, () => api.get('/orders')));
    assert.deepEqual(new Set(all.map((r) => r.status)), new Set([200]));
    assert.equal(server.count('POST /auth/refresh'), 1);
  });

  test('signed out: the request is refused before it is sent; a revoked session signs out', async () => {
    const { server, client, api } = await setup();
    await assert.rejects(
      api.get('/orders'),
      (err: unknown) => err instanceof TesseraClientError && err.code === 'ERR_CLIENT_NOT_SIGNED_IN',
    );
    assert.equal(server.count('GET /api/orders'), 0);
    await client.login('ada@example.com', 'right password');
    server.revokeAll();
    await assert.rejects(api.get('/orders'), { code: 'ERR_CLIENT_NOT_SIGNED_IN' });
    assert.equal(client.status, 'signed-out');
  });

  test('other errors pass through untouched', async () => {
    const { server, client, api } = await setup();
    await client.login('ada@example.com', 'right password');
    server.apiAnswers.push(new Response('{}', { status: 403 }));
    await assert.rejects(api.get('/orders'), (err: AxiosError) => err.response?.status === 403);
    assert.equal(server.count('POST /auth/refresh'), 0);
  });

  test('the returned function removes the interceptors', async () => {
    const { server, client, api, detach } = await setup();
    await client.login('ada@example.com', 'right password');
    detach();
    await assert.rejects(api.get('/orders'), (err: AxiosError) => err.response?.status === 401);
    assert.equal(server.requests.at(-1)!.headers.get('authorization'), null);
  });
});
