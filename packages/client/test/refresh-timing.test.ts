import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ClientEvent, type ClientOptions, createClient, type TesseraClientError } from '../src/index.js';
import { FakeClock, settle } from './support/fake-clock.js';
import { FakeServer } from './support/fake-server.js';

const BASE = 'https://auth.test';
// expires_in is 600; the client counts one second less (the server rounds to whole seconds).
const LIFETIME_MS = 599_000;

async function signedIn(extra: Partial<ClientOptions> = {}, random = 0.5) {
  const clock = new FakeClock();
  const server = new FakeServer();
  const events: ClientEvent[] = [];
  const client = createClient({
    baseUrl: BASE,
    mode: 'token',
    fetch: server.fetch,
    ...clock.options,
    random: () => random,
    ...extra,
  });
  client.subscribe((e) => events.push(e));
  await client.login('ada@example.com', 'right password');
  events.length = 0;
  return { clock, server, client, events };
}

const refreshes = (server: FakeServer) => server.count('POST /auth/refresh');

describe('proactive refresh', () => {
  test('fires before expiry at a jittered point: 60 % of the lifetime with random 0, ~80 % with random ~1', async () => {
    for (const [random, at] of [
      [0, 0.6 * LIFETIME_MS],
      [0.999, (0.6 + 0.999 / 5) * LIFETIME_MS],
    ] as const) {
      const { clock, server, events } = await signedIn({}, random);
      await clock.advance(Math.ceil(at) - 1);
      assert.equal(refreshes(server), 0, `random ${random}: not yet`);
      await clock.advance(1);
      assert.equal(refreshes(server), 1, `random ${random}: now`);
      assert.deepEqual(events, ['refreshed']);
    }
  });

  test('keeps the session going: one refresh per lifetime, each re-armed with the new token', async () => {
    const { clock, server, client } = await signedIn({}, 0);
    const first = await client.getAccessToken();
    await clock.advance(3 * LIFETIME_MS);
    assert.ok(refreshes(server) >= 4, `${refreshes(server)} refreshes`);
    assert.notEqual(await client.getAccessToken(), first);
    assert.equal(client.status, 'signed-in');
  });

  test('autoRefresh: false arms no timer', async () => {
    const { clock } = await signedIn({ autoRefresh: false });
    assert.deepEqual(clock.pending(), []);
  });
});

describe('on demand', () => {
  test('after expiry, 20 concurrent calls make one refresh (single flight) and all succeed', async () => {
    const { clock, server, client } = await signedIn({ autoRefresh: false });
    await clock.advance(LIFETIME_MS + 1);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.fetch(`${BASE}/api/x`)));
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    assert.equal(refreshes(server), 1);
  });

  test('a token in its last fifth (at most 10 s) counts as expired and is refreshed before use', async () => {
    const { clock, server, client } = await signedIn({ autoRefresh: false });
    await clock.advance(LIFETIME_MS - 10_001);
    await client.fetch(`${BASE}/api/x`);
    assert.equal(refreshes(server), 0);
    await clock.advance(1);
    await client.fetch(`${BASE}/api/x`);
    assert.equal(refreshes(server), 1);
  });
});

describe('backoff: never signed out for a network error or a 5xx', () => {
  test('retries a 503 and a network error with exponential backoff, then succeeds', async () => {
    const { clock, server, client, events } = await signedIn({ autoRefresh: false });
    await clock.advance(LIFETIME_MS);
    server.refreshFailures.push(503, 'network');
    let settled = false;
    const call = client.fetch(`${BASE}/api/x`).finally(() => (settled = true));
    await settle();
    assert.equal(refreshes(server), 1);
    // random 0.5: 500 ms × 0.75, then 1000 ms × 0.75.
    await clock.advance(374);
    assert.equal(refreshes(server), 1);
    await clock.advance(1);
    assert.equal(refreshes(server), 2);
    await clock.advance(749);
    assert.equal(settled, false);
    assert.equal(refreshes(server), 2);
    await clock.advance(1);
    assert.equal(refreshes(server), 3);
    assert.equal((await call).status, 200);
    assert.deepEqual(events, ['refreshed']);
  });

  test('when retries run out the call fails with ERR_CLIENT_NETWORK, the user stays signed in, and a background retry follows', async () => {
    const { clock, server, client, events } = await signedIn({ refreshRetries: 2 });
    // Only the refreshes fail (an auth server down, the API up), from the proactive one on.
    server.refreshFailures.push(...Array<'network'>(100).fill('network'));
    await clock.advance(LIFETIME_MS);
    const failed = assert.rejects(
      client.fetch(`${BASE}/api/x`),
      (err: TesseraClientError) => err.code === 'ERR_CLIENT_NETWORK',
    );
    await clock.advance(10_000);
    await failed;
    assert.equal(server.count('GET /api/x'), 0);
    assert.equal(client.status, 'signed-in');
    assert.deepEqual(events, []);
    assert.equal(clock.pending().length, 1, 'a background retry is armed');
    server.refreshFailures.length = 0;
    await clock.advance(30_000);
    assert.deepEqual(events, ['refreshed']);
    assert.equal((await client.fetch(`${BASE}/api/x`)).status, 200);
  });

  test('offline for long: background retries back off up to 30 s and never sign out', async () => {
    const { clock, server, client, events } = await signedIn({ refreshRetries: 0 });
    server.offline = true;
    // random 0.5: the proactive refresh is due at 70 % of the lifetime.
    await clock.advance(0.7 * LIFETIME_MS);
    const gaps: number[] = [];
    for (let i = 0; i < 9; i++) {
      gaps.push(clock.pending()[0]!);
      await clock.advance(clock.pending()[0]!);
    }
    // 500 ms doubling, × 0.75 for random 0.5, capped at 30 s × 0.75.
    assert.deepEqual(gaps, [375, 750, 1500, 3000, 6000, 12_000, 22_500, 22_500, 22_500]);
    assert.equal(client.status, 'signed-in');
    assert.deepEqual(events, []);
  });

  test("a 429 waits at least the server's Retry-After", async () => {
    const { clock, server, client } = await signedIn({ autoRefresh: false });
    await clock.advance(LIFETIME_MS);
    server.refreshFailures.push(429);
    const call = client.fetch(`${BASE}/api/x`);
    await settle();
    assert.equal(refreshes(server), 1);
    await clock.advance(6_999);
    assert.equal(refreshes(server), 1);
    await clock.advance(1);
    assert.equal(refreshes(server), 2);
    assert.equal((await call).status, 200);
  });

  test('a refresh that hangs is aborted after requestTimeoutMs and retried', async () => {
    const { clock, server, client } = await signedIn({ autoRefresh: false, requestTimeoutMs: 5000 });
    await clock.advance(LIFETIME_MS);
    server.refreshFailures.push('hang');
    const call = client.fetch(`${BASE}/api/x`);
    await clock.advance(5000 + 375);
    assert.equal(refreshes(server), 2);
    assert.equal((await call).status, 200);
  });

  test('a refused refresh token (invalid_grant) signs out at once, without retries', async () => {
    const { clock, server, client, events } = await signedIn({ autoRefresh: false });
    await clock.advance(LIFETIME_MS);
    server.refreshFailures.push('invalid_grant');
    await assert.rejects(
      client.fetch(`${BASE}/api/x`),
      (err: TesseraClientError) => err.code === 'ERR_CLIENT_NOT_SIGNED_IN',
    );
    assert.equal(refreshes(server), 1);
    assert.deepEqual(events, ['signed-out']);
    assert.deepEqual(clock.pending(), []);
  });
});
