import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { authenticateRequest, sendGuardError, withAuth } from '../src/adapters/node.js';
import { type AuthContext, GuardError } from '../src/index.js';
import { attackSuite, type Send } from './support/attack-suite.js';
import { testGuard } from './support/guards.js';
import { listen, type TestServer } from './support/http-server.js';
import { accessToken, clientToken } from './support/keys.js';

const guard = testGuard({ cookie: 'at' });

/** The README's node:http shape: authenticateRequest + sendGuardError. */
async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.url === '/admin') return admin(req, res);
  if (req.url === '/jobs') return jobs(req, res);
  let auth: AuthContext;
  try {
    auth = await authenticateRequest(guard, req);
  } catch (err) {
    if (err instanceof GuardError) return sendGuardError(res, err);
    throw err;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ subject: auth.subject }));
}

const admin = withAuth(
  guard,
  (_req, res, auth) => {
    res.end(JSON.stringify({ subject: auth.subject }));
  },
  { roles: ['admin'] },
);

const jobs = withAuth(
  guard,
  (_req, res, auth) => {
    res.end(JSON.stringify({ clientId: auth.clientId, scopes: auth.scopes }));
  },
  { scopes: ['jobs:run'] },
);

let server: TestServer;
before(async () => {
  server = await listen((req, res) => void handler(req, res), { maxHeaderSize: 8 * 1024 * 1024 });
});
after(() => server.close());

const send: Send = async (authorization, path = '/profile') => {
  let req = request(server.url).get(path);
  if (authorization !== undefined) req = req.set('authorization', authorization);
  const res = await req;
  return { status: res.status, headers: res.headers, text: res.text };
};

attackSuite('node:http', send, { jsonBody: true, challengeOn400: true });

describe('node:http helpers', () => {
  test('authenticateRequest returns the context itself (no promise) when keys are local', () => {
    const req = { headers: { authorization: `Bearer ${accessToken()}` }, url: '/' } as IncomingMessage;
    const auth = authenticateRequest(guard, req);
    assert.ok(!(auth instanceof Promise));
    assert.equal((auth as AuthContext).subject, 'user-1');
  });

  test('authenticateRequest throws a GuardError synchronously', () => {
    const req = { headers: {}, url: '/' } as IncomingMessage;
    assert.throws(
      () => authenticateRequest(guard, req),
      (err) => err instanceof GuardError && err.code === 'missing_token' && err.status === 401,
    );
  });

  test('authenticateRequest reads the configured cookie', () => {
    const req = { headers: { cookie: `at=${accessToken()}` }, url: '/' } as IncomingMessage;
    assert.equal((authenticateRequest(guard, req) as AuthContext).subject, 'user-1');
  });

  test('withAuth authorizes: 403 without the role, 200 with it', async () => {
    const denied = await request(server.url).get('/admin').set('authorization', `Bearer ${accessToken()}`);
    assert.equal(denied.status, 403);
    assert.equal(denied.headers['www-authenticate'], 'Bearer realm="api", error="insufficient_scope"');
    const allowed = await request(server.url)
      .get('/admin')
      .set('authorization', `Bearer ${accessToken({ roles: ['admin'] })}`);
    assert.equal(allowed.status, 200);
  });

  test('withAuth with scopes: 403 without the scope, 200 with it', async () => {
    const without = await request(server.url)
      .get('/jobs')
      .set('authorization', `Bearer ${clientToken('jobs:read')}`);
    assert.equal(without.status, 403);
    assert.equal(without.body.error_description, 'a required scope is missing');
    const withScope = await request(server.url)
      .get('/jobs')
      .set('authorization', `Bearer ${clientToken('jobs:run')}`);
    assert.equal(withScope.status, 200);
    assert.deepEqual(JSON.parse(withScope.text), { clientId: 'svc-1', scopes: ['jobs:run'] });
  });

  test('withAuth answers refusals itself', async () => {
    const res = await request(server.url).get('/admin');
    assert.equal(res.status, 401);
    assert.equal(
      res.headers['www-authenticate'],
      'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA PS256 RS256"',
    );
  });

  test('sendGuardError writes status, challenge and the JSON body', () => {
    const headers: Record<string, string> = {};
    let body = '';
    const res = {
      headersSent: false,
      statusCode: 200,
      setHeader: (name: string, value: string) => {
        headers[name] = value;
      },
      end: (chunk: string) => {
        body = chunk;
      },
    } as unknown as ServerResponse;
    try {
      guard.check('Bearer');
      assert.fail('expected a GuardError');
    } catch (err) {
      sendGuardError(res, err as GuardError);
    }
    assert.equal(res.statusCode, 400);
    assert.equal(headers['www-authenticate'], 'Bearer realm="api", error="invalid_request"');
    assert.deepEqual(JSON.parse(body), {
      error: 'invalid_request',
      error_description: 'the bearer credentials are malformed',
    });
  });
});
