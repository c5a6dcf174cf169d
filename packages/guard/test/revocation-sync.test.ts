import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { AuthContext, GuardError } from '../src/index.js';
import { RevocationFeed } from '../src/revocation/feed.js';
import { closeAll, feedServer, guardFor, settings, track, verdict } from './support/feed-fixtures.js';
import { waitFor } from './support/http-server.js';
import { accessClaims, accessToken, ed, nowSeconds } from './support/keys.js';
import { rawSignature, seg } from './support/raw-sign.js';

afterEach(closeAll);

describe('revocation feed: sync and the list', () => {
  test('ready() resolves after the first sync; tokens of a revoked session issued before the cutoff are refused', async () => {
    const server = await feedServer();
    const now = nowSeconds();
    server.revoke('sess-1', now + 1, now + 600);
    const guard = guardFor(server);
    await guard.ready();
    assert.equal(guard.status().revocations?.synced, true);
    assert.equal(guard.status().revocations?.entries, 1);
    assert.equal(verdict(guard, { sid: 'sess-1', iat: now }), 'ERR_GUARD_REVOKED');
    assert.equal(verdict(guard, { sid: 'sess-1', iat: now + 1 }), 'accepted'); // issued at the cutoff: after the logout
    assert.equal(verdict(guard, { sid: 'sess-2', iat: now }), 'accepted');
    assert.equal(verdict(guard, { sid: undefined }), 'accepted');
    // signJwt would fill in iat with the current second, so this token is signed by hand without one.
    const { iat: _omitted, ...withoutIat } = accessClaims({ sid: 'sess-1' });
    const input = `${seg({ alg: 'EdDSA', typ: 'at+jwt', kid: 'ed-1' })}.${seg(withoutIat)}`;
    const token = `${input}.${rawSignature('EdDSA', ed.privateKey.keyObject, input).toString('base64url')}`;
    assert.throws(
      () => guard.check(`Bearer ${token}`),
      (err: GuardError) => err.reason === 'ERR_GUARD_REVOKED',
    );
  });

  test('a revoked token gets 401 invalid_token with a fixed description', async () => {
    const server = await feedServer();
    // The cutoff is a minute ahead: the token below takes the current second as iat, which must
    // still be before the cutoff when the second ticks over mid-test.
    server.revoke('sess-1', nowSeconds() + 60, nowSeconds() + 600);
    const guard = guardFor(server);
    await guard.ready();
    await assert.rejects(guard.authenticate(`Bearer ${accessToken()}`), (err: GuardError) => {
      assert.equal(err.status, 401);
      assert.equal(err.code, 'invalid_token');
      assert.equal(err.description, 'the access token was revoked');
      return true;
    });
  });

  test('the revocation check runs on verified-token cache hits too', async () => {
    const server = await feedServer();
    const guard = guardFor(server);
    await guard.ready();
    const token = `Bearer ${accessToken({ iat: nowSeconds() - 5 })}`;
    assert.equal((guard.check(token) as AuthContext).subject, 'user-1'); // verified and cached
    assert.equal(guard.check(token), guard.check(token)); // a cache hit: the same context
    server.revoke('sess-1', nowSeconds() + 1, nowSeconds() + 600);
    await waitFor(() => guard.status().revocations?.entries === 1, 'the new entry');
    assert.throws(
      () => guard.check(token),
      (err: GuardError) => err.reason === 'ERR_GUARD_REVOKED',
    );
  });

  test('the first poll sends no cursor; later polls echo the last one', async () => {
    const server = await feedServer();
    server.revoke('a', nowSeconds(), nowSeconds() + 600);
    const guard = guardFor(server);
    await guard.ready();
    server.revoke('b', nowSeconds(), nowSeconds() + 600);
    await waitFor(() => server.requests.includes('2'), 'a poll after the second entry');
    assert.equal(server.requests[0], null);
    assert.ok(server.requests.includes('1'));
    assert.equal(guard.status().revocations?.entries, 2);
    assert.equal(guard.status().revocations?.cursor, 2);
  });

  test('cursors are opaque: string cursors are echoed as they came', async () => {
    const server = await feedServer();
    server.stringCursors = true;
    server.revoke('a', nowSeconds(), nowSeconds() + 600);
    const guard = guardFor(server);
    await guard.ready();
    await waitFor(() => server.requests.length >= 3, 'more polls');
    assert.equal(guard.status().revocations?.cursor, 'c1');
    assert.ok(server.requests.slice(1).every((after) => after === 'c1'));
  });

  test('a paged answer is drained before ready() resolves', async () => {
    const server = await feedServer();
    server.pageSize = 2;
    for (const sid of ['a', 'b', 'c', 'd', 'e']) server.revoke(sid, nowSeconds(), nowSeconds() + 600);
    const guard = guardFor(server);
    await guard.ready();
    assert.equal(guard.status().revocations?.entries, 5);
    assert.deepEqual(server.requests.slice(0, 4), [null, '2', '4', '5']);
  });

  test('per session, the latest cutoff wins whatever the order', async () => {
    const server = await feedServer();
    const now = nowSeconds();
    server.revoke('sess-1', now + 1, now + 600);
    server.revoke('sess-1', now - 100, now + 600); // an older cutoff delivered later
    const guard = guardFor(server);
    await guard.ready();
    assert.equal(guard.status().revocations?.entries, 1);
    assert.equal(verdict(guard, { sid: 'sess-1', iat: now }), 'ERR_GUARD_REVOKED');
  });

  test('entries are dropped once they expire (controlled clock)', async () => {
    const server = await feedServer();
    server.now = () => 0; // the server keeps serving them: dropping is the guard's job here
    let clock = 1_000_000_000_000;
    const t = clock / 1000;
    server.revoke('expired-on-arrival', t - 10, t - 1);
    server.revoke('short', t - 10, t + 60);
    server.revoke('long', t - 10, t + 3600);
    const feed = new RevocationFeed(settings(server.url), () => clock);
    track(feed);
    feed.start();
    await feed.ready();
    assert.equal(feed.status().entries, 2);
    assert.equal(feed.check('short', 'user-1', t - 20, undefined), 'ERR_GUARD_REVOKED');
    clock += 61_000;
    const polls = server.requests.length;
    await waitFor(() => server.requests.length > polls + 1, 'a poll after the clock moved');
    assert.equal(feed.status().entries, 1);
    assert.equal(feed.check('short', 'user-1', t - 20, undefined), undefined);
    assert.equal(feed.check('long', 'user-1', t - 20, undefined), 'ERR_GUARD_REVOKED');
  });
});
