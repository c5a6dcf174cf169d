// docs/security.md R5: session fixation. Plant a refresh cookie before login (made up, or a real one of
// the attacker's own session), log in: the login opens a NEW session with a NEW refresh-token
// family and replaces the cookie; the planted identifiers give the victim nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REFRESH_COOKIE } from '../src/http/browser.js';
import { json, login, openTestApp, setCookie, type TestApp } from './helpers/http.js';
import { PASSWORD } from './helpers/service.js';

const ORIGIN = 'https://auth.example.com';
const BROWSER = { 'x-tessera-client': 'browser' };

describe('R5 session fixation', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp({ config: { issuer: ORIGIN } });
    await t.service.accounts.register('victim@example.com', PASSWORD);
    await t.service.accounts.register('attacker@example.com', PASSWORD);
  });
  after(() => t.cleanup());

  it('a made-up pre-login cookie is replaced by a fresh one and never becomes valid', async () => {
    const planted = 'P'.repeat(43);
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: BROWSER,
      cookies: { [REFRESH_COOKIE]: planted },
      payload: { email: 'victim@example.com', password: PASSWORD },
    });
    assert.equal(res.statusCode, 200);
    const issued = setCookie(res, REFRESH_COOKIE);
    assert.ok(issued && issued.value !== planted);
    const replay = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: { origin: ORIGIN },
      cookies: { [REFRESH_COOKIE]: planted },
    });
    assert.equal(replay.statusCode, 401);
  });

  it("the attacker's own live cookie planted before the victim's login stays the attacker's", async () => {
    const attacker = await login(t.app, 'attacker@example.com', PASSWORD, { headers: BROWSER });
    const attackerCookie = setCookie(attacker, REFRESH_COOKIE)!.value;
    const attackerSession = json<{ session_id: string }>(attacker).session_id;

    const victim = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: BROWSER,
      cookies: { [REFRESH_COOKIE]: attackerCookie },
      payload: { email: 'victim@example.com', password: PASSWORD },
    });
    assert.equal(victim.statusCode, 200);
    const victimSession = json<{ session_id: string }>(victim).session_id;
    const victimCookie = setCookie(victim, REFRESH_COOKIE)!.value;
    assert.notEqual(victimSession, attackerSession, 'a new session');
    assert.notEqual(victimCookie, attackerCookie, 'a new refresh-token family');

    // The planted token never yields the victim's tokens; the victim's cookie does.
    const viaPlanted = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: { origin: ORIGIN },
      cookies: { [REFRESH_COOKIE]: attackerCookie },
    });
    assert.equal(json<{ session_id: string }>(viaPlanted).session_id, attackerSession);
    const victimSessionRow = await t.store.sessions.find(victimSession);
    const victimUser = await t.store.users.findByEmail('victim@example.com');
    assert.equal(victimSessionRow?.userId, victimUser?.id);
    const attackerRow = await t.store.sessions.find(attackerSession);
    assert.notEqual(attackerRow?.userId, victimUser?.id);
  });

  it('every login is a new session with its own refresh token, even for the same user and client', async () => {
    const a = json<{ session_id: string; refresh_token: string }>(await login(t.app, 'victim@example.com'));
    const b = json<{ session_id: string; refresh_token: string }>(await login(t.app, 'victim@example.com'));
    assert.notEqual(a.session_id, b.session_id);
    assert.notEqual(a.refresh_token, b.refresh_token);
  });
});
