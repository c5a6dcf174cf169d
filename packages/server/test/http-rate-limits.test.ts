import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { defaultConfig } from '../src/config.js';
import {
  bearer,
  errorBody,
  json,
  login,
  openTestApp,
  refresh,
  register,
  type TestApp,
} from './helpers/http.js';
import { MINUTE, PASSWORD, SECOND } from './helpers/service.js';

const DEFAULT_LIMITS = defaultConfig().rateLimits;

function assertLimited(res: LightMyRequestResponse, maxRetryAfter: number) {
  assert.equal(res.statusCode, 429, res.body);
  assert.deepEqual(errorBody(res).error, 'too_many_requests');
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxRetryAfter,
    `Retry-After ${retryAfter}`,
  );
}

function registerFrom(t: TestApp, email: string, remoteAddress: string) {
  return t.app.inject({
    method: 'POST',
    url: '/auth/register',
    payload: { email, password: PASSWORD },
    remoteAddress,
  });
}

describe('rate limits (defaults)', () => {
  it('has limits for login per IP, per account and address, per account; register; refresh; password change', () => {
    assert.deepEqual(DEFAULT_LIMITS.loginPerIp, { max: 30, windowMs: MINUTE });
    assert.deepEqual(DEFAULT_LIMITS.loginPerEmailAndIp, { max: 5, windowMs: 15 * MINUTE });
    assert.deepEqual(DEFAULT_LIMITS.loginPerEmail, { max: 100, windowMs: 60 * MINUTE });
    assert.deepEqual(DEFAULT_LIMITS.passwordChangePerUser, { max: 10, windowMs: 15 * MINUTE });
    assert.deepEqual(DEFAULT_LIMITS.registerPerIp, { max: 10, windowMs: 15 * MINUTE });
    assert.deepEqual(DEFAULT_LIMITS.registerPerEmail, { max: 5, windowMs: 15 * MINUTE });
    assert.deepEqual(DEFAULT_LIMITS.refreshPerIp, { max: 300, windowMs: MINUTE });
  });

  it('login per IP: the 31st attempt in a minute is 429 with Retry-After; another IP is not affected', async () => {
    const t = await openTestApp({ config: { rateLimits: DEFAULT_LIMITS } });
    after(() => t.cleanup());
    for (let i = 0; i < 30; i++) {
      const res = await login(t.app, `user${i}@example.com`, PASSWORD, { remoteAddress: '203.0.113.1' });
      assert.equal(res.statusCode, 401);
    }
    assertLimited(await login(t.app, 'user99@example.com', PASSWORD, { remoteAddress: '203.0.113.1' }), 60);
    assert.equal(
      (await login(t.app, 'user99@example.com', PASSWORD, { remoteAddress: '203.0.113.2' })).statusCode,
      401,
    );
    // The window ends: the first IP may try again.
    t.clock.advance(MINUTE);
    assert.equal(
      (await login(t.app, 'user99@example.com', PASSWORD, { remoteAddress: '203.0.113.1' })).statusCode,
      401,
    );
  });

  it('login per account and address: 5 tries, then each waits twice as long; Retry-After is honest', async () => {
    const t = await openTestApp({ config: { rateLimits: DEFAULT_LIMITS } });
    after(() => t.cleanup());
    await t.service.accounts.register('ada@example.com', PASSWORD);
    const from = { remoteAddress: '198.51.100.1' };
    for (let i = 0; i < 5; i++) {
      // Any case and surrounding spaces: one account.
      const email = i % 2 === 0 ? 'ada@example.com' : ' ADA@example.com';
      assert.equal((await login(t.app, email, 'wrong password', from)).statusCode, 401);
    }
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const limited = await login(t.app, 'ada@example.com', 'wrong password', from);
      assertLimited(limited, 15 * 60);
      const wait = Number(limited.headers['retry-after']);
      waits.push(wait);
      // Waiting as told lets the next try through: a delay, not a lock.
      t.clock.advance(wait * SECOND);
      assert.equal((await login(t.app, 'ada@example.com', 'wrong password', from)).statusCode, 401);
    }
    assert.ok(
      waits.every((w, i) => i === 0 || w > waits[i - 1]!),
      `Retry-After grows: ${waits.join(', ')}`,
    );
    // The right password from there, once allowed, logs in and forgives the failures.
    const limited = await login(t.app, 'ada@example.com', PASSWORD, from);
    t.clock.advance(Number(limited.headers['retry-after']) * SECOND);
    assert.equal((await login(t.app, 'ada@example.com', PASSWORD, from)).statusCode, 200);
    for (let i = 0; i < 5; i++) {
      assert.equal((await login(t.app, 'ada@example.com', 'wrong password', from)).statusCode, 401);
    }
  });

  it('login per account, any address: 100 tries an hour from new addresses, then progressive delay', async () => {
    const t = await openTestApp({ config: { rateLimits: DEFAULT_LIMITS } });
    after(() => t.cleanup());
    await t.service.accounts.register('ada@example.com', PASSWORD);
    for (let i = 0; i < 100; i++) {
      const res = await login(t.app, 'ada@example.com', 'wrong password', { remoteAddress: `10.1.${i}.1` });
      assert.equal(res.statusCode, 401);
    }
    assertLimited(await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: '10.2.0.1' }), 60 * 60);
    // Another account is not affected.
    assert.equal(
      (await login(t.app, 'bob@example.com', PASSWORD, { remoteAddress: '10.2.0.1' })).statusCode,
      401,
    );
    t.clock.advance(60 * MINUTE);
    assert.equal(
      (await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: '10.2.0.1' })).statusCode,
      200,
    );
  });

  it('register per IP (10 in 15 minutes) and per email (5 in 15 minutes)', async () => {
    const t = await openTestApp({ config: { rateLimits: DEFAULT_LIMITS } });
    after(() => t.cleanup());
    for (let i = 0; i < 10; i++) {
      assert.equal((await registerFrom(t, `new${i}@example.com`, '192.0.2.1')).statusCode, 201);
    }
    assertLimited(await registerFrom(t, 'new10@example.com', '192.0.2.1'), 15 * 60);
    assert.equal(await t.store.users.findByEmail('new10@example.com'), null);

    for (let i = 0; i < 5; i++) {
      assert.equal((await registerFrom(t, 'same@example.com', `192.0.2.${100 + i}`)).statusCode, 201);
    }
    assertLimited(await registerFrom(t, 'Same@Example.com', '192.0.2.200'), 15 * 60);
  });

  it('refresh per IP', async () => {
    const t = await openTestApp({
      config: { rateLimits: { ...DEFAULT_LIMITS, refreshPerIp: { max: 5, windowMs: MINUTE } } },
    });
    after(() => t.cleanup());
    for (let i = 0; i < 5; i++)
      assert.equal((await refresh(t.app, 'A'.repeat(43), '203.0.113.5')).statusCode, 401);
    assertLimited(await refresh(t.app, 'A'.repeat(43), '203.0.113.5'), 60);
    assert.equal((await refresh(t.app, 'A'.repeat(43), '203.0.113.6')).statusCode, 401);
  });

  it('password change per user: guessing the current password is limited (passwordChangePerUser)', async () => {
    const t = await openTestApp({
      config: { rateLimits: { ...DEFAULT_LIMITS, passwordChangePerUser: { max: 3, windowMs: MINUTE } } },
    });
    after(() => t.cleanup());
    await register(t.app, 'ada@example.com');
    const access = json(await login(t.app, 'ada@example.com')).access_token as string;
    const guess = () =>
      t.app.inject({
        method: 'POST',
        url: '/auth/password',
        headers: bearer(access),
        payload: { current_password: 'wrong password', new_password: 'a new password' },
      });
    for (let i = 0; i < 3; i++) assert.equal((await guess()).statusCode, 400);
    assertLimited(await guess(), 60);
  });

  it('are kept in the store: a restart does not reset them', async () => {
    const first = await openTestApp({ config: { rateLimits: DEFAULT_LIMITS } });
    const from = { remoteAddress: '198.51.100.9' };
    for (let i = 0; i < 5; i++) await login(first.app, 'ada@example.com', 'wrong password', from);
    assertLimited(await login(first.app, 'ada@example.com', PASSWORD, from), 15 * 60);
    first.clock.advance(SECOND);
    const second = await first.restart();
    after(() => second.cleanup());
    assertLimited(await login(second.app, 'ada@example.com', PASSWORD, from), 15 * 60);
  });
});
