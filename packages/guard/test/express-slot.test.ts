import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import express, { type Request, type Response } from 'express';
import request from 'supertest';
import { requireAuth, requireRole } from '../src/adapters/express.js';
import { testGuard } from './support/guards.js';
import { listen, type TestServer } from './support/http-server.js';
import { accessToken } from './support/keys.js';

// req.auth on an Express request is an accessor on Express's request prototype, backed by
// res.locals (see src/adapters/express-slot.ts). These tests pin down that it still behaves
// like the plain property it stands for.

const guard = testGuard();
const user = () => `Bearer ${accessToken()}`;
const admin = () => `Bearer ${accessToken({ roles: ['admin'] })}`;

describe('express: req.auth', () => {
  const app = express();
  app.set('env', 'test');
  const sub = express();
  sub.get('/inner', requireAuth(guard), (_req, _res, next) => next());
  app.use('/sub', sub, (req, res) => {
    // Back in the parent app after the mounted one called next: req.auth is still there.
    res.json({ subject: req.auth?.subject, own: Object.hasOwn(req, 'auth') });
  });
  app.get('/profile', requireAuth(guard), (req, res) => {
    res.json({
      subject: req.auth?.subject,
      own: Object.hasOwn(req, 'auth'),
      inLocals: Object.keys(res.locals),
    });
  });
  app.get(
    '/reassigned',
    requireAuth(guard),
    (req, _res, next) => {
      req.auth = { ...(req.auth as NonNullable<Request['auth']>), subject: 'changed' };
      next();
    },
    (req, res) => res.json({ subject: req.auth?.subject }),
  );
  app.get('/plain', (req, res) => res.json({ auth: req.auth ?? null }));
  app.get('/slow', requireAuth(guard), async (req, res) => {
    // Other requests pass requireAuth meanwhile: this one still reads its own.
    await new Promise((resolve) => setTimeout(resolve, 50));
    res.json({ subject: req.auth?.subject });
  });
  const headers = (edit: (req: Request) => void) =>
    app.get(
      `/headers-${edit.name}`,
      (req, _res, next) => {
        edit(req);
        next();
      },
      requireAuth(guard),
      (req, res) => res.json({ subject: req.auth?.subject }),
    );
  headers(function replaced(req) {
    req.headers = { ...req.headers, authorization: `Bearer ${accessToken({ sub: 'replaced' })}` };
  });
  headers(function removed(req) {
    delete req.headers.authorization;
  });
  app.get('/admin', requireAuth(guard), requireRole('admin'), (_req, res) => res.json({ ok: true }));

  let server: TestServer;
  before(async () => {
    server = await listen(app);
  });
  after(async () => {
    await server.close();
    await guard.close();
  });

  test('is set for the handler, without an own property or a visible res.locals key', async () => {
    const res = await request(server.url).get('/profile').set('authorization', user());
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { subject: 'user-1', own: false, inLocals: [] });
  });

  test('survives a mounted sub-app handing the request back to its parent', async () => {
    const res = await request(server.url).get('/sub/inner').set('authorization', user());
    assert.equal(res.status, 200);
    assert.equal(res.body.subject, 'user-1');
  });

  test('can be reassigned by later middleware, like a plain property', async () => {
    const res = await request(server.url).get('/reassigned').set('authorization', user());
    assert.equal(res.body.subject, 'changed');
  });

  test('is undefined on routes without requireAuth, and never leaks between requests', async () => {
    await request(server.url).get('/profile').set('authorization', user());
    const res = await request(server.url).get('/plain');
    assert.deepEqual(res.body, { auth: null });
  });

  test('each of many concurrent requests reads its own, across awaits', async () => {
    const subjects = Array.from({ length: 8 }, (_, i) => `user-${i}`);
    const answers = await Promise.all(
      subjects.map((sub) =>
        request(server.url)
          .get('/slow')
          .set('authorization', `Bearer ${accessToken({ sub })}`),
      ),
    );
    assert.deepEqual(
      answers.map((res) => res.body.subject),
      subjects,
    );
  });

  test('reads the headers as earlier middleware left them', async () => {
    const replaced = await request(server.url).get('/headers-replaced').set('authorization', user());
    assert.equal(replaced.body.subject, 'replaced');
    const removed = await request(server.url).get('/headers-removed').set('authorization', user());
    assert.equal(removed.status, 401);
  });

  test('requireRole reads it', async () => {
    assert.equal((await request(server.url).get('/admin').set('authorization', user())).status, 403);
    assert.equal((await request(server.url).get('/admin').set('authorization', admin())).status, 200);
  });

  test('an app whose request prototype defines its own auth keeps a plain property', async () => {
    const own = express();
    Object.defineProperty(own.request, 'auth', { value: 'theirs', writable: true, configurable: true });
    own.get('/profile', requireAuth(guard), (req, res) =>
      res.json({ subject: req.auth?.subject, own: Object.hasOwn(req, 'auth') }),
    );
    const s = await listen(own);
    try {
      const res = await request(s.url).get('/profile').set('authorization', user());
      assert.deepEqual(res.body, { subject: 'user-1', own: true });
    } finally {
      await s.close();
    }
  });

  test('a request that is not Express’s gets a plain property', () => {
    const middleware = requireAuth(guard);
    const req = new IncomingMessage(null as never) as unknown as Request;
    req.headers.authorization = user();
    let called = false;
    middleware(req, {} as Response, () => {
      called = true;
    });
    assert.equal(called, true);
    assert.equal(Object.hasOwn(req, 'auth'), true);
    assert.equal(req.auth?.subject, 'user-1');
    assert.equal('auth' in IncomingMessage.prototype, false);
  });
});
