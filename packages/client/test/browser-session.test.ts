// In Chromium: where the refresh token lives, reload, logout across tabs, revocation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { addUser, PASSWORD } from '../../server/test/helpers/service.js';
import {
  type Harness,
  launchBrowser,
  openTab,
  skipBrowser,
  startHarness,
} from './support/browser-harness.js';

const login = (page: Page, email: string, password: string) =>
  page.evaluate(([e, p]) => window.client.login(e, p), [email, password] as const);

/** Runs `client.fetch(path)` in the page: the status, or the error code it rejected with. */
const fetchIn = (page: Page, path: string) =>
  page.evaluate(async (p) => {
    try {
      return (await window.client.fetch(p)).status;
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    }
  }, path);

describe('@tessera/client in Chromium: the session', { skip: skipBrowser }, () => {
  let h: Harness;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let n = 0;
  const newUser = async () => {
    const email = `user${++n}@example.com`;
    return { email, id: await addUser(h.t.service, email) };
  };

  before(async () => {
    h = await startHarness();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  test('document.cookie never contains the refresh token; it lives only in the HttpOnly cookie', async () => {
    const { email } = await newUser();
    const page = await browser.context.newPage();
    await openTab(page, h.origin);
    await login(page, email, PASSWORD);
    await openTab(page, h.origin); // a reload: restore refreshes through the cookie
    assert.equal(await page.evaluate(() => window.client.restore()), true);
    assert.ok(h.cookieValues.length >= 2, 'the server set (and rotated) the cookie');
    const seen = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
    }));
    for (const value of h.cookieValues) {
      assert.ok(!seen.cookie.includes(value), 'document.cookie holds a refresh token');
      assert.ok(!seen.local.includes(value) && !seen.session.includes(value));
    }
    assert.ok(!seen.cookie.includes('tessera_refresh'));
    const [cookie] = (await browser.context.cookies(`${h.origin}/auth/refresh`)).filter(
      (c) => c.name === 'tessera_refresh',
    );
    assert.ok(cookie, 'the browser holds the cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/');
    assert.equal(cookie.value, h.cookieValues.at(-1));
    await page.close();
  });

  test('a reload keeps the session', async () => {
    const { email, id } = await newUser();
    const page = await browser.context.newPage();
    await openTab(page, h.origin);
    await login(page, email, PASSWORD);
    await openTab(page, h.origin);
    assert.equal(await page.evaluate(() => window.client.status), 'unknown');
    assert.equal(await page.evaluate(() => window.client.restore()), true);
    assert.deepEqual(await page.evaluate(() => window.events), ['signed-in']);
    const profile = await page.evaluate(async () => (await window.client.fetch('/demo/profile')).json());
    assert.equal(profile.sub, id);
    await page.close();
  });

  test('logout in one tab signs out the other', async () => {
    const { email } = await newUser();
    const [a, b] = [await browser.context.newPage(), await browser.context.newPage()];
    await openTab(a, h.origin);
    await login(a, email, PASSWORD);
    await openTab(b, h.origin);
    assert.equal(await b.evaluate(() => window.client.restore()), true);
    assert.equal(await fetchIn(b, '/demo/profile'), 200);
    await a.evaluate(() => window.client.logout());
    await b.waitForFunction(() => window.events.includes('signed-out'));
    assert.equal(await b.evaluate(() => window.client.status), 'signed-out');
    assert.equal(await fetchIn(b, '/demo/profile'), 'ERR_CLIENT_NOT_SIGNED_IN');
    await openTab(b, h.origin);
    assert.equal(await b.evaluate(() => window.client.restore()), false, 'the cookie is gone too');
    await Promise.all([a.close(), b.close()]);
  });

  test('a revoked session is signed out on its next call', async () => {
    const { email, id } = await newUser();
    const page = await browser.context.newPage();
    await openTab(page, h.origin);
    await login(page, email, PASSWORD);
    assert.equal(await fetchIn(page, '/demo/profile'), 200);
    await h.t.service.sessions.logoutAll(id); // as an admin's "revoke sessions" would
    const refreshesBefore = h.refreshes;
    assert.equal(await fetchIn(page, '/demo/profile'), 'ERR_CLIENT_NOT_SIGNED_IN');
    assert.equal(h.refreshes - refreshesBefore, 1, 'one refresh was tried, and refused');
    assert.deepEqual(await page.evaluate(() => window.events), ['signed-in', 'signed-out']);
    assert.equal(await page.evaluate(() => window.client.status), 'signed-out');
    await page.close();
  });
});
