// docs/security.md R6: brute force and credential stuffing. 100 wrong passwords for one user; one
// password across many users from one IP; one user attacked from many IPs. Per-address,
// per-(account, address) and per-account throttling answer 429 with Retry-After before any
// password is checked; past their free tries the waits grow (progressive delay) and no wait
// outlasts its window (no permanent lockout). How the owner still gets in: H3.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { defaultConfig } from '../src/config.js';
import { errorBody, login, openTestApp, type TestApp } from './helpers/http.js';
import { MINUTE, PASSWORD } from './helpers/service.js';

const LIMITS = defaultConfig().rateLimits;

/** Counts argon2 verifications (real and dummy) the service performs. */
function countVerifications(t: TestApp): () => number {
  let count = 0;
  const { hasher } = t.service;
  const verify = hasher.verify.bind(hasher);
  hasher.verify = (...args) => {
    count++;
    return verify(...args);
  };
  return () => count;
}

describe('R6 brute force and credential stuffing', () => {
  it('100 wrong passwords for one user from one address: 5 are checked, the rest get 429 with Retry-After', async () => {
    const t = await openTestApp({ config: { rateLimits: LIMITS } });
    after(() => t.cleanup());
    await t.service.accounts.register('ada@example.com', PASSWORD);
    const verifications = countVerifications(t);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await login(t.app, 'ada@example.com', `guess-${i}-xxxx`, { remoteAddress: '10.0.0.1' });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        assert.equal(errorBody(res).error, 'too_many_requests');
        assert.ok(Number(res.headers['retry-after']) >= 1);
      }
    }
    const free = LIMITS.loginPerEmailAndIp.max;
    assert.deepEqual(statuses.slice(0, free), Array(free).fill(401));
    assert.deepEqual(statuses.slice(free), Array(100 - free).fill(429));
    assert.equal(verifications(), free, 'throttled attempts cost no argon2 work');
    // Even the right password waits there: no oracle during the delay.
    assert.equal(
      (await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: '10.0.0.1' })).statusCode,
      429,
    );
    // No permanent lockout: after the window that address gets in.
    t.clock.advance(LIMITS.loginPerEmailAndIp.windowMs);
    assert.equal(
      (await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: '10.0.0.1' })).statusCode,
      200,
    );
  });

  it('one password across 100 users from one IP: throttled per IP after 30 attempts', async () => {
    const t = await openTestApp({ config: { rateLimits: LIMITS } });
    after(() => t.cleanup());
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      statuses.push(
        (await login(t.app, `user${i}@example.com`, 'Summer2026!', { remoteAddress: '203.0.113.9' }))
          .statusCode,
      );
    }
    assert.deepEqual(statuses.slice(0, LIMITS.loginPerIp.max), Array(LIMITS.loginPerIp.max).fill(401));
    assert.deepEqual(statuses.slice(LIMITS.loginPerIp.max), Array(100 - LIMITS.loginPerIp.max).fill(429));
    t.clock.advance(MINUTE);
    assert.equal(
      (await login(t.app, 'user0@example.com', 'Summer2026!', { remoteAddress: '203.0.113.9' })).statusCode,
      401,
    );
  });

  it('distributed IPs against one account: the per-account limit holds whatever the IP', async () => {
    const t = await openTestApp({ config: { rateLimits: LIMITS } });
    after(() => t.cleanup());
    await t.service.accounts.register('ada@example.com', PASSWORD);
    const verifications = countVerifications(t);
    let limited = 0;
    for (let i = 0; i < 150; i++) {
      const res = await login(t.app, 'ada@example.com', `guess-${i}-xxxx`, {
        remoteAddress: `172.16.${i}.${i}`,
      });
      if (res.statusCode === 429) limited++;
    }
    assert.equal(limited, 150 - LIMITS.loginPerEmail.max);
    assert.equal(verifications(), LIMITS.loginPerEmail.max);
    // Another account is not affected by this one's limit.
    await t.service.accounts.register('bob@example.com', PASSWORD);
    assert.equal(
      (await login(t.app, 'bob@example.com', PASSWORD, { remoteAddress: '172.16.0.0' })).statusCode,
      200,
    );
  });
});
