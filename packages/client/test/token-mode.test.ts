import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ClientEvent, createClient, TesseraClientError } from '../src/index.js';
import { FakeClock } from './support/fake-clock.js';
import { FakeServer, MemoryStorage } from './support/fake-server.js';

const BASE = 'https://auth.test';
const PASSWORD = 'right password';

function setup(opts: { storage?: MemoryStorage; server?: FakeServer; clock?: FakeClock } = {}) {
  const clock = opts.clock ?? new FakeClock();
  const server = opts.server ?? new FakeServer();
  const events: ClientEvent[] = [];
  const client = createClient({
    baseUrl: `${BASE}/`,
    mode: 'token',
    fetch: server.fetch,
    ...clock.options,
    random: () => 0.5,
    ...(opts.storage ? { storage: opts.storage } : {}),
  });
  client.subscribe((e) => events.push(e));
  return { clock, server, client, events };
}

const code = (c: string) => (err: unknown) => err instanceof TesseraClientError && err.code === c;

describe('token mode: login, fetch, logout', () => {
  test('login keeps the refresh token in storage and fetch attaches the access token', async () => {
    const storage = new MemoryStorage();
    const { client, server, events } = setup({ storage });
    assert.equal(client.status, 'unknown');
    await client.login('ada@example.com', PASSWORD);
    assert.equal(client.status, 'signed-in');
    assert.deepEqual(events, ['signed-in']);
    assert.equal(storage.items.get('tessera.refresh_token'), 'rt-1');
    const res = await client.fetch(`${BASE}/api/orders`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { user: 'ada@example.com', path: '/api/orders', body: 'x' });
    const sent = server.requests.at(-1)!;
    assert.equal(sent.headers.get('authorization'), `Bearer ${await client.getAccessToken()}`);
    // The trailing slash of baseUrl was dropped.
    assert.equal(server.requests[0]!.path, '/auth/login');
  });

  test('a Request input keeps its headers, and is replayed intact on the retry', async () => {
    const { client, server } = setup();
    await client.login('ada@example.com', PASSWORD);
    server.revokeAccessTokens();
    const request = new Request(`${BASE}/api/echo`, {
      method: 'PUT',
      body: 'payload',
      headers: { 'x-a': '1' },
    });
    const res = await client.fetch(request);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).body, 'payload');
    assert.equal(server.count('POST /auth/refresh'), 1);
    const [first, retry] = server.requests.filter((r) => r.path === '/api/echo');
    assert.equal(first!.headers.get('x-a'), '1');
    assert.equal(retry!.headers.get('x-a'), '1');
    assert.notEqual(first!.headers.get('authorization'), retry!.headers.get('authorization'));
  });

  test('a 401 invalid_token refreshes once and retries once; a second 401 is returned, never a loop', async () => {
    const { client, server } = setup();
    await client.login('ada@example.com', PASSWORD);
    const challenge = { 'www-authenticate': 'Bearer error="invalid_token"' };
    server.apiAnswers.push(new Response(null, { status: 401, headers: challenge }));
    server.apiAnswers.push(new Response(null, { status: 401, headers: challenge }));
    const res = await client.fetch(`${BASE}/api/x`);
    assert.equal(res.status, 401);
    assert.equal(server.count('POST /auth/refresh'), 1);
    assert.equal(server.count('GET /api/x'), 2);
  });

  test('a 401 without invalid_token (e.g. no error attribute) is returned as is, without a refresh', async () => {
    const { client, server } = setup();
    await client.login('ada@example.com', PASSWORD);
    server.apiAnswers.push(
      new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer realm="api"' } }),
    );
    assert.equal((await client.fetch(`${BASE}/api/x`)).status, 401);
    assert.equal(server.count('POST /auth/refresh'), 0);
  });

  test('restore reads the stored refresh token after a restart; without one it is a state, not an error', async () => {
    const storage = new MemoryStorage();
    const first = setup({ storage });
    await first.client.login('ada@example.com', PASSWORD);
    const second = setup({ storage, server: first.server });
    assert.equal(await second.client.restore(), true);
    assert.deepEqual(second.events, ['signed-in']);
    assert.notEqual(storage.items.get('tessera.refresh_token'), 'rt-1'); // rotated
    const empty = setup();
    assert.equal(await empty.client.restore(), false);
    assert.equal(empty.client.status, 'signed-out');
    assert.deepEqual(empty.events, ['signed-out']);
    assert.equal(empty.server.log.length, 0);
    await assert.rejects(empty.client.fetch(`${BASE}/api/x`), code('ERR_CLIENT_NOT_SIGNED_IN'));
    assert.equal(await empty.client.getAccessToken(), null);
  });

  test('logout tells the server, clears storage and memory, and signs out', async () => {
    const storage = new MemoryStorage();
    const { client, server, events } = setup({ storage });
    await client.login('ada@example.com', PASSWORD);
    await client.logout();
    const sent = server.requests.at(-1)!;
    assert.equal(sent.path, '/auth/logout');
    assert.match(sent.headers.get('authorization') ?? '', /^Bearer at-/);
    assert.equal(JSON.parse(sent.body).refresh_token, 'rt-1');
    assert.equal(storage.items.size, 0);
    assert.deepEqual(events, ['signed-in', 'signed-out']);
    assert.equal(await client.getAccessToken(), null);
    assert.equal(await client.restore(), false);
  });

  test('logout without the network still signs out here, and says the server was not told', async () => {
    const storage = new MemoryStorage();
    const { client, server, events } = setup({ storage });
    await client.login('ada@example.com', PASSWORD);
    server.offline = true;
    await assert.rejects(client.logout(), code('ERR_CLIENT_NETWORK'));
    assert.equal(client.status, 'signed-out');
    assert.deepEqual(events, ['signed-in', 'signed-out']);
    assert.equal(storage.items.size, 0);
  });

  test('logoutEverywhere ends every session of the user', async () => {
    const a = setup();
    await a.client.login('ada@example.com', PASSWORD);
    const b = setup({ server: a.server, clock: a.clock });
    await b.client.login('ada@example.com', PASSWORD);
    await a.client.logoutEverywhere();
    assert.equal(a.client.status, 'signed-out');
    // b's next call: 401, one refresh that fails, signed out.
    await assert.rejects(b.client.fetch(`${BASE}/api/x`), code('ERR_CLIENT_NOT_SIGNED_IN'));
    assert.equal(b.client.status, 'signed-out');
    assert.deepEqual(b.events, ['signed-in', 'signed-out']);
  });

  test('a revoked session is signed out on its next call, once for 20 concurrent calls', async () => {
    const storage = new MemoryStorage();
    const { client, server, events } = setup({ storage });
    await client.login('ada@example.com', PASSWORD);
    server.revokeAll();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.fetch(`${BASE}/api/x`)));
    for (const r of results) assert.ok(r.status === 'rejected' && code('ERR_CLIENT_NOT_SIGNED_IN')(r.reason));
    assert.equal(server.count('POST /auth/refresh'), 1);
    assert.deepEqual(events, ['signed-in', 'signed-out']);
    assert.equal(storage.items.size, 0);
  });
});

describe('token mode: errors', () => {
  const cases: [string, string, number | undefined][] = [
    ['secret-wrong', 'ERR_CLIENT_INVALID_CREDENTIALS', 401],
    ['secret-blocked', 'ERR_CLIENT_ACCOUNT_BLOCKED', 403],
    ['secret-short', 'ERR_CLIENT_INVALID_REQUEST', 400],
    ['secret-busy', 'ERR_CLIENT_RATE_LIMITED', 429],
    ['secret-boom', 'ERR_CLIENT_SERVER', 500],
  ];
  for (const [password, expected, status] of cases) {
    test(`login refused with ${status} → ${expected}; the message never holds the password`, async () => {
      const { client, events } = setup();
      await assert.rejects(client.login('ada@example.com', password), (err: TesseraClientError) => {
        assert.equal(err.code, expected);
        assert.equal(err.status, status);
        assert.equal(err.name, 'TesseraClientError');
        assert.ok(!err.message.includes('secret'));
        if (expected === 'ERR_CLIENT_RATE_LIMITED') assert.equal(err.retryAfter, 30);
        return true;
      });
      assert.deepEqual(events, []);
    });
  }

  test('an unreachable server is ERR_CLIENT_NETWORK with the cause kept', async () => {
    const client = createClient({
      baseUrl: BASE,
      mode: 'token',
      fetch: async () => {
        throw new TypeError('getaddrinfo ENOTFOUND');
      },
    });
    await assert.rejects(client.login('ada@example.com', PASSWORD), (err: TesseraClientError) => {
      assert.equal(err.code, 'ERR_CLIENT_NETWORK');
      assert.ok(err.cause instanceof TypeError);
      return true;
    });
  });

  test("the caller's own abort passes through as an AbortError", async () => {
    const server = new FakeServer();
    const client = createClient({
      baseUrl: BASE,
      mode: 'token',
      fetch: async (input, init) => {
        if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
        return server.fetch(input, init);
      },
    });
    await client.login('ada@example.com', PASSWORD);
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(client.fetch(`${BASE}/api/x`, { signal: abort.signal }), { name: 'AbortError' });
  });

  test('register returns the server answer and does not sign in', async () => {
    const { client, events } = setup();
    assert.deepEqual(await client.register('ada@example.com', PASSWORD), {
      id: 'u-1',
      email: 'ada@example.com',
    });
    assert.deepEqual(events, []);
    assert.equal(client.status, 'unknown');
  });
});
