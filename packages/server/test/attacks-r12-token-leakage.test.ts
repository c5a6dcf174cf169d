// docs/security.md R12: token leakage. After login, refresh, reuse, logout, password change, admin
// actions, key rotation, bad input and a server error: no access token, refresh token, password,
// private key or KEK appears in the logs (captured at level trace), in any error body, in the
// audit rows, or in the database file; refresh tokens are stored only as SHA-256 hashes.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { exportJwk } from '@tessera/jwt';
import Database from 'better-sqlite3';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { REFRESH_COOKIE } from '../src/http/browser.js';
import { hashToken, refreshTokenHash } from '../src/service/secrets.js';
import {
  bearer,
  json,
  type LogCapture,
  openTestApp,
  setCookie,
  type TestApp,
  type TokenBody,
} from './helpers/http.js';
import { PASSWORD, SECOND } from './helpers/service.js';

const NEW_PASSWORD = 'a fresh secret passphrase 42';
const WRONG_PASSWORD = 'wrong-but-secret-guess-17';
const ORIGIN = 'https://auth.example.com';

describe('R12 token leakage', () => {
  let t: TestApp;
  const responses: LightMyRequestResponse[] = [];
  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const privateKeys = new Set<string>();
  const logs: LogCapture[] = [];
  let metricsText = '';

  async function call(options: InjectOptions): Promise<LightMyRequestResponse> {
    const res = await t.app.inject(options);
    responses.push(res);
    if (res.statusCode === 200 && res.body.startsWith('{"access_token"')) {
      const body = json<Partial<TokenBody>>(res);
      if (body.access_token) accessTokens.add(body.access_token);
      if (body.refresh_token) refreshTokens.add(body.refresh_token);
    }
    const cookie = setCookie(res, REFRESH_COOKIE);
    if (cookie?.value) refreshTokens.add(cookie.value);
    return res;
  }

  function rememberKeys() {
    privateKeys.add(exportJwk(t.service.keys.current(), { private: true }).d as string);
  }

  before(async () => {
    t = await openTestApp({ captureLogs: true, config: { issuer: ORIGIN } });
    rememberKeys();
    await t.service.accounts.register('root@example.com', PASSWORD, { roles: ['admin'] });
    const login = (password: string, headers: Record<string, string> = {}) =>
      call({ method: 'POST', url: '/auth/login', headers, payload: { email: 'ada@example.com', password } });

    await call({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'ada@example.com', password: PASSWORD },
    });
    await call({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'ada@example.com', password: PASSWORD },
    });
    await login(WRONG_PASSWORD);
    await call({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'nobody@example.com', password: WRONG_PASSWORD },
    });
    const first = json<TokenBody>(await login(PASSWORD));
    const admin = json<TokenBody>(
      await call({
        method: 'POST',
        url: '/auth/login',
        payload: { email: 'root@example.com', password: PASSWORD },
      }),
    );

    // Body-mode refresh, a grace retry, then reuse after the window.
    const second = json<TokenBody>(
      await call({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } }),
    );
    await call({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } });
    t.clock.advance(31 * SECOND);
    await call({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } });
    await call({ method: 'GET', url: '/auth/me', headers: bearer(second.access_token) });

    // Browser mode: cookie login, cookie refresh, a refused cross-site refresh, cookie logout.
    const browser = await login(PASSWORD, { 'x-tessera-client': 'browser' });
    const cookie = setCookie(browser, REFRESH_COOKIE)!.value;
    const renewed = await call({
      method: 'POST',
      url: '/auth/refresh',
      headers: { origin: ORIGIN },
      cookies: { [REFRESH_COOKIE]: cookie },
    });
    const cookie2 = setCookie(renewed, REFRESH_COOKIE)!.value;
    await call({
      method: 'POST',
      url: '/auth/refresh',
      headers: { origin: 'https://evil.example' },
      cookies: { [REFRESH_COOKIE]: cookie2 },
    });
    await call({
      method: 'POST',
      url: '/auth/logout',
      headers: { origin: ORIGIN },
      cookies: { [REFRESH_COOKIE]: cookie2 },
    });

    // Bearer routes with good and bad tokens, password change, sessions, logout.
    const third = json<TokenBody>(await login(PASSWORD));
    await call({ method: 'GET', url: '/auth/sessions', headers: bearer(third.access_token) });
    await call({ method: 'GET', url: '/demo/profile', headers: bearer(`${third.access_token}tampered`) });
    await call({ method: 'DELETE', url: '/demo/users/x', headers: bearer(third.access_token) });
    await call({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(third.access_token),
      payload: { current_password: WRONG_PASSWORD, new_password: NEW_PASSWORD },
    });
    await call({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(third.access_token),
      payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    await call({ method: 'POST', url: '/auth/logout', payload: { refresh_token: third.refresh_token } });
    await call({ method: 'POST', url: '/auth/logout', headers: bearer(second.access_token) });

    // Bad input that carries secrets: broken JSON, wrong types, too long.
    await call({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":"ada@example.com","password":"${NEW_PASSWORD}"`,
    });
    await call({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'ada@example.com', password: [NEW_PASSWORD] },
    });
    await call({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refresh_token: [...refreshTokens][0]!.repeat(20) },
    });
    await call({
      method: 'POST',
      url: '/auth/refresh',
      headers: { 'content-type': 'text/plain' },
      payload: [...refreshTokens][0]!,
    });

    // Admin actions and key rotation.
    const ada = (await t.store.users.findByEmail('ada@example.com'))!.id;
    await call({
      method: 'PATCH',
      url: `/admin/users/${ada}`,
      headers: bearer(admin.access_token),
      payload: { roles: ['user', 'editor'] },
    });
    await call({
      method: 'POST',
      url: `/admin/users/${ada}/revoke-sessions`,
      headers: bearer(admin.access_token),
    });
    await call({
      method: 'POST',
      url: '/admin/keys/rotate',
      headers: bearer(admin.access_token),
      payload: { immediate: true },
    });
    rememberKeys();
    await call({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'ada@example.com', password: NEW_PASSWORD },
    });
    await call({ method: 'GET', url: '/admin/audit', headers: bearer(admin.access_token) });
    metricsText = (await t.metricsApp.inject({ method: 'GET', url: '/metrics' })).body;

    // A server error while a password is in flight.
    await t.store.close();
    const failed = await call({
      method: 'POST',
      url: '/auth/login',
      payload: { email: 'ada@example.com', password: NEW_PASSWORD },
    });
    assert.equal(failed.statusCode, 500);
    logs.push(t.logs!);
    t = await t.restart({ captureLogs: true, config: { issuer: ORIGIN } });
    logs.push(t.logs!);
  });
  after(() => t.cleanup());

  /** Every secret of the run, with a label, in the forms a leak would take. */
  function secrets(): [label: string, value: string][] {
    const out: [string, string][] = [];
    for (const p of [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD]) out.push(['password', p]);
    for (const token of accessTokens) {
      out.push(['access token', token]);
      out.push(['access token signature', token.split('.')[2]!]);
    }
    for (const token of refreshTokens) out.push(['refresh token', token]);
    for (const d of privateKeys) out.push(['private key', d]);
    out.push(
      ['kek', t.kek.toString('base64url')],
      ['kek', t.kek.toString('hex')],
      ['kek', t.kek.toString('base64')],
    );
    return out;
  }

  function assertClean(where: string, text: string) {
    for (const [label, value] of secrets()) assert.ok(!text.includes(value), `${label} found in ${where}`);
  }

  it('the run produced what it should (the checks below have something to find)', () => {
    assert.ok(accessTokens.size >= 6, `${accessTokens.size} access tokens`);
    assert.ok(refreshTokens.size >= 6, `${refreshTokens.size} refresh tokens`);
    assert.equal(privateKeys.size, 2);
    assert.ok(responses.filter((r) => r.statusCode >= 400).length >= 10);
  });

  it('logs: nothing secret, at level trace, including the failed request', () => {
    const text = logs.map((capture) => capture.text).join('');
    // Control: the capture saw every request and the server error.
    assert.ok(logs[0]!.lines.filter((l) => l.includes('request completed')).length >= responses.length);
    assert.match(text, /"msg":"request failed"/);
    assertClean('the logs', text);
    for (const token of refreshTokens)
      assert.ok(!text.includes(hashToken(token)), 'refresh-token hash in logs');
  });

  it('error bodies: nothing secret, never the input echoed', () => {
    for (const res of responses.filter((r) => r.statusCode >= 400)) {
      assertClean(`a ${res.statusCode} body`, res.body);
      assert.deepEqual(Object.keys(json(res)).sort(), ['error', 'error_description']);
    }
  });

  it('metrics: nothing secret', () => {
    assert.match(metricsText, /tessera_logins_total/);
    assertClean('the metrics', metricsText);
  });

  it('audit rows: no token, token hash, password, password hash or key', async () => {
    const events = await t.store.audit.list({ limit: 500 });
    assert.ok(events.length >= 15);
    const text = JSON.stringify(events);
    assertClean('the audit log', text);
    for (const token of refreshTokens)
      assert.ok(!text.includes(hashToken(token)), 'refresh-token hash in audit');
    assert.ok(!text.includes('$argon2id$'), 'password hash in audit');
  });

  it('the database: refresh tokens only as SHA-256 hashes; no token, password or key in the file', async () => {
    const raw = new Database(t.filename, { readonly: true });
    const stored = raw.prepare('select hash, successor_hash, successor_sealed from refresh_tokens').all() as {
      hash: string;
      successor_hash: string | null;
      successor_sealed: string | null;
    }[];
    raw.close();
    const hashes = new Set([...refreshTokens].map(refreshTokenHash));
    for (const row of stored) {
      // `<session id>.<SHA-256>`: the session id is public (every access token's sid).
      assert.match(row.hash, /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
      assert.ok(!refreshTokens.has(row.hash), 'a raw refresh token as a key');
    }
    assert.ok(
      stored.some((row) => hashes.has(row.hash)),
      'control: known hashes are in the table',
    );

    await t.close();
    const bytes = Buffer.concat(
      await Promise.all(
        ['', '-wal', '-shm'].map((s) => readFile(`${t.filename}${s}`).catch(() => Buffer.alloc(0))),
      ),
    );
    const text = bytes.toString('latin1');
    assert.ok(
      [...hashes].some((h) => text.includes(h)),
      'control: the file scan finds stored hashes',
    );
    assertClean('the database file', text);
  });
});
