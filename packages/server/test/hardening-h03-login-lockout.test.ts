// Hardening H3 (docs/security.md): login throttling turned against the owner. Before, ten wrong
// passwords for an email, from anywhere, locked its owner out for 15 minutes even with the right
// password. Now failures count per (account, address) and per account with progressive delay,
// and the per-account limit never applies where the owner logged in before (same address, or the
// device token from that login). Brute force and credential stuffing stay throttled.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { defaultConfig } from '../src/config.js';
import { DEVICE_COOKIE, DEVICE_HEADER } from '../src/http/browser.js';
import { json, login, openTestApp, setCookie, type TestApp, type TokenBody } from './helpers/http.js';
import { PASSWORD, SECOND } from './helpers/service.js';

const LIMITS = defaultConfig().rateLimits;
const ATTACKER = '203.0.113.66';
const OWNER = '198.51.100.10';

async function setup(): Promise<TestApp> {
  const t = await openTestApp({ config: { rateLimits: LIMITS, issuer: 'https://auth.example.com' } });
  after(() => t.cleanup());
  await t.service.accounts.register('ada@example.com', PASSWORD);
  return t;
}

function attack(t: TestApp, count: number, address: (i: number) => string) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      login(t.app, 'ada@example.com', `not the password ${i}`, { remoteAddress: address(i) }),
    ),
  ).then((all) => all.map((res) => res.statusCode));
}

describe('H3 login throttling cannot be turned against the owner', () => {
  it('an attacker at one address sends 50 wrong passwords; the owner at another address logs in at once; the attacker stays throttled', async () => {
    const t = await setup();
    const statuses = await attack(t, 50, () => ATTACKER);
    assert.equal(statuses.filter((s) => s === 401).length, LIMITS.loginPerEmailAndIp.max);
    assert.equal(statuses.filter((s) => s === 429).length, 50 - LIMITS.loginPerEmailAndIp.max);
    const owner = await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: OWNER });
    assert.equal(owner.statusCode, 200, owner.body);
    // The attacker, even with the right password now, still waits; the owner's login forgave nothing of theirs.
    const again = await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: ATTACKER });
    assert.equal(again.statusCode, 429);
    assert.ok(Number(again.headers['retry-after']) >= 1);
  });

  it('one password across 1,000 accounts from one address is throttled', async () => {
    const t = await setup();
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const res = await login(t.app, `user${i}@example.com`, 'Summer2026!', { remoteAddress: ATTACKER });
      statuses.push(res.statusCode);
    }
    assert.equal(statuses.filter((s) => s === 401).length, LIMITS.loginPerIp.max);
    assert.equal(statuses.filter((s) => s === 429).length, 1000 - LIMITS.loginPerIp.max);
  });

  it('a distributed attack fills the per-account limit: the owner still gets in from a known address, with the device token, or behind the attacker’s own address', async () => {
    const t = await setup();
    // The owner logged in before, in body mode, and kept the device token.
    const first = json<TokenBody>(await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: OWNER }));
    assert.match(first.device_token ?? '', /^v1\./);
    const statuses = await attack(t, 150, (i) => `10.9.${i}.1`);
    assert.equal(statuses.filter((s) => s === 429).length, 150 - LIMITS.loginPerEmail.max + 1);

    // A new address without a device token waits (a delay, not a lock: Retry-After is short).
    const stranger = await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: '192.0.2.200' });
    assert.equal(stranger.statusCode, 429);
    assert.ok(Number(stranger.headers['retry-after']) <= LIMITS.loginPerEmail.windowMs / SECOND);

    // The address the owner logged in from before.
    assert.equal((await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: OWNER })).statusCode, 200);
    // The device token from a new address (a phone on another network)...
    const headers = { [DEVICE_HEADER]: first.device_token ?? '' };
    const phone = await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: '192.0.2.201', headers });
    assert.equal(phone.statusCode, 200, phone.body);
    // ...even from the attacker's own address (one NAT), where the address limits are full.
    await attack(t, 40, () => ATTACKER);
    const nat = await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: ATTACKER, headers });
    assert.equal(nat.statusCode, 200, nat.body);

    // A token is bound to its account, and a forged one is worth nothing.
    await t.service.accounts.register('bob@example.com', PASSWORD);
    const bob = json<TokenBody>(await login(t.app, 'bob@example.com', PASSWORD, { remoteAddress: OWNER }));
    const forged = `${first.device_token?.slice(0, -2)}AA`;
    for (const token of [bob.device_token ?? '', forged, 'v1.x.y.z']) {
      const res = await login(t.app, 'ada@example.com', PASSWORD, {
        remoteAddress: '192.0.2.202',
        headers: { [DEVICE_HEADER]: token },
      });
      assert.equal(res.statusCode, 429, token);
    }
  });

  it('browser mode: the device cookie set at login lets the owner in past the per-account limit', async () => {
    const t = await setup();
    const browser = { 'x-tessera-client': 'browser' };
    const first = await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: OWNER, headers: browser });
    const device = setCookie(first, DEVICE_COOKIE);
    assert.ok(device !== undefined && json(first).device_token === undefined);
    await attack(t, 110, (i) => `10.8.${i}.1`);
    const cookie = `${DEVICE_COOKIE}=${device.value}`;
    const later = await login(t.app, 'ada@example.com', PASSWORD, {
      remoteAddress: '192.0.2.210',
      headers: { ...browser, cookie },
    });
    assert.equal(later.statusCode, 200, later.body);
    // Two device cookies (one tossed in): neither is trusted.
    const tossed = await login(t.app, 'ada@example.com', PASSWORD, {
      remoteAddress: '192.0.2.211',
      headers: { ...browser, cookie: `${cookie}; ${cookie}` },
    });
    assert.equal(tossed.statusCode, 429);
  });

  it('a device token does not lift the device’s own failure count (a stolen one is still throttled)', async () => {
    const t = await setup();
    const { device_token } = json<TokenBody>(
      await login(t.app, 'ada@example.com', PASSWORD, { remoteAddress: OWNER }),
    );
    const headers = { [DEVICE_HEADER]: device_token ?? '' };
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await login(t.app, 'ada@example.com', `guess ${i}`, {
        remoteAddress: `10.7.${i}.1`,
        headers,
      });
      statuses.push(res.statusCode);
    }
    assert.deepEqual(statuses.slice(0, LIMITS.loginPerEmailAndIp.max), Array(5).fill(401));
    assert.deepEqual(statuses.slice(LIMITS.loginPerEmailAndIp.max), Array(15).fill(429));
  });
});
