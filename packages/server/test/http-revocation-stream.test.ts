// GET /auth/revocations/stream over a real socket: the revocation feed as Server-Sent Events.
// Replay after Last-Event-ID (or ?after=), `event: ready`, then every new entry pushed at once;
// `id:` is the feed cursor, heartbeats are comment lines, the feed secret applies, the number of
// streams is bounded, and closing the server ends them.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openTestApp, type TestApp } from './helpers/http.js';
import { addUser } from './helpers/service.js';
import { openSse } from './helpers/sse.js';

const SECRET = 'c2VjcmV0LWZvci10aGUtcmV2b2NhdGlvbi1mZWVkLTEyMzQ1Njc4';

async function serve(config: Parameters<typeof openTestApp>[0] = {}): Promise<{ t: TestApp; url: string }> {
  const t = await openTestApp(config);
  after(() => t.cleanup());
  t.service.revocations.listen();
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { t, url: `${address}/auth/revocations/stream` };
}

interface Page {
  cursor: number;
  revoked: Record<string, unknown>[];
}

describe('GET /auth/revocations/stream', () => {
  it('replays the stored entries, says ready, then pushes each new revocation at once; id is the feed cursor', async () => {
    const { t, url } = await serve();
    const ada = await addUser(t.service, 'ada@example.com');
    const first = await t.service.revocations.revokeUser(ada, t.clock.now());
    assert.ok(first.kind === 'user');
    const stream = await openSse(url);
    after(() => stream.close());
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(stream.headers.get('cache-control'), 'no-store');
    const ready = await stream.waitFor((e) => e.event === 'ready', 'ready');
    assert.equal(stream.events[0]?.event, 'message');
    const replay = JSON.parse(stream.events[0]?.data ?? '') as Page;
    assert.deepEqual(replay, {
      cursor: first.cursor,
      revoked: [{ sub: ada, before: first.before, expires: first.expires }],
    });
    assert.equal(stream.events[0]?.id, String(first.cursor));
    assert.equal(ready.id, String(first.cursor));
    assert.deepEqual(JSON.parse(ready.data), { cursor: first.cursor, revoked: [] });

    const key = await t.service.revocations.revokeKey('k-1', t.clock.now());
    const pushed = await stream.waitFor((e) => e.id === String(key.cursor), 'the pushed entry');
    assert.deepEqual(JSON.parse(pushed.data), {
      cursor: key.cursor,
      revoked: [{ kid: 'k-1', expires: key.expires }],
    });
    assert.equal(stream.events.filter((e) => e.event === 'message').length, 2, 'each entry once');
  });

  it('resumes after Last-Event-ID or ?after= with no gap and no repeat', async () => {
    const { t, url } = await serve();
    const entries = [];
    for (let i = 0; i < 3; i++) entries.push(await t.service.revocations.revokeKey(`k-${i}`, t.clock.now()));
    const [e0, e1, e2] = entries as [(typeof entries)[0], (typeof entries)[0], (typeof entries)[0]];
    for (const stream of [
      await openSse(url, { 'last-event-id': String(e0.cursor) }),
      await openSse(`${url}?after=${e0.cursor}`),
    ]) {
      after(() => stream.close());
      await stream.waitFor((e) => e.event === 'ready', 'ready');
      const kids = stream.events
        .filter((e) => e.event === 'message')
        .flatMap((e) => (JSON.parse(e.data) as Page).revoked.map((entry) => entry.kid));
      assert.deepEqual(kids, ['k-1', 'k-2']);
      assert.equal(stream.events.at(-1)?.id, String(e2.cursor));
    }
    assert.ok(e1.cursor > e0.cursor);
  });

  it('takes 16-digit cursors (the Redis store uses microseconds), here and in the polling feed; refuses others with 400', async () => {
    const { url } = await serve();
    const redisLike = '1796551266838087';
    const ok = await openSse(url, { 'last-event-id': redisLike });
    after(() => ok.close());
    assert.equal(ok.status, 200);
    const ready = await ok.waitFor((e) => e.event === 'ready', 'ready');
    assert.equal(ready.id, redisLike);
    const feed = await fetch(url.replace('/stream', `?after=${redisLike}`));
    assert.equal(feed.status, 200);
    assert.deepEqual(await feed.json(), { cursor: Number(redisLike), revoked: [] });
    for (const bad of ['abc', '-1', '1.5', '99999999999999999', '9007199254740993']) {
      assert.equal((await openSse(url, { 'last-event-id': bad })).status, 400, bad);
    }
    assert.equal((await fetch(url.replace('/stream', '?after=9007199254740993'))).status, 400);
  });

  it('needs revocationFeedSecret as the polling feed does', async () => {
    const { url } = await serve({ config: { revocationFeedSecret: SECRET } });
    const refused = await openSse(url);
    assert.equal(refused.status, 401);
    const wrong = await openSse(url, { authorization: `Bearer ${SECRET.replace('c2', 'c3')}` });
    assert.equal(wrong.status, 401);
    const allowed = await openSse(url, { authorization: `Bearer ${SECRET}` });
    after(() => allowed.close());
    assert.equal(allowed.status, 200);
    await allowed.waitFor((e) => e.event === 'ready', 'ready');
  });

  it('holds at most revocationStreamMaxClients streams; the next gets 503 (poll instead), and a slot frees on close', async () => {
    const { t, url } = await serve({ config: { revocationStreamMaxClients: 2 } });
    const a = await openSse(url);
    const b = await openSse(url);
    await a.waitFor((e) => e.event === 'ready', 'ready a');
    await b.waitFor((e) => e.event === 'ready', 'ready b');
    const c = await openSse(url);
    assert.equal(c.status, 503);
    assert.equal(c.headers.get('retry-after'), '30');
    a.close();
    await waitUntil(() => t.service.revocations.streams.size === 1, 'the slot freed');
    const d = await openSse(url);
    after(() => {
      b.close();
      d.close();
    });
    assert.equal(d.status, 200);
  });

  it('writes a heartbeat comment every revocationStreamHeartbeatMs', async () => {
    const { url } = await serve({ config: { revocationStreamHeartbeatMs: 1000 } });
    const stream = await openSse(url);
    after(() => stream.close());
    await stream.until(() => stream.comments >= 2, 'two heartbeats');
  });

  it('closing the server ends the open streams (shutdown is not held up)', async () => {
    const { t, url } = await serve();
    const stream = await openSse(url);
    await stream.waitFor((e) => e.event === 'ready', 'ready');
    await t.app.close();
    await stream.until(() => stream.ended, 'the stream ended');
    assert.equal(t.service.revocations.streams.size, 0);
  });
});

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
