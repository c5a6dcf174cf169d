import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { tesseraGuard } from '../src/adapters/fastify.js';
import { attackSuite, type Send, type Sent } from './support/attack-suite.js';
import { testGuard } from './support/guards.js';
import { accessToken, clientToken } from './support/keys.js';

const guard = testGuard();

async function buildApp(protect?: 'all' | 'configured'): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(tesseraGuard, protect === undefined ? { guard } : { guard, protect });
  app.get('/profile', async (request) => ({ subject: request.auth?.subject }));
  app.get('/admin', { config: { auth: { roles: ['admin', 'owner'] } } }, async () => ({ ok: true }));
  app.get(
    '/invoices',
    { config: { auth: { permissions: ['invoices:read', 'invoices:write'] } } },
    async () => ({
      ok: true,
    }),
  );
  app.get('/jobs', { config: { auth: { scopes: ['jobs:run'] } } }, async (request) => ({
    clientId: request.auth?.clientId,
    scopes: request.auth?.scopes,
  }));
  app.get('/public', { config: { auth: false } }, async (request) => ({ auth: request.auth }));
  app.get('/secured', { config: { auth: true } }, async (request) => ({ subject: request.auth?.subject }));
  // Encapsulation: a child context still gets the hook and the decorator.
  app.register(async (child) => {
    child.get('/child', async (request) => ({ subject: request.auth?.subject }));
  });
  await app.ready();
  return app;
}

let app: FastifyInstance;
let configured: FastifyInstance;
before(async () => {
  app = await buildApp();
  configured = await buildApp('configured');
});
after(async () => {
  await app.close();
  await configured.close();
});

const inject = (target: FastifyInstance, url: string, authorization?: string) =>
  target.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });

const send: Send = async (authorization, path = '/profile') => {
  const res = await inject(app, path, authorization);
  return { status: res.statusCode, headers: res.headers as Sent['headers'], text: res.body };
};

attackSuite('fastify', send, { jsonBody: true, challengeOn400: true });

describe('fastify: route config', () => {
  const user = `Bearer ${accessToken()}`;

  test('config.auth.roles: 403 without any of them, 200 with one', async () => {
    const res = await inject(app, '/admin', user);
    assert.equal(res.statusCode, 403);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope"');
    assert.equal(res.json().error, 'insufficient_scope');
    assert.equal(
      (await inject(app, '/admin', `Bearer ${accessToken({ roles: ['owner'] })}`)).statusCode,
      200,
    );
  });

  test('config.auth.permissions: every one is needed', async () => {
    const one = `Bearer ${accessToken({ permissions: ['invoices:read'] })}`;
    const both = `Bearer ${accessToken({ permissions: ['invoices:read', 'invoices:write'] })}`;
    assert.equal((await inject(app, '/invoices', one)).statusCode, 403);
    assert.equal((await inject(app, '/invoices', both)).statusCode, 200);
  });

  test('config.auth.scopes: a client token needs every scope listed', async () => {
    const ok = await inject(app, '/jobs', `Bearer ${clientToken('jobs:run')}`);
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { clientId: 'svc-1', scopes: ['jobs:run'] });
    for (const token of [clientToken('jobs:read'), accessToken()]) {
      const res = await inject(app, '/jobs', `Bearer ${token}`);
      assert.equal(res.statusCode, 403);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope"');
    }
  });

  test('config.auth: false leaves a route public, with request.auth null', async () => {
    const res = await inject(app, '/public');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { auth: null });
  });

  test('routes of child contexts are protected too (encapsulation-transparent plugin)', async () => {
    assert.equal((await inject(app, '/child')).statusCode, 401);
    assert.equal((await inject(app, '/child', user)).json().subject, 'user-1');
  });

  test('HEAD routes are protected like their GET', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/profile' });
    assert.equal(res.statusCode, 401);
  });

  test('a CORS preflight (no credentials, by the browser) is let through to the CORS handler', async () => {
    const cors = Fastify();
    await cors.register(tesseraGuard, { guard });
    cors.options('/profile', async (_request, reply) =>
      reply.code(204).header('access-control-allow-origin', '*').send(),
    );
    cors.get('/profile', async (request) => ({ subject: request.auth?.subject }));
    await cors.ready();
    const preflight = await cors.inject({
      method: 'OPTIONS',
      url: '/profile',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.statusCode, 204);
    // A plain OPTIONS request is not a preflight: it is guarded like any other.
    assert.equal((await cors.inject({ method: 'OPTIONS', url: '/profile' })).statusCode, 401);
    await cors.close();
  });

  test("protect: 'configured' only guards routes with config.auth", async () => {
    assert.equal((await inject(configured, '/profile')).statusCode, 200);
    assert.equal((await inject(configured, '/secured')).statusCode, 401);
    assert.equal((await inject(configured, '/secured', user)).json().subject, 'user-1');
    assert.equal((await inject(configured, '/admin', user)).statusCode, 403);
  });

  test('routes declared before the plugin has loaded are protected too', async () => {
    const early = Fastify();
    early.register(tesseraGuard, { guard }); // not awaited: the routes below are declared first
    early.get('/early', async (request) => ({ subject: request.auth?.subject }));
    early.get('/early-admin', { config: { auth: { roles: ['admin'] } } }, async () => 'ok');
    await early.ready();
    assert.equal((await inject(early, '/early')).statusCode, 401);
    assert.equal((await inject(early, '/early', user)).json().subject, 'user-1');
    assert.equal((await inject(early, '/early-admin', user)).statusCode, 403);
    await early.close();
  });

  test('a bad config.auth throws when the route is declared', async () => {
    const bad = Fastify();
    await bad.register(tesseraGuard, { guard });
    assert.throws(
      () => bad.get('/x', { config: { auth: { roles: [] } } }, async () => 'x'),
      /config\.auth of GET \/x\.roles must be a non-empty list/,
    );
    await bad.close();
  });

  test('a missing guard or a bad protect fails registration', async () => {
    await assert.rejects(async () => {
      const bad = Fastify();
      await bad.register(tesseraGuard, {} as never);
    }, TypeError);
    await assert.rejects(async () => {
      const bad = Fastify();
      await bad.register(tesseraGuard, { guard, protect: 'some' as never });
    }, TypeError);
  });

  test('the plugin is wrapped by fastify-plugin (name and fastify 5 range)', () => {
    const meta = tesseraGuard as unknown as Record<symbol, unknown>;
    assert.equal(meta[Symbol.for('skip-override')], true);
    assert.equal(meta[Symbol.for('fastify.display-name')], '@tessera/guard');
    assert.deepEqual(meta[Symbol.for('plugin-meta')], { name: '@tessera/guard', fastify: '5.x' });
  });
});
