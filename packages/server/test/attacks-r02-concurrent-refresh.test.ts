// docs/security.md R2: concurrent refresh race. N=20 parallel refreshes with RT1: with the grace window
// every success returns the SAME RT2, exactly one rotation happens, and there are never two live
// children.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { refreshTokenHash } from '../src/service/secrets.js';
import { json, openTestApp, profile, refresh, signIn, type TestApp, type TokenBody } from './helpers/http.js';
import { SECOND } from './helpers/service.js';

describe('R2 concurrent refresh race', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp();
  });
  after(() => t.cleanup());

  async function rotations(): Promise<number> {
    const text = (await t.metricsApp.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith('tessera_refreshes_total{outcome="rotated"} '));
    return Number(line?.split(' ')[1]);
  }

  it('20 parallel refreshes with one token: all succeed with the same RT2, one rotation, one live child', async () => {
    const rt1 = await signIn(t, 'ada@example.com');
    const rotatedBefore = await rotations();
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(t.app, rt1.refresh_token)));
    assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([200]));
    const bodies = responses.map((r) => json<TokenBody>(r));
    const children = new Set(bodies.map((b) => b.refresh_token));
    assert.equal(children.size, 1, 'every success returns the same RT2');
    assert.equal(await rotations(), rotatedBefore + 1, 'exactly one rotation');
    const [rt2] = [...children];

    // The store agrees: RT1 has exactly one successor, RT2, and RT2 is the session's only live token.
    const record = await t.store.sessions.findRefreshToken(refreshTokenHash(rt1.refresh_token));
    assert.equal(record?.successorHash, refreshTokenHash(rt2!));
    const successor = await t.store.sessions.findRefreshToken(refreshTokenHash(rt2!));
    assert.equal(successor?.usedAt, null);
    assert.equal(successor?.successorHash, null);
    // Every access token handed out works (they all belong to the one live session).
    for (const body of bodies) assert.equal(body.session_id, rt1.session_id);
    assert.equal((await profile(t.app, bodies[7]!.access_token)).statusCode, 200);

    // RT2 rotates normally afterwards.
    t.clock.advance(SECOND);
    assert.equal((await refresh(t.app, rt2!)).statusCode, 200);
  });

  it('after the grace window, a late duplicate is reuse and kills the family (no second child)', async () => {
    const rt1 = await signIn(t, 'ada@example.com');
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(t.app, rt1.refresh_token)));
    const rt2 = json<TokenBody>(responses[0]!).refresh_token;
    t.clock.advance(31 * SECOND);
    assert.equal((await refresh(t.app, rt1.refresh_token)).statusCode, 401);
    assert.equal((await refresh(t.app, rt2)).statusCode, 401);
  });
});
