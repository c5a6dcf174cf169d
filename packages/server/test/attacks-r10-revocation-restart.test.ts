// docs/security.md R10: revocation lost on restart. Revoke refresh and access tokens, restart the
// server (close app and store, open both again on the same SQLite file), replay them: still
// rejected. Denylist entries last until the tokens' exp. A second instance on the same file (the
// worker behind the load balancer) agrees.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import {
  bearer,
  json,
  openTestApp,
  profile,
  refresh,
  signIn,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';
import { revokingWireEntry, type WireEntry } from './helpers/revocation-rule.js';
import { SECOND } from './helpers/service.js';

type Feed = { cursor: number; revoked: WireEntry[] };

describe('R10 revocation survives a restart', () => {
  it('logout, reuse and role change before the restart are all still in force after it', async () => {
    let t: TestApp = await openTestApp();
    after(() => t.cleanup());
    const admin = await signIn(t, 'root@example.com', { roles: ['admin'] });

    const loggedOut = await signIn(t, 'ada@example.com');
    await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(loggedOut.access_token) });

    const stolen = await signIn(t, 'ada@example.com');
    const successor = json<TokenBody>(await refresh(t.app, stolen.refresh_token));
    t.clock.advance(31 * SECOND);
    assert.equal((await refresh(t.app, stolen.refresh_token)).statusCode, 401);

    const demoted = await signIn(t, 'bob@example.com', { roles: ['user', 'admin'] });
    const bobId = decodeJwtUnverified(demoted.access_token).payload.sub!;
    await t.app.inject({
      method: 'PATCH',
      url: `/admin/users/${bobId}`,
      headers: bearer(admin.access_token),
      payload: { roles: ['user'] },
    });
    const feedBefore = json<Feed>(await t.app.inject({ method: 'GET', url: '/auth/revocations' }));
    assert.equal(feedBefore.revoked.length, 3);

    t.clock.advance(5 * SECOND);
    t = await t.restart();

    // The server's own checks.
    assert.equal((await profile(t.app, loggedOut.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, loggedOut.refresh_token)).statusCode, 401);
    assert.equal((await profile(t.app, successor.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, successor.refresh_token)).statusCode, 401);
    assert.equal((await refresh(t.app, stolen.refresh_token)).statusCode, 401);
    assert.equal((await profile(t.app, demoted.access_token)).statusCode, 401);
    // The demoted session itself lives on, with the new role.
    const renewed = await refresh(t.app, demoted.refresh_token);
    assert.equal(renewed.statusCode, 200);
    assert.deepEqual(decodeJwtUnverified(json<TokenBody>(renewed).access_token).payload.roles, ['user']);

    // The feed the guards read is the same, cursor and all.
    const feedAfter = json<Feed>(await t.app.inject({ method: 'GET', url: '/auth/revocations' }));
    assert.deepEqual(feedAfter, feedBefore);
    for (const token of [loggedOut, successor, demoted].map((p) => p.access_token)) {
      const { exp } = decodeJwtUnverified(token).payload as { exp: number };
      const entry = revokingWireEntry(feedAfter.revoked, token);
      assert.ok(entry, 'revoked for guards');
      assert.ok(entry.expires >= exp, 'the entry lasts until the token expires');
    }
  });

  it('a second instance on the same database sees the revocation at once', async () => {
    const a = await openTestApp();
    after(() => a.cleanup());
    const b = await openTestApp({ dir: a.dir, kek: a.kek, clock: a.clock });
    after(() => b.close());
    const tokens = await signIn(a, 'ada@example.com');
    assert.equal((await profile(b.app, tokens.access_token)).statusCode, 200);
    await a.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) });
    assert.equal((await profile(b.app, tokens.access_token)).statusCode, 401);
    assert.equal((await refresh(b.app, tokens.refresh_token)).statusCode, 401);
    const feed = json<Feed>(await b.app.inject({ method: 'GET', url: '/auth/revocations' }));
    assert.ok(revokingWireEntry(feed.revoked, tokens.access_token));
  });
});
