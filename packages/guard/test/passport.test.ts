import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import passport from 'passport';
import request from 'supertest';
import { TesseraStrategy } from '../src/adapters/passport.js';
import type { AuthContext } from '../src/index.js';
import { attackSuite, type Send } from './support/attack-suite.js';
import { testGuard } from './support/guards.js';
import { listen, type TestServer } from './support/http-server.js';
import { accessToken, clientToken } from './support/keys.js';

const guard = testGuard();
const authenticator = new passport.Passport();
// As a passport-jwt app would switch: same strategy name, a verify callback making the user.
authenticator.use(
  new TesseraStrategy({ guard, name: 'jwt' }, (auth, done) => {
    if (auth.subject === 'blocked') return done(null, false);
    if (auth.subject === 'broken') return done(new Error('user store down'));
    done(null, { id: auth.subject, roles: auth.roles });
  }),
);
authenticator.use(new TesseraStrategy({ guard }));
authenticator.use(new TesseraStrategy({ guard, name: 'jobs', scopes: ['jobs:run'] }));

const app = express();
app.set('env', 'test');
app.get('/profile', authenticator.authenticate('jwt', { session: false }), (req, res) => {
  res.json({ subject: (req.user as { id: string }).id });
});
app.get('/context', authenticator.authenticate('tessera', { session: false }), (req, res) => {
  res.json({ subject: (req.user as AuthContext).subject, sessionId: (req.user as AuthContext).sessionId });
});

app.get('/jobs', authenticator.authenticate('jobs', { session: false }), (req, res) => {
  res.json({ clientId: (req.user as AuthContext).clientId, scopes: (req.user as AuthContext).scopes });
});

let server: TestServer;
before(async () => {
  server = await listen(app, { maxHeaderSize: 8 * 1024 * 1024 });
});
after(() => server.close());

const send: Send = async (authorization, path = '/profile') => {
  let req = request(server.url).get(path);
  if (authorization !== undefined) req = req.set('authorization', authorization);
  const res = await req;
  return { status: res.status, headers: res.headers, text: res.text };
};

// Passport answers failures itself: its own text body, and the challenge on 401 only.
attackSuite('passport', send, { jsonBody: false, challengeOn400: false });

describe('passport strategy', () => {
  test('without a verify callback, req.user is the AuthContext', async () => {
    const res = await send(`Bearer ${accessToken()}`, '/context');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { subject: 'user-1', sessionId: 'sess-1' });
  });

  test('verify refusing the user gives 401 invalid_token', async () => {
    const res = await send(`Bearer ${accessToken({ sub: 'blocked' })}`);
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="api", error="invalid_token"');
  });

  test('verify failing is an error for Express, not a refusal', async () => {
    const res = await send(`Bearer ${accessToken({ sub: 'broken' })}`);
    assert.equal(res.status, 500);
  });

  test('the strategy has a name and refuses to build without a guard or with a bad requirement', () => {
    assert.equal(new TesseraStrategy({ guard }).name, 'tessera');
    assert.throws(() => new TesseraStrategy({} as never), TypeError);
    assert.throws(() => new TesseraStrategy({ guard, scopes: [] }), TypeError);
  });

  test('a strategy with scopes authorizes: 403 without the scope, the context with it', async () => {
    const refused = await send(`Bearer ${clientToken('jobs:read')}`, '/jobs');
    assert.equal(refused.status, 403);
    const ok = await send(`Bearer ${clientToken('jobs:run')}`, '/jobs');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.text), { clientId: 'svc-1', scopes: ['jobs:run'] });
  });
});
