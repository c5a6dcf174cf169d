import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import {
  authOf,
  requireAuth,
  requirePermission,
  requireRole,
  requireScope,
} from '../src/adapters/express.js';
import { GuardError } from '../src/index.js';
import { attackSuite, type Send } from './support/attack-suite.js';
import { testGuard } from './support/guards.js';
import { listen, type TestServer } from './support/http-server.js';
import { accessToken, clientToken } from './support/keys.js';

const guard = testGuard({ cookie: 'at', query: 'access_token' });
const headerOnly = testGuard();

const app = express();
app.set('env', 'test'); // Express's default error handler logs every error outside 'test'
app.get('/profile', requireAuth(guard), (req, res) => {
  const auth = authOf(req);
  res.json({ subject: auth.subject, roles: auth.roles });
});
app.get('/unguarded', (req, res) => {
  res.json({ subject: authOf(req).subject });
});
app.get('/admin', requireAuth(guard), requireRole('admin', 'owner'), (_req, res) => {
  res.json({ ok: true });
});
app.get(
  '/invoices',
  requireAuth(guard),
  requirePermission('invoices:read', 'invoices:write'),
  (_req, res) => {
    res.json({ ok: true });
  },
);
app.get('/admin-inline', requireAuth(guard, { roles: ['admin'] }), (_req, res) => {
  res.json({ ok: true });
});
app.get('/jobs', requireAuth(guard), requireScope('jobs:run'), (req, res) => {
  res.json({ subject: req.auth?.subject, clientId: req.auth?.clientId, scopes: req.auth?.scopes });
});
app.get('/jobs-inline', requireAuth(guard, { scopes: ['jobs:run', 'jobs:read'] }), (_req, res) => {
  res.json({ ok: true });
});
app.get('/header-only', requireAuth(headerOnly), (req, res) => {
  res.json({ subject: req.auth?.subject });
});
app.get('/passed', requireAuth(guard, { passError: true }), (_req, res) => {
  res.json({ ok: true });
});
app.get('/passed-admin', requireAuth(guard, { passError: true }), requireRole('admin'), (_req, res) => {
  res.json({ ok: true });
});
app.get('/miswired', requireRole('admin'), (_req, res) => {
  res.json({ ok: true });
});
app.get(
  '/foreign-auth',
  (req, _res, next) => {
    // Set by some other middleware, not by requireAuth: requireRole must not trust it.
    req.auth = {
      subject: 'forged',
      roles: ['admin'],
      permissions: [],
      scopes: [],
      claims: { sub: 'forged' },
    };
    next();
  },
  requireRole('admin'),
  (_req, res) => {
    res.json({ ok: true });
  },
);
app.use((err: Error, _req: Request, res: Response, next: NextFunction) => {
  if (err instanceof GuardError) return next(err); // Express's default handler applies err.status and err.headers
  res.status(599).json({ wiring: err.message, code: (err as { code?: string }).code });
});

let server: TestServer;
before(async () => {
  // A big header limit, so that multi-MB headers reach the guard instead of Node's 431.
  server = await listen(app, { maxHeaderSize: 8 * 1024 * 1024 });
});
after(async () => {
  await server.close();
  await guard.close();
});

const get = (path: string, headers: Record<string, string> = {}) => {
  let req = request(server.url).get(path);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req;
};

const send: Send = async (authorization, path = '/profile') => {
  const res = await get(path, authorization === undefined ? {} : { authorization });
  return { status: res.status, headers: res.headers, text: res.text };
};

attackSuite('express', send, { jsonBody: true, challengeOn400: true });

describe('express: authorization', () => {
  const user = `Bearer ${accessToken()}`;
  const admin = `Bearer ${accessToken({ roles: ['user', 'admin'] })}`;
  const owner = `Bearer ${accessToken({ roles: ['owner'] })}`;

  test('requireRole: 403 insufficient_scope without any of the roles', async () => {
    const res = await get('/admin', { authorization: user });
    assert.equal(res.status, 403);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope"');
    assert.equal(res.body.error, 'insufficient_scope');
  });

  test('requireRole: any one of the roles is enough', async () => {
    assert.equal((await get('/admin', { authorization: admin })).status, 200);
    assert.equal((await get('/admin', { authorization: owner })).status, 200);
  });

  test('requirePermission: every permission is needed', async () => {
    const one = `Bearer ${accessToken({ permissions: ['invoices:read'] })}`;
    const both = `Bearer ${accessToken({ permissions: ['invoices:read', 'invoices:write'] })}`;
    assert.equal((await get('/invoices', { authorization: one })).status, 403);
    assert.equal((await get('/invoices', { authorization: both })).status, 200);
  });

  test('requireAuth with roles authorizes too', async () => {
    assert.equal((await get('/admin-inline', { authorization: user })).status, 403);
    assert.equal((await get('/admin-inline', { authorization: admin })).status, 200);
  });

  test('authOf without requireAuth is a wiring error, not an anonymous request', async () => {
    const res = await get('/unguarded', { authorization: user });
    assert.equal(res.status, 599);
    assert.match(res.body.wiring, /authOf\(req\) needs requireAuth/);
  });

  test('requireRole without requireAuth is a wiring error handed to next()', async () => {
    for (const path of ['/miswired', '/foreign-auth']) {
      const res = await get(path, { authorization: admin });
      assert.equal(res.status, 599, path);
      assert.match(res.body.wiring, /must follow requireAuth/);
      assert.equal(res.body.code, 'ERR_GUARD_WIRING');
    }
  });

  test("requireRole follows requireAuth's passError", async () => {
    const res = await get('/passed-admin', { authorization: user });
    assert.equal(res.status, 403);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope"');
    // Express's default error handler answered, not the guard's JSON.
    assert.equal(res.body.error, undefined);
    assert.equal((await get('/passed-admin', { authorization: admin })).status, 200);
  });

  test('requireRole, requirePermission and requireScope refuse bad arguments at startup', () => {
    assert.throws(() => requireRole(), TypeError);
    assert.throws(() => requirePermission(''), TypeError);
    assert.throws(() => requireScope(), TypeError);
    assert.throws(() => requireScope('jobs:run jobs:read'), TypeError);
    assert.throws(() => requireAuth(guard, { roles: [] }), TypeError);
    assert.throws(() => requireAuth(guard, { scopes: [] }), TypeError);
  });

  test('requireScope: a client token with the scope passes, and req.auth names the client', async () => {
    const res = await get('/jobs', { authorization: `Bearer ${clientToken('jobs:read jobs:run')}` });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { subject: 'svc-1', clientId: 'svc-1', scopes: ['jobs:read', 'jobs:run'] });
  });

  test('requireScope: 403 insufficient_scope without the scope, for clients and users alike', async () => {
    for (const token of [clientToken('jobs:read'), clientToken(undefined), accessToken()]) {
      const res = await get('/jobs', { authorization: `Bearer ${token}` });
      assert.equal(res.status, 403);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope"');
      assert.deepEqual(res.body, {
        error: 'insufficient_scope',
        error_description: 'a required scope is missing',
      });
    }
  });

  test('requireAuth with scopes needs every one of them', async () => {
    assert.equal(
      (await get('/jobs-inline', { authorization: `Bearer ${clientToken('jobs:run')}` })).status,
      403,
    );
    const both = `Bearer ${clientToken('jobs:run jobs:read')}`;
    assert.equal((await get('/jobs-inline', { authorization: both })).status, 200);
  });
});

describe('express: token sources', () => {
  const token = accessToken();

  test('a configured cookie carries the token', async () => {
    const res = await get('/profile', { cookie: `theme=dark; at=${token}` });
    assert.equal(res.status, 200);
    assert.equal(res.body.subject, 'user-1');
  });

  test('a configured query parameter carries the token', async () => {
    assert.equal((await get(`/profile?access_token=${token}`)).status, 200);
  });

  test('header and cookie together: 400 invalid_request', async () => {
    const res = await get('/profile', { authorization: `Bearer ${token}`, cookie: `at=${token}` });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_request');
  });

  test('header and query together: 400 invalid_request', async () => {
    const res = await get(`/profile?access_token=${token}`, { authorization: `Bearer ${token}` });
    assert.equal(res.status, 400);
  });

  test('the query parameter twice: 400 invalid_request', async () => {
    assert.equal((await get(`/profile?access_token=${token}&access_token=${token}`)).status, 400);
  });

  test('never the query string or a cookie unless configured', async () => {
    const res = await get(`/header-only?access_token=${token}`, { cookie: `at=${token}` });
    assert.equal(res.status, 401);
    assert.equal(
      res.headers['www-authenticate'],
      'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA PS256 RS256"',
    );
  });
});

describe('express: behaviour', () => {
  test('passError hands the GuardError to the error handler, which applies its status and headers', async () => {
    const res = await get('/passed', { authorization: 'Bearer abc.def.ghi' });
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token"');
  });

  test('the middleware calls next synchronously when the keys are local', () => {
    const middleware = requireAuth(guard);
    const req = { headers: { authorization: `Bearer ${accessToken()}` }, url: '/' } as unknown as Request;
    let called = false;
    middleware(req, {} as Response, () => {
      called = true;
    });
    assert.equal(called, true);
    assert.equal(req.auth?.subject, 'user-1');
  });

  test('with the default header limit, a multi-MB header gets 431 from Node, not 500', async () => {
    const plain = await listen(app);
    try {
      const res = await request(plain.url)
        .get('/profile')
        .set('authorization', `Bearer ${'a'.repeat(2 * 1024 * 1024)}`);
      assert.equal(res.status, 431);
    } catch (err) {
      // Node may also cut the connection while the client is still writing.
      assert.match(String((err as NodeJS.ErrnoException).code), /ECONNRESET|EPIPE/);
    } finally {
      await plain.close();
    }
  });
});
