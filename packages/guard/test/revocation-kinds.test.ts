// The four kinds of feed entries as a guard applies them: per session, per user, everything
// issued before a cutoff, and every token of a signing key. Tokens are signed by key 'ed-1'.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { GuardError } from '../src/index.js';
import { closeAll, feedServer, guardFor, track, verdict } from './support/feed-fixtures.js';
import { testGuard } from './support/guards.js';
import { waitFor } from './support/http-server.js';
import { accessToken, ec, nowSeconds } from './support/keys.js';

afterEach(closeAll);

describe('revocation feed: user, global and key entries', () => {
  test('a user entry refuses every token of that user issued before it, in any session', async () => {
    const server = await feedServer();
    const now = nowSeconds();
    server.add({ sub: 'user-1', before: now + 60, expires: now + 600 });
    const guard = guardFor(server);
    await guard.ready();
    assert.equal(verdict(guard, { sid: 'sess-1', iat: now }), 'ERR_GUARD_REVOKED');
    assert.equal(verdict(guard, { sid: 'sess-9', iat: now }), 'ERR_GUARD_REVOKED');
    assert.equal(verdict(guard, { sid: undefined, iat: now }), 'ERR_GUARD_REVOKED');
    assert.equal(verdict(guard, { sid: 'sess-1', iat: now + 60 }), 'accepted');
    assert.equal(verdict(guard, { sub: 'user-2', iat: now }), 'accepted');
  });

  test('the global entry refuses every token issued before it, whoever it belongs to', async () => {
    const server = await feedServer();
    const now = nowSeconds();
    server.add({ all: true, before: now + 60, expires: now + 600 });
    const guard = guardFor(server);
    await guard.ready();
    assert.equal(guard.status().revocations?.entries, 1);
    assert.equal(verdict(guard, { iat: now }), 'ERR_GUARD_REVOKED');
    assert.equal(verdict(guard, { sub: 'user-2', sid: undefined, iat: now }), 'ERR_GUARD_REVOKED');
    assert.equal(verdict(guard, { iat: now + 60 }), 'accepted');
  });

  test('a key entry refuses every token whose header names the key, whatever its iat; other keys pass', async () => {
    const server = await feedServer();
    const now = nowSeconds();
    server.add({ kid: 'ed-1', expires: now + 600 });
    const guard = guardFor(server);
    await guard.ready();
    assert.equal(verdict(guard, { iat: now + 30 }), 'ERR_GUARD_REVOKED');
    assert.equal(verdict(guard, { sid: undefined }), 'ERR_GUARD_REVOKED');
    const ecToken = `Bearer ${accessToken({}, ec.privateKey)}`;
    assert.equal(guard.check(ecToken) instanceof Error, false);
  });

  test('entries arriving later apply to verified-token cache hits at once', async () => {
    const server = await feedServer();
    const guard = guardFor(server);
    await guard.ready();
    const token = `Bearer ${accessToken({ iat: nowSeconds() - 5 })}`;
    guard.check(token);
    server.add({ kid: 'ed-1', expires: nowSeconds() + 600 });
    await waitFor(() => guard.status().revocations?.entries === 1, 'the key entry');
    assert.throws(
      () => guard.check(token),
      (err: GuardError) => err.reason === 'ERR_GUARD_REVOKED',
    );
  });

  test('an entry of a kind this guard does not know is skipped and reported; the feed goes on', async () => {
    const server = await feedServer();
    const now = nowSeconds();
    const errors: string[] = [];
    server.add({ jti: 'a-later-kind', expires: now + 600 });
    server.add({ sid: 'sess-1', before: now + 60, expires: now + 600 });
    const guard = track(
      testGuard({
        revocations: { url: server.url, intervalMs: 10, onError: (err) => errors.push(err.message) },
      }),
    );
    await guard.ready();
    assert.equal(verdict(guard, { iat: now }), 'ERR_GUARD_REVOKED');
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /1 entries of a kind this guard does not know were skipped/);
    server.add({ sub: 'user-2', before: now + 60, expires: now + 600 });
    await waitFor(() => guard.status().revocations?.entries === 2, 'a later entry');
    assert.equal(verdict(guard, { sub: 'user-2', sid: undefined, iat: now }), 'ERR_GUARD_REVOKED');
    assert.equal(errors.length, 1, 'reported once: the cursor moved past it');
  });
});
