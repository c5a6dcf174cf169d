// docs/security.md R4: CSRF on cookie refresh. A cross-site POST carries the refresh cookie; a missing
// or foreign Origin must be refused before the token is touched; there is no GET refresh; the
// cookie is HttpOnly; Secure; SameSite=Strict on Path=/auth; refresh answers are no-store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REFRESH_COOKIE } from '../src/http/browser.js';
import { errorBody, json, login, openTestApp, profile, setCookie, type TestApp } from './helpers/http.js';
import { PASSWORD } from './helpers/service.js';

const APP = 'https://app.example.com';

describe('R4 CSRF on cookie refresh', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp({ config: { issuer: 'https://auth.example.com', allowedOrigins: [APP] } });
    await t.service.accounts.register('ada@example.com', PASSWORD);
  });
  after(() => t.cleanup());

  async function browserLogin() {
    const res = await login(t.app, 'ada@example.com', PASSWORD, {
      headers: { 'x-tessera-client': 'browser' },
    });
    assert.equal(res.statusCode, 200);
    return {
      cookie: setCookie(res, REFRESH_COOKIE)!,
      accessToken: json<{ access_token: string }>(res).access_token,
    };
  }

  function cookieRefresh(value: string, headers: Record<string, string>) {
    return t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers,
      cookies: { [REFRESH_COOKIE]: value },
    });
  }

  it('the cookie is HttpOnly; Secure; SameSite=Strict; Path=/', async () => {
    const { cookie } = await browserLogin();
    for (const attribute of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) {
      assert.ok(cookie.attributes.includes(attribute), attribute);
    }
  });

  it('a missing, foreign, null or look-alike Origin is refused with 403, and the token stays unused', async () => {
    const { cookie } = await browserLogin();
    const origins: (string | undefined)[] = [
      undefined,
      'https://evil.example',
      'null',
      'https://app.example.com.evil.example',
      'http://app.example.com',
      'https://app.example.com:8443',
      'https://APP.example.com',
      `${APP}/`,
      '',
    ];
    for (const origin of origins) {
      const res = await cookieRefresh(cookie.value, origin === undefined ? {} : { origin });
      assert.equal(res.statusCode, 403, `Origin ${origin}`);
      assert.equal(errorBody(res).error, 'invalid_request');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(setCookie(res, REFRESH_COOKIE), undefined, 'no new cookie');
    }
    // A Referer is no substitute for Origin.
    const referer = await cookieRefresh(cookie.value, { referer: `${APP}/page` });
    assert.equal(referer.statusCode, 403);
    // The token was never consumed: the real app can still use it (not a reuse).
    const ok = await cookieRefresh(cookie.value, { origin: APP });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['cache-control'], 'no-store');
  });

  it('there is no GET refresh, and a cross-site form post is refused', async () => {
    const { cookie } = await browserLogin();
    const get = await t.app.inject({
      method: 'GET',
      url: '/auth/refresh',
      cookies: { [REFRESH_COOKIE]: cookie.value },
    });
    assert.equal(get.statusCode, 404);
    const form = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      cookies: { [REFRESH_COOKIE]: cookie.value },
      payload: 'a=b',
    });
    assert.ok(form.statusCode === 403 || form.statusCode === 415, String(form.statusCode));
    const textPlain = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      cookies: { [REFRESH_COOKIE]: cookie.value },
      payload: '{}',
    });
    assert.ok(textPlain.statusCode >= 400 && textPlain.statusCode < 500);
    assert.equal((await cookieRefresh(cookie.value, { origin: APP })).statusCode, 200, 'still unused');
  });

  it('a cross-site cookie logout is refused too: the session survives', async () => {
    const { cookie, accessToken } = await browserLogin();
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { origin: 'https://evil.example' },
      cookies: { [REFRESH_COOKIE]: cookie.value },
    });
    assert.equal(res.statusCode, 403);
    assert.equal((await profile(t.app, accessToken)).statusCode, 200);
    const noOrigin = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      cookies: { [REFRESH_COOKIE]: cookie.value },
    });
    assert.equal(noOrigin.statusCode, 403);
    assert.equal((await profile(t.app, accessToken)).statusCode, 200);
  });

  it('error answers of the token endpoints are no-store as well', async () => {
    const res = await cookieRefresh('A'.repeat(43), { origin: APP });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['cache-control'], 'no-store');
  });
});
