// LoginThrottle's parts on their own: the progressive schedule and device tokens (H3).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DEVICE_TOKEN_TTL_MS, DeviceTokens } from '../src/service/device-tokens.js';
import { PROGRESSIVE_BASE_MS, progressiveWait } from '../src/service/login-throttle.js';
import { MINUTE, SECOND, T0 } from './helpers/service.js';

describe('progressive delay', () => {
  const limit = { max: 5, windowMs: 15 * MINUTE };
  const opened = T0;
  const hit = (count: number) => ({ count, resetAt: opened + limit.windowMs });

  it('the first max attempts are free; attempt max + n may go 2^(n-1) s after the window opened', () => {
    for (let count = 1; count <= 5; count++) assert.equal(progressiveWait(hit(count), limit, opened), null);
    assert.equal(PROGRESSIVE_BASE_MS, SECOND);
    assert.equal(progressiveWait(hit(6), limit, opened + SECOND), null);
    assert.equal(progressiveWait(hit(7), limit, opened + 2 * SECOND), null);
    assert.equal(progressiveWait(hit(8), limit, opened + 4 * SECOND), null);
  });

  it('a refused attempt is told when the next one may go, and the waits grow', () => {
    // Attempt 6 at once: refused; attempt 7 may go 2 s after the window opened.
    assert.equal(progressiveWait(hit(6), limit, opened), 2 * SECOND);
    assert.equal(progressiveWait(hit(8), limit, opened + 2 * SECOND), 6 * SECOND);
    assert.equal(progressiveWait(hit(10), limit, opened + 8 * SECOND), 24 * SECOND);
  });

  it('never waits past the window’s end: no lock outlasts a window', () => {
    for (const count of [16, 17, 50, 10_000]) {
      const wait = progressiveWait(hit(count), limit, opened + MINUTE);
      assert.equal(wait, limit.windowMs - MINUTE, String(count));
    }
  });
});

describe('device tokens', () => {
  const devices = new DeviceTokens(randomBytes(32));

  it('verify the account they were issued for, in any case, until they expire', () => {
    const token = devices.issue('ada@example.com', T0);
    assert.match(token, /^v1\.[A-Za-z0-9_-]{22}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    assert.ok(devices.verify(token, ' ADA@example.com', T0 + DEVICE_TOKEN_TTL_MS - 1));
    assert.equal(devices.verify(token, 'ada@example.com', T0 + DEVICE_TOKEN_TTL_MS), null);
    assert.equal(devices.verify(token, 'bob@example.com', T0), null);
    assert.equal(devices.verify(undefined, 'ada@example.com', T0), null);
  });

  it('refuse a changed date, nonce or MAC, and another KEK’s tokens', () => {
    const token = devices.issue('ada@example.com', T0);
    const [v, nonce = '', issued = '', mac = ''] = token.split('.');
    const later = (Number.parseInt(issued, 36) + MINUTE).toString(36);
    const flip = (text: string) => `${text.slice(0, -1)}${text.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [
      [v, nonce, later, mac].join('.'),
      [v, flip(nonce), issued, mac].join('.'),
      [v, nonce, issued, flip(mac)].join('.'),
      new DeviceTokens(randomBytes(32)).issue('ada@example.com', T0),
    ]) {
      assert.notEqual(forged, token);
      assert.equal(devices.verify(forged, 'ada@example.com', T0 + MINUTE), null, forged);
    }
  });
});
