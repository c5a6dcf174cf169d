// Hardening H7 (docs/security.md): cookie tossing. A sibling subdomain (evil.example.com) can set
// a cookie for the parent domain with a longer Path; the browser then sends it before the real
// one, and with two `tessera_refresh` cookies the first won: the victim was refreshed into the
// attacker's session. Now the cookie is `__Host-tessera_refresh` (Secure, Path=/, no Domain:
// no other host can set or shadow it), and a request carrying it twice is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar } from 'tough-cookie';
import { PLAIN_REFRESH_COOKIE, REFRESH_COOKIE } from '../src/http/browser.js';
import { errorBody, json, login, openTestApp, refresh, setCookie, type TestApp } from './helpers/http.js';
import { PASSWORD } from './helpers/service.js';

const AUTH = 'https://auth.example.com';
const SIBLING = 'https://evil.example.com/';
const BROWSER = { 'x-tessera-client': 'browser' };

/** A browser's cookie jar, with the cookie-prefix rules enforced as browsers do. */
function browserJar(): CookieJar {
  return new CookieJar(undefined, { prefixSecurity: 'strict', rejectPublicSuffixes: true });
}

async function keep(jar: CookieJar, url: string, setCookies: string | string[] | undefined) {
  for (const cookie of setCookies === undefined ? [] : [setCookies].flat()) await jar.setCookie(cookie, url);
}

describe('H7 cookie tossing', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp({ config: { issuer: AUTH } });
    await t.service.accounts.register('victim@example.com', PASSWORD);
    await t.service.accounts.register('attacker@example.com', PASSWORD);
  });
  after(() => t.cleanup());

  const refreshWith = (cookie: string) =>
    t.app.inject({ method: 'POST', url: '/auth/refresh', headers: { origin: AUTH, cookie } });

  it('a sibling subdomain cannot set or shadow the refresh cookie: the victim stays in their own session', async () => {
    const jar = browserJar();
    const victim = await login(t.app, 'victim@example.com', PASSWORD, { headers: BROWSER });
    await keep(jar, `${AUTH}/auth/login`, victim.headers['set-cookie']);
    const victimSession = json<{ session_id: string }>(victim).session_id;
    const attacker = await login(t.app, 'attacker@example.com', PASSWORD, { headers: BROWSER });
    const attackerToken = setCookie(attacker, REFRESH_COOKIE)?.value ?? '';

    // The sibling tries every way to plant its session for auth.example.com.
    await assert.rejects(
      jar.setCookie(`${REFRESH_COOKIE}=${attackerToken}; Secure; Path=/; Domain=example.com`, SIBLING),
      'a __Host- cookie with a Domain is refused',
    );
    await jar.setCookie(`${REFRESH_COOKIE}=${attackerToken}; Secure; Path=/`, SIBLING); // host-only: evil's own
    await jar.setCookie(
      `${PLAIN_REFRESH_COOKIE}=${attackerToken}; Secure; Path=/auth/refresh; Domain=example.com`,
      SIBLING,
    );
    await jar.setCookie(
      `__Secure-tessera_refresh=${attackerToken}; Secure; Path=/auth/refresh; Domain=example.com`,
      SIBLING,
    );

    const sent = await jar.getCookieString(`${AUTH}/auth/refresh`);
    assert.equal(sent.split('; ').filter((c) => c.startsWith(`${REFRESH_COOKIE}=`)).length, 1);
    const res = await refreshWith(sent);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(json<{ session_id: string }>(res).session_id, victimSession);
  });

  it('a request with two refresh cookies is refused 400 and both are cleared; neither token is used', async () => {
    const a = setCookie(
      await login(t.app, 'victim@example.com', PASSWORD, { headers: BROWSER }),
      REFRESH_COOKIE,
    );
    const b = setCookie(
      await login(t.app, 'attacker@example.com', PASSWORD, { headers: BROWSER }),
      REFRESH_COOKIE,
    );
    assert.ok(a && b);
    for (const cookie of [
      `${REFRESH_COOKIE}=${b.value}; ${REFRESH_COOKIE}=${a.value}`,
      `${REFRESH_COOKIE}=${a.value}; other=1; ${REFRESH_COOKIE}=${a.value}`,
    ]) {
      const res = await refreshWith(cookie);
      assert.equal(res.statusCode, 400);
      assert.deepEqual(errorBody(res), {
        error: 'invalid_request',
        error_description: 'more than one refresh cookie: log in again',
      });
      assert.equal(setCookie(res, REFRESH_COOKIE)?.value, '', 'cleared');
      const out = await t.app.inject({
        method: 'POST',
        url: '/auth/logout',
        headers: { origin: AUTH, cookie },
      });
      assert.equal(out.statusCode, 400);
    }
    // Nothing was rotated or revoked: both tokens still work, once each.
    assert.equal((await refresh(t.app, a.value)).statusCode, 200);
    assert.equal((await refresh(t.app, b.value)).statusCode, 200);
  });

  it('the plain name of development mode (insecureCookies) is refused twice over too', async () => {
    const dev = await openTestApp({ config: { host: '127.0.0.1', insecureCookies: true } });
    after(() => dev.cleanup());
    await dev.service.accounts.register('ada@example.com', PASSWORD);
    const issued = setCookie(
      await login(dev.app, 'ada@example.com', PASSWORD, { headers: BROWSER }),
      PLAIN_REFRESH_COOKIE,
    );
    assert.ok(issued);
    const res = await dev.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: {
        origin: dev.config.issuer,
        cookie: `${PLAIN_REFRESH_COOKIE}=${'A'.repeat(43)}; ${PLAIN_REFRESH_COOKIE}=${issued.value}`,
      },
    });
    assert.equal(res.statusCode, 400);
  });
});
