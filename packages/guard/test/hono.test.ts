import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import { type GuardEnv, guardMiddleware } from '../src/adapters/hono.js';
import { attackSuite, type Send } from './support/attack-suite.js';
import { testGuard } from './support/guards.js';
import { accessToken, clientToken } from './support/keys.js';

const guard = testGuard();
const app = new Hono<GuardEnv>();
app.get('/public', (c) => c.json({ ok: true }));
app.use('/profile', guardMiddleware(guard));
// c.get('auth') is typed AuthContext: this line would not compile otherwise.
app.get('/profile', (c) => c.json({ subject: c.get('auth').subject }));
app.get('/admin', guardMiddleware(guard, { roles: ['admin'] }), (c) =>
  c.json({ roles: c.get('auth').roles }),
);
app.get('/invoices', guardMiddleware(guard, { permissions: ['invoices:read', 'invoices:write'] }), (c) =>
  c.json({ ok: true }),
);

app.get('/jobs', guardMiddleware(guard, { scopes: ['jobs:run'] }), (c) =>
  c.json({ clientId: c.get('auth').clientId, scopes: c.get('auth').scopes }),
);

const send: Send = async (authorization, path = '/profile') => {
  const res = await app.request(path, { headers: authorization === undefined ? {} : { authorization } });
  return { status: res.status, headers: Object.fromEntries(res.headers), text: await res.text() };
};

attackSuite('hono', send, { jsonBody: true, challengeOn400: true });

describe('hono: authorization', () => {
  test('roles: 403 insufficient_scope without the role', async () => {
    const res = await send(`Bearer ${accessToken()}`, '/admin');
    assert.equal(res.status, 403);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope"');
    assert.equal(JSON.parse(res.text).error, 'insufficient_scope');
  });

  test('roles: 200 with the role', async () => {
    const res = await send(`Bearer ${accessToken({ roles: ['admin'] })}`, '/admin');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { roles: ['admin'] });
  });

  test('permissions: every one is needed', async () => {
    assert.equal(
      (await send(`Bearer ${accessToken({ permissions: ['invoices:read'] })}`, '/invoices')).status,
      403,
    );
    const both = `Bearer ${accessToken({ permissions: ['invoices:read', 'invoices:write'] })}`;
    assert.equal((await send(both, '/invoices')).status, 200);
  });

  test('scopes: a client token needs every one', async () => {
    const ok = await send(`Bearer ${clientToken('jobs:run jobs:read')}`, '/jobs');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.text), { clientId: 'svc-1', scopes: ['jobs:run', 'jobs:read'] });
    const res = await send(`Bearer ${clientToken('jobs:read')}`, '/jobs');
    assert.equal(res.status, 403);
    assert.equal(JSON.parse(res.text).error_description, 'a required scope is missing');
  });

  test('routes without the middleware stay public', async () => {
    assert.equal((await send(undefined, '/public')).status, 200);
  });

  test('a bad requirement throws when the middleware is built', () => {
    assert.throws(() => guardMiddleware(guard, { roles: [] }), TypeError);
  });
});
