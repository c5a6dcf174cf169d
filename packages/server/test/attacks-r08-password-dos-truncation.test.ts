// docs/security.md R8: password-hash DoS and truncation. A 1 MB password is refused before any hashing;
// passwords over 1024 bytes are refused (400); argon2 has no 72-byte truncation, so 73- and
// 100-byte passwords that differ only after byte 72 are different passwords.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, errorBody, login, openTestApp, signIn, type TestApp } from './helpers/http.js';

describe('R8 password-hash DoS and truncation', () => {
  let t: TestApp;
  let hashed = 0;
  before(async () => {
    t = await openTestApp();
    const { hasher } = t.service;
    const hash = hasher.hash.bind(hasher);
    const verify = hasher.verify.bind(hasher);
    hasher.hash = (...args) => {
      hashed++;
      return hash(...args);
    };
    hasher.verify = (...args) => {
      hashed++;
      return verify(...args);
    };
  });
  after(() => t.cleanup());

  it('a 1 MB password: refused at login, register and password change without hashing', async () => {
    const tokens = await signIn(t, 'ada@example.com');
    const huge = 'p'.repeat(1024 * 1024);
    hashed = 0;
    const requests = [
      { method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: huge } },
      { method: 'POST', url: '/auth/register', payload: { email: 'new@example.com', password: huge } },
      {
        method: 'POST',
        url: '/auth/password',
        headers: bearer(tokens.access_token),
        payload: { current_password: huge, new_password: 'a new password' },
      },
    ] as const;
    for (const request of requests) {
      const res = await t.app.inject(request);
      assert.ok(res.statusCode === 400 || res.statusCode === 413, `${request.url}: ${res.statusCode}`);
      errorBody(res);
    }
    assert.equal(hashed, 0);
  });

  it('1025 bytes is too long, 1024 is fine; multi-byte characters count as bytes', async () => {
    const tokens = await signIn(t, 'bytes@example.com');
    hashed = 0;
    for (const password of ['x'.repeat(1025), '€'.repeat(342), 'é'.repeat(513)]) {
      const reg = await t.app.inject({
        method: 'POST',
        url: '/auth/register',
        payload: { email: 'long@example.com', password },
      });
      assert.equal(reg.statusCode, 400);
      const res = await login(t.app, 'bytes@example.com', password);
      assert.equal(res.statusCode, 400);
      assert.equal(errorBody(res).error, 'invalid_request');
    }
    assert.equal(hashed, 0);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/auth/password',
      headers: bearer(tokens.access_token),
      payload: { current_password: 'correct horse battery staple', new_password: 'x'.repeat(1024) },
    });
    assert.equal(ok.statusCode, 204);
    assert.equal((await login(t.app, 'bytes@example.com', 'x'.repeat(1024))).statusCode, 200);
  });

  it('no 72-byte truncation: 73- and 100-byte passwords differing after byte 72 are different', async () => {
    const prefix = 'a'.repeat(72);
    const long100 = `${prefix}${'b'.repeat(28)}`;
    await signIn(t, 'trunc@example.com', { password: long100 });
    assert.equal((await login(t.app, 'trunc@example.com', `${prefix}c`)).statusCode, 401);
    assert.equal((await login(t.app, 'trunc@example.com', `${prefix}${'c'.repeat(28)}`)).statusCode, 401);
    assert.equal((await login(t.app, 'trunc@example.com', prefix)).statusCode, 401);
    assert.equal((await login(t.app, 'trunc@example.com', long100)).statusCode, 200);

    const long73 = `${prefix}x`;
    await signIn(t, 'trunc73@example.com', { password: long73 });
    assert.equal((await login(t.app, 'trunc73@example.com', `${prefix}y`)).statusCode, 401);
    assert.equal((await login(t.app, 'trunc73@example.com', long73)).statusCode, 200);
  });
});
