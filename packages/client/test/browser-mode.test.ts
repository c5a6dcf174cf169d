// Browser mode in Node: the cookie jar, Web Locks and BroadcastChannel of one browser are
// in-memory fakes shared by several clients, one per "tab". Real Chromium runs in browser-*.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ClientEvent, type ClientOptions, createClient, type TesseraClientError } from '../src/index.js';
import { FakeClock, settle } from './support/fake-clock.js';
import { FakeServer } from './support/fake-server.js';
import { FakeBroadcastHub, FakeLocks } from './support/fake-tabs.js';

const BASE = 'https://app.test';
const LOCK = `tessera:${BASE}`;
const LIFETIME_MS = 600_000;

function browser(extra: Partial<ClientOptions> = {}) {
  const clock = new FakeClock();
  const server = new FakeServer();
  const locks = new FakeLocks();
  const hub = new FakeBroadcastHub();
  const tab = (more: Partial<ClientOptions> = {}) => {
    const events: ClientEvent[] = [];
    const client = createClient({
      baseUrl: BASE,
      mode: 'browser',
      fetch: server.fetch,
      ...clock.options,
      random: () => 0.5,
      locks,
      BroadcastChannel: hub.BroadcastChannel,
      autoRefresh: false,
      ...extra,
      ...more,
    });
    client.subscribe((e) => events.push(e));
    return { client, events };
  };
  return { clock, server, locks, hub, tab };
}

const refreshes = (server: FakeServer) => server.count('POST /auth/refresh');

describe('browser mode: one browser, several tabs', () => {
  test('login asks for cookie mode; the refresh token never reaches the client; other tabs sign in', async () => {
    const { server, tab } = browser();
    const a = tab();
    const b = tab();
    await a.client.login('ada@example.com', 'right password');
    const login = server.requests[0]!;
    assert.equal(login.headers.get('x-tessera-client'), 'browser');
    assert.ok(server.cookie, 'the server set its cookie');
    await settle();
    assert.deepEqual(b.events, ['signed-in']);
    assert.equal(await b.client.getAccessToken(), await a.client.getAccessToken());
    assert.equal(server.log.length, 1, 'tab B made no request');
  });

  test('two tabs after expiry, 20 concurrent calls each: exactly one refresh; the other tab takes its token', async () => {
    const { clock, server, locks, tab } = browser();
    const a = tab();
    const b = tab();
    await a.client.login('ada@example.com', 'right password');
    await clock.advance(LIFETIME_MS + 1);
    const calls = [a, b].flatMap((t) => Array.from({ length: 20 }, () => t.client.fetch(`${BASE}/api/x`)));
    // The refreshing tab keeps the lock 250 ms longer, so its message arrives before the other takes it.
    await clock.advance(1000);
    const results = await Promise.all(calls);
    assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
    assert.equal(refreshes(server), 1);
    assert.equal(locks.grants, 2, 'both tabs took the lock; the second found the work done');
    assert.deepEqual(a.events, ['signed-in', 'refreshed']);
    assert.deepEqual(b.events, ['signed-in', 'refreshed']);
  });

  test('a tab that needs a refresh just after another one refreshed, before its message arrived, makes none', async () => {
    const { clock, server, hub, tab } = browser();
    const a = tab();
    const b = tab();
    await a.client.login('ada@example.com', 'right password');
    await settle();
    await clock.advance(LIFETIME_MS + 1);
    // Messages now take 400 ms (a busy browser): longer than the 250 ms a tab waits for one
    // after taking the lock, shorter than that plus the 250 ms the refreshing tab keeps it.
    hub.schedule = (deliver) => clock.setTimeout(deliver, 400);
    assert.equal((await a.client.fetch(`${BASE}/api/x`)).status, 200);
    const call = b.client.fetch(`${BASE}/api/x`);
    await clock.advance(1000);
    assert.equal((await call).status, 200);
    assert.equal(refreshes(server), 1, 'A kept the lock until its message had arrived');
  });

  test('after waiting for the lock a tab refreshes itself when no token came (the holder failed)', async () => {
    const { clock, server, locks, tab } = browser();
    const a = tab();
    await a.client.login('ada@example.com', 'right password');
    await clock.advance(LIFETIME_MS + 1);
    const release = locks.hold(LOCK);
    const call = a.client.fetch(`${BASE}/api/x`);
    await settle();
    release();
    await clock.advance(249);
    assert.equal(refreshes(server), 0, 'waits a moment for a late message');
    await clock.advance(1);
    assert.equal((await call).status, 200);
    assert.equal(refreshes(server), 1);
  });

  test('a lock held past lockTimeoutMs (a frozen tab) is given up on: the tab refreshes without it', async () => {
    const { clock, server, locks, tab } = browser({ lockTimeoutMs: 10_000 });
    const a = tab();
    await a.client.login('ada@example.com', 'right password');
    await clock.advance(LIFETIME_MS + 1);
    locks.hold(LOCK);
    const call = a.client.fetch(`${BASE}/api/x`);
    await clock.advance(9_999);
    assert.equal(refreshes(server), 0);
    await clock.advance(251);
    assert.equal((await call).status, 200);
    assert.equal(refreshes(server), 1);
  });

  test('without Web Locks and BroadcastChannel each tab refreshes on its own, and each succeeds', async () => {
    const { clock, server, tab } = browser({ locks: null, BroadcastChannel: null });
    const a = tab();
    const b = tab();
    await a.client.login('ada@example.com', 'right password');
    assert.equal(await b.client.restore(), true);
    await clock.advance(LIFETIME_MS + 1);
    const results = await Promise.all([a, b].map((t) => t.client.fetch(`${BASE}/api/x`)));
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200],
    );
    assert.equal(refreshes(server), 3);
  });

  test('logout in one tab signs out every tab', async () => {
    const { server, hub, tab } = browser();
    const a = tab();
    const b = tab();
    await a.client.login('ada@example.com', 'right password');
    await settle();
    await a.client.logout();
    await settle();
    assert.deepEqual(b.events, ['signed-in', 'signed-out']);
    assert.equal(b.client.status, 'signed-out');
    assert.equal(await b.client.getAccessToken(), null);
    assert.equal(server.cookie, undefined);
    assert.ok(hub.posted.some((m) => (m as { t: string }).t === 'o'));
  });

  test('restore without a cookie: false and signed out, no error, and no sign-out sent to other tabs', async () => {
    const { server, hub, tab } = browser();
    const a = tab();
    assert.equal(await a.client.restore(), false);
    assert.deepEqual(a.events, ['signed-out']);
    assert.equal(refreshes(server), 1);
    assert.deepEqual(hub.posted, []);
  });

  test('restore reuses a fresh token from memory without a request', async () => {
    const { server, tab } = browser();
    const a = tab();
    await a.client.login('ada@example.com', 'right password');
    assert.equal(await a.client.restore(), true);
    assert.equal(refreshes(server), 0);
  });

  test('a cookie refresh refused for its Origin (403) is an error to fix, not a sign-out', async () => {
    const { clock, server, tab } = browser();
    const a = tab();
    await a.client.login('ada@example.com', 'right password');
    await clock.advance(LIFETIME_MS + 1);
    server.refuseOrigin = true;
    await assert.rejects(
      a.client.fetch(`${BASE}/api/x`),
      (err: TesseraClientError) => err.code === 'ERR_CLIENT_ORIGIN_NOT_ALLOWED' && err.status === 403,
    );
    assert.equal(a.client.status, 'signed-in');
  });

  test('auth requests carry the cookie (credentials: include); API calls do not need it', async () => {
    const { server, tab } = browser();
    const seen: (string | undefined)[] = [];
    const original = server.fetch;
    const a = tab({
      fetch: (input, init) => {
        seen.push(init?.credentials);
        return original(input, init);
      },
    });
    await a.client.login('ada@example.com', 'right password');
    await a.client.fetch(`${BASE}/api/x`);
    await a.client.logout();
    assert.deepEqual(seen, ['include', undefined, 'include']);
  });
});
