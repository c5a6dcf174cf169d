// The guard follows `<feed>/stream` (Server-Sent Events) when the server offers it: revocations
// are pushed as they are written, polling stops while the stream is up, a dropped or silent
// stream falls back to polling (repairing any gap from the cursor) and reconnects with
// Last-Event-ID; `transport: 'poll'` never opens it, and a server without it (404) is polled.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { RevocationFeed } from '../src/revocation/feed.js';
import { closeAll, feedServer, guardFor, settings, track, verdict } from './support/feed-fixtures.js';
import { testGuard } from './support/guards.js';
import { waitFor } from './support/http-server.js';
import { nowSeconds } from './support/keys.js';

afterEach(closeAll);

describe('revocation stream (Server-Sent Events)', () => {
  test('syncs through the stream, then gets each revocation pushed without polling', async () => {
    const server = await feedServer();
    server.streaming = true;
    const now = nowSeconds();
    server.revoke('sess-1', now + 60, now + 600);
    const guard = guardFor(server);
    await guard.ready();
    assert.equal(guard.status().revocations?.transport, 'stream');
    assert.equal(verdict(guard, { sid: 'sess-1' }), 'ERR_GUARD_REVOKED');
    server.add({ sub: 'user-7', before: now + 60, expires: now + 600 });
    await waitFor(() => verdict(guard, { sub: 'user-7', sid: 'sess-x' }) === 'ERR_GUARD_REVOKED', 'the push');
    assert.deepEqual(server.requests, [], 'no poll while the stream is up');
    assert.deepEqual(server.streamRequests, [null]);
    assert.equal(guard.status().revocations?.cursor, 2);
  });

  test('a server without the stream (404) is polled', async () => {
    const server = await feedServer();
    server.revoke('sess-1', nowSeconds() + 60, nowSeconds() + 600);
    const guard = guardFor(server);
    await guard.ready();
    assert.equal(guard.status().revocations?.transport, 'poll');
    await waitFor(() => server.requests.length >= 3, 'polls');
    assert.equal(verdict(guard, { sid: 'sess-1' }), 'ERR_GUARD_REVOKED');
  });

  test("transport: 'poll' never opens the stream", async () => {
    const server = await feedServer();
    server.streaming = true;
    const guard = track(testGuard({ revocations: { url: server.url, intervalMs: 10, transport: 'poll' } }));
    await guard.ready();
    await waitFor(() => server.requests.length >= 3, 'polls');
    assert.deepEqual(server.streamRequests, []);
    assert.equal(guard.status().revocations?.transport, 'poll');
  });

  test('a dropped stream: polls at once from the cursor (the gap is repaired), then resumes the stream with Last-Event-ID', async () => {
    const server = await feedServer();
    server.streaming = true;
    const now = nowSeconds();
    server.revoke('sess-1', now + 60, now + 600);
    const errors: Error[] = [];
    const feed = track(
      new RevocationFeed(settings(server.url, { transport: 'auto', onError: (err) => errors.push(err) })),
    );
    feed.start();
    await feed.ready();
    assert.equal(feed.status().transport, 'stream');
    // The instance goes away: streams cut, and entries written meanwhile are announced to nobody.
    server.streaming = false;
    server.dropStreams();
    server.addQuietly({ sid: 'sess-2', before: now + 60, expires: now + 600 });
    await waitFor(() => feed.check('sess-2', 'u', now, undefined) === 'ERR_GUARD_REVOKED', 'the repair poll');
    assert.equal(feed.status().transport, 'poll');
    assert.match(errors[0]?.message ?? '', /^revocation stream: /);
    assert.ok(server.requests.includes('1'), 'the poll resumed after cursor 1');
    // The stream comes back: the guard reconnects after its cursor and stops polling.
    server.streaming = true;
    await waitFor(() => feed.status().transport === 'stream', 'the stream again');
    assert.equal(server.streamRequests.at(-1), '2');
    const polls = server.requests.length;
    server.add({ sid: 'sess-3', before: now + 60, expires: now + 600 });
    await waitFor(() => feed.check('sess-3', 'u', now, undefined) === 'ERR_GUARD_REVOKED', 'the push');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(server.requests.length <= polls + 1, 'polling stopped (one poll may have been under way)');
  });

  test('a stream that goes silent past streamIdleMs is dropped and reconnected', async () => {
    const server = await feedServer();
    server.streaming = true;
    server.heartbeats = false;
    const errors: Error[] = [];
    const feed = track(
      new RevocationFeed(
        settings(server.url, { transport: 'auto', streamIdleMs: 100, onError: (err) => errors.push(err) }),
      ),
    );
    feed.start();
    await feed.ready();
    await waitFor(() => server.streamRequests.length >= 2, 'a reconnection');
    assert.match(errors[0]?.message ?? '', /silent for 100 ms/);
    assert.equal(server.streamRequests.at(-1), '0', 'resumed after its cursor');
  });

  test('close() ends the stream', async () => {
    const server = await feedServer();
    server.streaming = true;
    const feed = new RevocationFeed(settings(server.url, { transport: 'auto' }));
    feed.start();
    await feed.ready();
    assert.equal(server.openStreams, 1);
    await feed.close();
    await waitFor(() => server.openStreams === 0, 'the stream closed');
  });
});
