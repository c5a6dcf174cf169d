import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toAuthContext } from './auth-context.js';

const now = 1_800_000_000;

test('builds the context from the claims, without copying the arrays', () => {
  const claims = { sub: 'u', sid: 's', roles: ['admin'], permissions: ['p'], iat: now };
  const auth = toAuthContext(claims, now, 0);
  assert.ok(typeof auth === 'object');
  assert.deepEqual(auth, {
    subject: 'u',
    sessionId: 's',
    roles: ['admin'],
    permissions: ['p'],
    scopes: [],
    clientId: undefined,
    claims,
  });
  assert.equal(auth.roles, claims.roles);
});

test('absent roles, permissions and scope are empty; sid and client_id are optional', () => {
  const auth = toAuthContext({ sub: 'u' }, now, 0);
  assert.ok(typeof auth === 'object');
  assert.deepEqual(
    [auth.roles, auth.permissions, auth.scopes, auth.sessionId, auth.clientId],
    [[], [], [], undefined, undefined],
  );
});

test('a client-credentials token: scope split on spaces, client_id kept', () => {
  const auth = toAuthContext(
    { sub: 'svc', client_id: 'svc', scope: 'jobs:run  jobs:read', iat: now },
    now,
    0,
  );
  assert.ok(typeof auth === 'object');
  assert.deepEqual(
    [auth.subject, auth.clientId, auth.scopes, auth.sessionId],
    ['svc', 'svc', ['jobs:run', 'jobs:read'], undefined],
  );
  const empty = toAuthContext({ sub: 'svc', scope: '' }, now, 0);
  assert.ok(typeof empty === 'object');
  assert.deepEqual(empty.scopes, []);
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
    { sub: 'u', scope: ['jobs:run'] },
    { sub: 'u', scope: 5 },
    { sub: 'u', client_id: '' },
    { sub: 'u', client_id: 7 },
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
