import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toAuthContext } from './auth-context.js';

const now = 1_800_000_000;

test('builds the context from the claims, without copying the arrays', () => {
  const claims = { sub: 'u', sid: 's', roles: ['admin'], permissions: ['p'], iat: now };
  const auth = toAuthContext(claims, now, 0);
  assert.ok(typeof auth === 'object');
  assert.deepEqual(auth, { subject: 'u', sessionId: 's', roles: ['admin'], permissions: ['p'], claims });
  assert.equal(auth.roles, claims.roles);
});

test('absent roles and permissions are empty; sid is optional', () => {
  const auth = toAuthContext({ sub: 'u' }, now, 0);
  assert.ok(typeof auth === 'object');
  assert.deepEqual([auth.roles, auth.permissions, auth.sessionId], [[], [], undefined]);
});

test('malformed sub, sid, roles or permissions make the token invalid', () => {
  for (const claims of [
    {},
    { sub: '' },
    { sub: 1 },
    { sub: 'u', sid: '' },
    { sub: 'u', sid: 5 },
    { sub: 'u', roles: 'admin' },
    { sub: 'u', roles: ['a', 1] },
    { sub: 'u', roles: [['admin']] },
    { sub: 'u', permissions: null },
    { sub: 'u', permissions: { 0: 'p', length: 1 } },
  ]) {
    assert.equal(toAuthContext(claims as never, now, 0), 'ERR_GUARD_CLAIMS_INVALID', JSON.stringify(claims));
  }
});

test('an iat more than a minute (plus tolerance) ahead is refused', () => {
  assert.equal(toAuthContext({ sub: 'u', iat: now + 61 }, now, 0), 'ERR_JWT_CLAIM_INVALID');
  assert.equal(typeof toAuthContext({ sub: 'u', iat: now + 60 }, now, 0), 'object');
  assert.equal(typeof toAuthContext({ sub: 'u', iat: now + 61 }, now, 5), 'object');
});

test('inherited properties never count as claims (A17)', () => {
  const claims = Object.create({ roles: ['admin'], sub: 'admin' }) as Record<string, unknown>;
  claims.sub = 'u';
  const auth = toAuthContext(claims, now, 0);
  assert.ok(typeof auth === 'object');
  assert.deepEqual(auth.roles, []);
});
