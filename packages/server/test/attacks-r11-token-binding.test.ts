// docs/security.md R11: the refresh token is bound to its session. After the session is deleted or
// revoked, or its user removed, the token is `invalid_grant`. Presenting one user's refresh token
// while authenticated as another never yields tokens for the other user, and a refresh token is
// never accepted where an access token is expected, nor the reverse.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import {
  bearer,
  errorBody,
  json,
  openTestApp,
  profile,
  refresh,
  signIn,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';

describe('R11 refresh token bound to its session', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.cleanup());

  it('after its session was deleted through DELETE /auth/sessions/:id: invalid_grant', async () => {
    const a = await signIn(t, 'ada@example.com');
    const b = await signIn(t, 'ada@example.com');
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/auth/sessions/${b.session_id}`,
      headers: bearer(a.access_token),
    });
    assert.equal(res.statusCode, 204);
    const replay = await refresh(t.app, b.refresh_token);
    assert.equal(replay.statusCode, 401);
    assert.equal(errorBody(replay).error, 'invalid_grant');
  });

  it('after its user was deleted: invalid_grant, and the access token is refused', async () => {
    const gone = await signIn(t, 'gone@example.com');
    const id = decodeJwtUnverified(gone.access_token).payload.sub!;
    assert.equal(await t.store.users.delete(id), true);
    const replay = await refresh(t.app, gone.refresh_token);
    assert.equal(replay.statusCode, 401);
    assert.equal(errorBody(replay).error, 'invalid_grant');
    assert.equal((await profile(t.app, gone.access_token)).statusCode, 401);
  });

  it("client A's refresh token with client B's credentials refreshes A's session only", async () => {
    const alice = await signIn(t, 'alice@example.com');
    const bob = await signIn(t, 'bob@example.com');
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: bearer(bob.access_token),
      payload: { refresh_token: alice.refresh_token },
    });
    assert.equal(res.statusCode, 200);
    const tokens = json<TokenBody>(res);
    assert.equal(tokens.session_id, alice.session_id);
    assert.equal(
      decodeJwtUnverified(tokens.access_token).payload.sub,
      decodeJwtUnverified(alice.access_token).payload.sub,
    );
    // Bob's session is untouched.
    assert.equal((await profile(t.app, bob.access_token)).statusCode, 200);
    assert.equal((await refresh(t.app, bob.refresh_token)).statusCode, 200);
  });

  it('a refresh token is no access token and an access token is no refresh token', async () => {
    const pair = await signIn(t, 'mix@example.com');
    assert.equal((await profile(t.app, pair.refresh_token)).statusCode, 401);
    const asRefresh = await refresh(t.app, pair.access_token);
    assert.ok(asRefresh.statusCode === 400 || asRefresh.statusCode === 401);
    // And the real refresh token was not consumed by any of that.
    assert.equal((await refresh(t.app, pair.refresh_token)).statusCode, 200);
  });

  it('a refresh token from another deployment (another database) is unknown here', async () => {
    const other = await openTestApp();
    after(() => other.cleanup());
    const foreign = await signIn(other, 'ada@example.com');
    const res = await refresh(t.app, foreign.refresh_token);
    assert.equal(res.statusCode, 401);
    assert.equal(errorBody(res).error, 'invalid_grant');
  });
});
