import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { GuardRuntimeError } from '../src/failures.js';
import { RevocationFeed } from '../src/revocation/feed.js';
import { closeAll, feedServer, guardFor, settings, track, verdict } from './support/feed-fixtures.js';
import { FeedServer } from './support/feed-server.js';
import { testGuard } from './support/guards.js';
import { waitFor } from './support/http-server.js';
import { nowSeconds } from './support/keys.js';

afterEach(closeAll);

describe('revocation feed: failures', () => {
  test('while the feed is down the guard backs off and keeps serving the last list; it recovers', async () => {
    const server = await feedServer();
    const now = nowSeconds();
    server.revoke('sess-1', now + 1, now + 600);
    const errors: Error[] = [];
    const guard = testGuard({
      revocations: { url: server.url, intervalMs: 10, maxBackoffMs: 80, onError: (err) => errors.push(err) },
    });
    track(guard);
    await guard.ready();
    server.mode = 'error';
    await waitFor(() => (guard.status().revocations?.consecutiveFailures ?? 0) >= 4, 'four failed polls');
    const down = guard.status().revocations;
    assert.ok(down !== undefined && down.nextPollInMs !== undefined);
    assert.ok(down.nextPollInMs > 10, 'the wait grows beyond the interval');
    assert.ok(down.nextPollInMs <= 80, 'and is capped by maxBackoffMs');
    assert.equal(verdict(guard, { sid: 'sess-1', iat: now }), 'ERR_GUARD_REVOKED'); // last list still served
    assert.equal(verdict(guard, { sid: 'sess-2', iat: now }), 'accepted'); // fail-open by default
    assert.match(errors[0]?.message ?? '', /revocation feed: HTTP 503/);
    assert.ok(errors[0] instanceof GuardRuntimeError);
    assert.equal(errors[0].code, 'ERR_GUARD_FEED_STATUS');
    server.mode = 'up';
    await waitFor(() => guard.status().revocations?.consecutiveFailures === 0, 'recovery');
    assert.equal(guard.status().revocations?.nextPollInMs, 10);
  });

  test('a server that is gone (connection refused) and comes back on the same port', async () => {
    const server = await new FeedServer().start();
    const port = server.port;
    // A minute ahead: the token checked at the end is issued then, maybe a second later than now.
    server.revoke('sess-1', nowSeconds() + 60, nowSeconds() + 600);
    const guard = guardFor(server);
    await guard.ready();
    await server.stop();
    await waitFor(() => (guard.status().revocations?.consecutiveFailures ?? 0) >= 2, 'failed polls');
    const back = await new FeedServer().start(port);
    track({ close: () => back.stop() });
    back.revoke('sess-9', nowSeconds() + 1, nowSeconds() + 600);
    await waitFor(() => guard.status().revocations?.consecutiveFailures === 0, 'recovery');
    assert.equal(verdict(guard, { sid: 'sess-1' }), 'ERR_GUARD_REVOKED');
  });

  test('a malformed answer is a failed poll and changes nothing', async () => {
    const server = await feedServer();
    server.mode = 'garbage';
    const errors: Error[] = [];
    const feed = new RevocationFeed(settings(server.url, { onError: (err) => errors.push(err) }));
    track(feed);
    feed.start();
    await waitFor(() => errors.length >= 1, 'a failed poll');
    assert.equal(feed.status().entries, 0);
    assert.equal(feed.status().synced, false);
    assert.match(errors[0]?.message ?? '', /an entry needs sid/);
  });

  test('a server that never answers: the poll times out and counts as a failure', async () => {
    const server = await feedServer();
    server.mode = 'hang';
    const feed = new RevocationFeed(settings(server.url, { timeoutMs: 30 }));
    track(feed);
    feed.start();
    await waitFor(() => feed.status().consecutiveFailures >= 1, 'a timed-out poll');
  });

  test('failClosedAfterMs: after that long without the feed, tokens with a sid are refused (controlled clock)', async () => {
    const server = await feedServer();
    let clock = 1_000_000_000_000;
    const feed = new RevocationFeed(settings(server.url, { failClosedAfterMs: 30_000 }), () => clock);
    track(feed);
    feed.start();
    await feed.ready();
    server.mode = 'error';
    await waitFor(() => feed.status().consecutiveFailures >= 1, 'a failed poll');
    clock += 29_999;
    assert.equal(feed.check('sess-1', 'user-1', 1, undefined), undefined);
    assert.equal(feed.status().failingClosed, false);
    clock += 1;
    assert.equal(feed.check('sess-1', 'user-1', 1, undefined), 'ERR_GUARD_REVOCATIONS_UNAVAILABLE');
    assert.equal(feed.status().failingClosed, true);
    server.mode = 'up';
    await waitFor(() => feed.status().consecutiveFailures === 0, 'recovery');
    assert.equal(feed.check('sess-1', 'user-1', 1, undefined), undefined);
  });

  test('failClosedAfterMs through the guard: sid tokens get 401, tokens without sid still pass', async () => {
    const server = await feedServer();
    const guard = guardFor(server, { failClosedAfterMs: 40 });
    await guard.ready();
    server.mode = 'error';
    await waitFor(() => guard.status().revocations?.failingClosed === true, 'fail-closed');
    assert.equal(verdict(guard, { sid: 'sess-1' }), 'ERR_GUARD_REVOCATIONS_UNAVAILABLE');
    assert.equal(verdict(guard, { sid: undefined }), 'accepted');
    server.mode = 'up';
    await waitFor(() => guard.status().revocations?.failingClosed === false, 'recovery');
    assert.equal(verdict(guard, { sid: 'sess-1' }), 'accepted');
  });

  test('without failClosedAfterMs, a feed down from the start never refuses tokens for it', async () => {
    const server = await feedServer();
    server.mode = 'error';
    const guard = guardFor(server);
    await waitFor(() => (guard.status().revocations?.consecutiveFailures ?? 0) >= 3, 'failed polls');
    assert.equal(guard.status().revocations?.failingClosed, false);
    assert.equal(verdict(guard, { sid: 'sess-1' }), 'accepted');
  });
});

describe('revocation feed: lifecycle', () => {
  test('close() stops polling and rejects a pending ready()', async () => {
    const server = await feedServer();
    server.mode = 'error';
    const guard = guardFor(server);
    const ready = guard.ready();
    await waitFor(() => server.requests.length >= 2, 'polls');
    await guard.close();
    await assert.rejects(ready, /closed/);
    const polls = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(server.requests.length, polls);
  });

  test('ready() can be bounded with a signal', async () => {
    const server = await feedServer();
    server.mode = 'error';
    const guard = guardFor(server);
    const controller = new AbortController();
    const ready = guard.ready({ signal: controller.signal });
    controller.abort(new Error('startup deadline'));
    await assert.rejects(ready, /startup deadline/);
  });

  test('polling timers are unref()ed: a process with a guard polling a dead feed exits by itself', () => {
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `
      import { createGuard } from ${JSON.stringify(entry)};
      import { generateKeyPair } from '@tessera/jwt';
      createGuard({
        issuer: 'i', audience: 'a', algorithms: ['EdDSA'], keys: generateKeyPair('EdDSA').publicKey,
        revocations: { url: 'http://127.0.0.1:9/auth/revocations', intervalMs: 10 },
      });`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(child.status, 0, child.stderr);
  });
});
