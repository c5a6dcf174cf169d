// In Chromium: two tabs, access tokens of 4 seconds, 20 concurrent calls per tab after expiry;
// the server must see exactly one refresh (Web Locks + BroadcastChannel).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { addUser, PASSWORD } from '../../server/test/helpers/service.js';
import {
  type Harness,
  launchBrowser,
  openTab,
  skipBrowser,
  startHarness,
} from './support/browser-harness.js';

// A few seconds, and not fewer: the server rounds to whole seconds, so a token may live 3 s,
// and on a busy machine a call must still reach the server within its lifetime.
const TTL_SECONDS = 4;

/** 20 concurrent client.fetch calls in the page; their statuses (or error codes). */
const burst = (page: Page) =>
  page.evaluate(() =>
    Promise.all(
      Array.from({ length: 20 }, () =>
        window.client.fetch('/demo/profile').then(
          (res) => res.status,
          (err: { code?: string }) => err.code ?? String(err),
        ),
      ),
    ),
  );

describe('@tessera/client in Chromium: one refresh for two tabs', { skip: skipBrowser }, () => {
  let h: Harness;
  let browser: { context: BrowserContext; close(): Promise<void> };

  before(async () => {
    h = await startHarness({ accessTokenTtlSeconds: TTL_SECONDS });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await h?.close();
  });

  test('two tabs fire 20 concurrent calls each after expiry: the server sees exactly one refresh', async () => {
    await addUser(h.t.service, 'ada@example.com');
    const [a, b] = [await browser.context.newPage(), await browser.context.newPage()];
    // No background refresh: the tokens really expire, as in tabs the browser put to sleep.
    await openTab(a, h.origin, { autoRefresh: false });
    await openTab(b, h.origin, { autoRefresh: false });
    await a.evaluate(([e, p]) => window.client.login(e, p), ['ada@example.com', PASSWORD] as const);
    await b.waitForFunction(() => window.client.status === 'signed-in');
    for (let round = 1; round <= 2; round++) {
      await sleep(TTL_SECONDS * 1000 + 200);
      const before = { refreshes: h.refreshes, refused: h.refused };
      const [fromA, fromB] = await Promise.all([burst(a), burst(b)]);
      assert.deepEqual([...new Set([...fromA, ...fromB])], [200], `round ${round}`);
      const refused = h.refused - before.refused;
      assert.equal(h.refreshes - before.refreshes, 1, `round ${round}: refreshes (${refused} calls refused)`);
    }
    assert.deepEqual(await b.evaluate(() => window.events), ['signed-in', 'refreshed', 'refreshed']);
    await Promise.all([a.close(), b.close()]);
  });
});
