import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEVICE_COOKIE, PLAIN_REFRESH_COOKIE, REFRESH_COOKIE } from '../src/http/browser.js';
import {
  bearer,
  errorBody,
  json,
  login,
  openTestApp,
  profile,
  refresh,
  register,
  setCookie,
  type TestApp,
} from './helpers/http.js';

const APP_ORIGIN = 'https://app.example.com';
const BROWSER = { 'x-tessera-client': 'browser' };

describe('browser mode (X-Tessera-Client: browser)', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp({ config: { issuer: 'https://auth.example.com', allowedOrigins: [APP_ORIGIN] } });
    await register(t.app, 'ada@example.com');
  });
  after(() => t.cleanup());

  it('login puts the refresh token only in a __Host- cookie: HttpOnly; Secure; SameSite=Strict; Path=/', async () => {
    const res = await login(t.app, 'ada@example.com', undefined, { headers: BROWSER });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = json(res);
    assert.equal(body.refresh_token, undefined);
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'session_id', 'token_type']);
    const cookie = setCookie(res, REFRESH_COOKIE);
    assert.ok(cookie);
    assert.match(cookie.value, /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    assert.ok(cookie.attributes.includes('HttpOnly'));
    assert.ok(cookie.attributes.includes('Secure'));
    assert.ok(cookie.attributes.includes('SameSite=Strict'));
    assert.ok(cookie.attributes.includes('Path=/'));
    assert.ok(!cookie.attributes.some((a) => a.toLowerCase().startsWith('domain=')));
    assert.ok(cookie.attributes.includes(`Max-Age=${14 * 24 * 3600}`));
    // The device token goes in a cookie of the same kind (H3), never in the body.
    const device = setCookie(res, DEVICE_COOKIE);
    assert.ok(device?.attributes.includes('HttpOnly') && device.attributes.includes('Path=/'));
    // The cookie's value is a working refresh token.
    assert.equal((await refresh(t.app, cookie.value)).statusCode, 200);
  });

  it('refresh with the cookie and an allowed Origin rotates the cookie and keeps the body free of it', async () => {
    // The app's own origin and the issuer's origin are both allowed.
    for (const origin of [APP_ORIGIN, 'https://auth.example.com']) {
      const loggedIn = await login(t.app, 'ada@example.com', undefined, { headers: BROWSER });
      const cookieValue = setCookie(loggedIn, REFRESH_COOKIE)!.value;
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/refresh',
        headers: { origin },
        cookies: { [REFRESH_COOKIE]: cookieValue },
      });
      assert.equal(res.statusCode, 200, origin);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(json(res).refresh_token, undefined);
      const next = setCookie(res, REFRESH_COOKIE);
      assert.ok(next && next.value !== cookieValue);
      assert.ok(next.attributes.includes('HttpOnly') && next.attributes.includes('SameSite=Strict'));
      assert.equal((await profile(t.app, json<{ access_token: string }>(res).access_token)).statusCode, 200);
    }
  });

  it('a body-mode client may ask for browser mode on refresh too', async () => {
    const { refresh_token } = json<{ refresh_token: string }>(await login(t.app, 'ada@example.com'));
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: BROWSER,
      payload: { refresh_token },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(json(res).refresh_token, undefined);
    assert.ok(setCookie(res, REFRESH_COOKIE));
  });

  it('a refresh with neither the cookie nor a body token says the cookie is missing', async () => {
    for (const payload of [undefined, {}]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/auth/refresh',
        headers: { origin: APP_ORIGIN },
        ...(payload === undefined ? {} : { payload }),
      });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(errorBody(res), {
        error: 'invalid_request',
        error_description: 'no refresh cookie: was it set for this site?',
      });
    }
  });

  it('a failed cookie refresh clears the cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      headers: { origin: APP_ORIGIN },
      cookies: { [REFRESH_COOKIE]: 'A'.repeat(43) },
    });
    assert.equal(res.statusCode, 401);
    assert.equal(errorBody(res).error, 'invalid_grant');
    const cleared = setCookie(res, REFRESH_COOKIE);
    assert.equal(cleared?.value, '');
    assert.ok(cleared?.attributes.includes('Path=/'));
  });

  it('logout with the cookie (allowed Origin) ends the session and clears the cookie', async () => {
    const res = await login(t.app, 'ada@example.com', undefined, { headers: BROWSER });
    const { access_token } = json<{ access_token: string }>(res);
    const cookie = setCookie(res, REFRESH_COOKIE)!;
    const out = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { origin: APP_ORIGIN },
      cookies: { [REFRESH_COOKIE]: cookie.value },
    });
    assert.equal(out.statusCode, 204);
    assert.equal(setCookie(out, REFRESH_COOKIE)?.value, '');
    assert.equal((await profile(t.app, access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, cookie.value)).statusCode, 401);
  });

  it('logout with a Bearer token clears the cookie as well', async () => {
    const res = await login(t.app, 'ada@example.com', undefined, { headers: BROWSER });
    const { access_token } = json<{ access_token: string }>(res);
    const out = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(access_token) });
    assert.equal(out.statusCode, 204);
    assert.equal(setCookie(out, REFRESH_COOKIE)?.value, '');
  });
});

describe('CORS for allowedOrigins', () => {
  let t: TestApp;
  before(async () => {
    t = await openTestApp({ config: { issuer: 'https://auth.example.com', allowedOrigins: [APP_ORIGIN] } });
  });
  after(() => t.cleanup());

  it('answers a preflight from an allowed origin, with credentials', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/auth/refresh',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN);
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.match(String(res.headers['access-control-allow-headers']), /x-tessera-client/);
    assert.equal(res.headers['access-control-allow-methods'], 'GET, POST, PATCH, DELETE');
    assert.equal(res.headers['access-control-max-age'], '600');
    assert.match(String(res.headers.vary), /\bOrigin\b/);
  });

  it('answers any OPTIONS request of an allowed origin, even without a request method', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/auth/refresh',
      headers: { origin: APP_ORIGIN },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN);
  });

  it('gives an allowed origin its CORS headers on ordinary requests, with Vary: Origin', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: APP_ORIGIN } });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['access-control-allow-origin'], APP_ORIGIN);
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.match(String(res.headers.vary), /\bOrigin\b/);
    assert.equal(res.headers['access-control-allow-methods'], undefined);
  });

  it('gives another origin no CORS headers at all', async () => {
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/auth/refresh',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(res.statusCode, 404);
    for (const answer of [
      res,
      await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } }),
    ]) {
      const cors = Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));
      assert.deepEqual(cors, []);
    }
  });

  it('treats an origin that only resembles an allowed one as unknown', async () => {
    for (const origin of [`${APP_ORIGIN}.evil.example`, APP_ORIGIN.toUpperCase(), `${APP_ORIGIN}/`, 'null']) {
      const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { origin } });
      assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
      assert.equal(res.headers['access-control-allow-credentials'], undefined, origin);
    }
  });
});

describe('insecureCookies (development on localhost)', () => {
  it('drops Secure from the cookie, and so the __Host- prefix browsers would refuse without it', async () => {
    const t = await openTestApp({ config: { host: '127.0.0.1', insecureCookies: true } });
    after(() => t.cleanup());
    await register(t.app, 'ada@example.com');
    const cookie = setCookie(
      await login(t.app, 'ada@example.com', undefined, { headers: BROWSER }),
      PLAIN_REFRESH_COOKIE,
    );
    assert.ok(cookie);
    assert.ok(!cookie.attributes.includes('Secure'));
    assert.ok(cookie.attributes.includes('HttpOnly'));
    assert.ok(cookie.attributes.includes('SameSite=Strict'));
    assert.ok(cookie.attributes.includes('Path=/'));
  });

  it('is refused for a host other than loopback', async () => {
    await assert.rejects(
      openTestApp({ config: { host: '0.0.0.0', insecureCookies: true } }),
      /insecureCookies/,
    );
  });
});
