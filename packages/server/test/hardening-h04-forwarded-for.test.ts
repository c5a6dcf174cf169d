// Hardening H4 (docs/security.md): a client forging X-Forwarded-For must not pick its own
// address. With trustProxy naming the proxy, the address recorded is the one that proxy saw.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { bearer, json, login, openTestApp, signIn } from './helpers/http.js';
import { MINUTE, PASSWORD } from './helpers/service.js';

const PROXY = '127.0.0.1';

describe('H4 X-Forwarded-For and trustProxy', () => {
  it('TESSERA_TRUST_PROXY=1 is one hop (the address the proxy saw), not "trust every hop"', () => {
    assert.equal(loadConfig({}, { TESSERA_TRUST_PROXY: '1' }).trustProxy, 1);
  });

  for (const trustProxy of [PROXY, 1] as const) {
    it(`with trustProxy ${JSON.stringify(trustProxy)}, the rightmost untrusted address is recorded: sessions, audit, rate limits`, async () => {
      const t = await openTestApp({
        config: { trustProxy, rateLimits: { loginPerIp: { max: 3, windowMs: MINUTE } } },
      });
      after(() => t.cleanup());
      await signIn(t, 'ada@example.com'); // from the proxy itself, no header
      const headers = { 'x-forwarded-for': '1.2.3.4, 203.0.113.5' };
      const res = await login(t.app, 'ada@example.com', PASSWORD, { headers, remoteAddress: PROXY });
      assert.equal(res.statusCode, 200);
      const { access_token } = json<{ access_token: string }>(res);
      const sessions = json<{ sessions: { ip: string; current: boolean }[] }>(
        await t.app.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(access_token) }),
      ).sessions;
      assert.equal(sessions.find((s) => s.current)?.ip, '203.0.113.5');
      const audit = await t.store.audit.list({ limit: 10, type: 'login' });
      assert.equal(audit[0]?.ip, '203.0.113.5');

      // Rate limits count 203.0.113.5, however the client varies the part it controls.
      const from = (forged: string) =>
        login(t.app, 'nobody@example.com', 'wrong password', {
          headers: { 'x-forwarded-for': `${forged}, 198.51.100.7` },
          remoteAddress: PROXY,
        });
      for (let i = 0; i < 3; i++) assert.equal((await from(`10.0.0.${i}`)).statusCode, 401);
      assert.equal((await from('10.0.0.99')).statusCode, 429);
    });
  }

  it('without trustProxy the header is ignored: the socket address is recorded', async () => {
    const t = await openTestApp();
    after(() => t.cleanup());
    await signIn(t, 'ada@example.com');
    const res = await login(t.app, 'ada@example.com', PASSWORD, {
      headers: { 'x-forwarded-for': '203.0.113.5' },
      remoteAddress: '192.0.2.9',
    });
    const { access_token } = json<{ access_token: string }>(res);
    const sessions = json<{ sessions: { ip: string; current: boolean }[] }>(
      await t.app.inject({ method: 'GET', url: '/auth/sessions', headers: bearer(access_token) }),
    ).sessions;
    assert.equal(sessions.find((s) => s.current)?.ip, '192.0.2.9');
  });
});
