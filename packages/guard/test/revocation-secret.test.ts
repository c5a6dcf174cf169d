// `revocations.secret`: the auth server's `revocationFeedSecret` (docs/security.md, H13), sent as
// `Authorization: Bearer <secret>` with every poll, checked when the guard is created, and never
// found in an error.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { createGuard } from '../src/index.js';
import { closeAll, track } from './support/feed-fixtures.js';
import { testGuard } from './support/guards.js';
import { listen, waitFor } from './support/http-server.js';

afterEach(closeAll);

const SECRET = 'c2VjcmV0LWZvci10aGUtcmV2b2NhdGlvbi1mZWVkLTEyMzQ1Njc4';

/** A feed that answers an empty page to `Bearer SECRET` and 401 to anything else. */
async function securedFeed() {
  const seen: (string | undefined)[] = [];
  const http = await listen((req, res) => {
    seen.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${SECRET}`) {
      res.statusCode = 401;
      res.end('{"error":"unauthorized","error_description":"the revocation feed needs its Bearer secret"}');
      return;
    }
    res.end('{"cursor":0,"revoked":[]}');
  });
  track(http);
  return { url: `${http.url}/auth/revocations`, seen };
}

describe('revocations.secret', () => {
  test('every poll carries Authorization: Bearer <secret>, and the guard syncs', async () => {
    const feed = await securedFeed();
    const guard = track(testGuard({ revocations: { url: feed.url, intervalMs: 10, secret: SECRET } }));
    await guard.ready();
    await waitFor(() => feed.seen.length >= 3, 'three polls');
    assert.deepEqual(new Set(feed.seen), new Set([`Bearer ${SECRET}`]));
    assert.equal(guard.status().revocations?.synced, true);
  });

  test('without it, a secured feed refuses the guard; the error does not carry a secret', async () => {
    const feed = await securedFeed();
    const errors: Error[] = [];
    const guard = track(
      testGuard({
        revocations: { url: feed.url, intervalMs: 10, maxBackoffMs: 20, onError: (err) => errors.push(err) },
      }),
    );
    await waitFor(() => errors.length >= 1, 'a failed poll');
    await waitFor(() => errors.some((err) => err.message.startsWith('revocation feed:')), 'a failed poll');
    assert.equal(feed.seen[0], undefined);
    // The stream is tried first, then the guard polls: both refused, neither error holds a secret.
    assert.equal(errors[0]?.message, 'revocation stream: HTTP 401');
    assert.ok(errors.some((err) => err.message === 'revocation feed: HTTP 401'));
    assert.equal(guard.status().revocations?.synced, false);
  });

  const base = {
    issuer: 'https://issuer.test',
    audience: 'api',
    algorithms: ['EdDSA' as const],
    jwksUri: 'https://issuer.test/jwks',
  };
  for (const [name, secret] of [
    ['empty', ''],
    ['with a space', `${SECRET} x`],
    ['with a line break', `${SECRET}\nx`],
    ['not a string', 42],
  ] as const) {
    test(`a secret ${name} is refused when the guard is created, without echoing it`, () => {
      assert.throws(
        () => createGuard({ ...base, revocations: { url: 'http://a.test/r', secret: secret as string } }),
        (err: Error) =>
          err instanceof TypeError &&
          /revocations\.secret must be a non-empty token/.test(err.message) &&
          (secret === '' || !err.message.includes(String(secret))),
      );
    });
  }

  test('secret and an Authorization header are exclusive', () => {
    assert.throws(
      () =>
        createGuard({
          ...base,
          revocations: { url: 'http://a.test/r', secret: SECRET, headers: { Authorization: 'Basic x' } },
        }),
      /revocations.secret and revocations.headers.authorization are exclusive/,
    );
  });
});
