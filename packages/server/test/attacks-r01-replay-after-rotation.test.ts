// docs/security.md R1: replay after rotation. Refresh with RT1 to get RT2, then present RT1 again
// (outside the 30 s grace window): refused, and the whole family is revoked — RT2 and the access
// tokens of the session fail too.
//
// The answer is `401 invalid_grant`, as docs/errors.md documents for a bad, expired or reused
// refresh token (some catalogs suggest 400; the documented contract wins).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  errorBody,
  json,
  openTestApp,
  profile,
  refresh,
  signIn,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';
import { SECOND } from './helpers/service.js';

describe('R1 replay after rotation', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.cleanup());

  it('RT1 presented again after rotation: 401 invalid_grant, and RT2 and its access tokens die', async () => {
    const rt1 = await signIn(t, 'ada@example.com');
    t.clock.advance(SECOND);
    const second = await refresh(t.app, rt1.refresh_token);
    assert.equal(second.statusCode, 200);
    const rt2 = json<TokenBody>(second);
    assert.equal((await profile(t.app, rt2.access_token)).statusCode, 200);

    t.clock.advance(31 * SECOND);
    const replay = await refresh(t.app, rt1.refresh_token);
    assert.equal(replay.statusCode, 401);
    assert.deepEqual(errorBody(replay).error, 'invalid_grant');
    assert.equal(replay.body.includes(rt1.refresh_token), false);

    // The family is revoked: the live successor and every access token of the session.
    const successor = await refresh(t.app, rt2.refresh_token);
    assert.equal(successor.statusCode, 401);
    assert.equal(errorBody(successor).error, 'invalid_grant');
    assert.equal((await profile(t.app, rt2.access_token)).statusCode, 401);
    assert.equal((await profile(t.app, rt1.access_token)).statusCode, 401);
    const feed = json<{ revoked: { sid: string }[] }>(
      await t.app.inject({ method: 'GET', url: '/auth/revocations' }),
    );
    assert.ok(feed.revoked.some((e) => e.sid === rt1.session_id));
    // A second replay changes nothing and still fails.
    assert.equal((await refresh(t.app, rt1.refresh_token)).statusCode, 401);
  });

  it('a replay of an older ancestor (RT1 after RT2 → RT3) also revokes the family', async () => {
    const rt1 = await signIn(t, 'ada@example.com');
    t.clock.advance(SECOND);
    const rt2 = json<TokenBody>(await refresh(t.app, rt1.refresh_token));
    t.clock.advance(SECOND);
    const rt3 = json<TokenBody>(await refresh(t.app, rt2.refresh_token));
    t.clock.advance(SECOND);
    // Inside RT1's grace window, but its successor RT2 was used: that is reuse, not a retry.
    assert.equal((await refresh(t.app, rt1.refresh_token)).statusCode, 401);
    assert.equal((await refresh(t.app, rt3.refresh_token)).statusCode, 401);
    assert.equal((await profile(t.app, rt3.access_token)).statusCode, 401);
  });

  it('a retry inside the grace window is not a replay: it gets the same RT2 back', async () => {
    const rt1 = await signIn(t, 'ada@example.com');
    const a = json<TokenBody>(await refresh(t.app, rt1.refresh_token));
    t.clock.advance(10 * SECOND);
    const b = await refresh(t.app, rt1.refresh_token);
    assert.equal(b.statusCode, 200);
    assert.equal(json<TokenBody>(b).refresh_token, a.refresh_token);
    assert.equal((await profile(t.app, json<TokenBody>(b).access_token)).statusCode, 200);
  });
});
