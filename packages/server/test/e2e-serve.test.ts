// The built `tessera serve` over a real socket: the whole session lifecycle, then SIGKILL and a
// restart on the same data directory, after which every revocation and every live session holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, makeWorkspace } from './helpers/e2e-cli.js';
import { call, killAllServers, type RunningServer, startServer } from './helpers/e2e-server.js';

const ISSUER = 'http://tessera.e2e.test';
const PASSWORD = 'correct horse battery staple';
const GENEROUS = { max: 10_000, windowMs: 60_000 };

interface Login {
  access_token: string;
  refresh_token: string;
  session_id: string;
  token_type: string;
  expires_in: number;
}

describe('tessera serve, end to end', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: RunningServer;
  const api = (method: string, path: string, opts?: { token?: string; body?: unknown }) =>
    call(server.url, method, path, opts);
  const login = async (email: string): Promise<Login> => {
    const r = await api('POST', '/auth/login', { body: { email, password: PASSWORD } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as Login;
  };
  const refresh = (token: string) => api('POST', '/auth/refresh', { body: { refresh_token: token } });
  const profile = (token: string) => api('GET', '/demo/profile', { token });

  // Tokens and sessions at each step, checked again after the restart.
  let userId = '';
  let first: Login; // its refresh token is replayed: the whole session dies
  let rotated: Login; // the successor of `first`, dead with it
  let loggedOut: Login;
  let alive: Login;
  let bob: Login;
  let feedBefore: { sid: string; before: number; expires: number }[] = [];
  let jwksBefore: unknown;

  before(async () => {
    assertBuilt();
    ws = await makeWorkspace({
      issuer: ISSUER,
      refreshGraceMs: 0,
      rateLimits: {
        loginPerIp: GENEROUS,
        loginPerEmail: GENEROUS,
        registerPerIp: GENEROUS,
        refreshPerIp: GENEROUS,
      },
    });
    server = await startServer(ws.storeArgs);
  });
  after(async () => {
    await killAllServers();
    await ws.remove();
  });

  it('registers, logs in and answers /auth/me', async () => {
    const reg = await api('POST', '/auth/register', {
      body: { email: 'alice@example.com', password: PASSWORD },
    });
    assert.equal(reg.status, 201);
    userId = reg.body.id;
    first = await login('alice@example.com');
    assert.equal(first.token_type, 'Bearer');
    assert.ok(first.expires_in > 0 && typeof first.refresh_token === 'string');
    const me = await api('GET', '/auth/me', { token: first.access_token });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { id: userId, email: 'alice@example.com', roles: ['user'], permissions: [] });
  });

  it('refresh rotates the refresh token and issues a working access token', async () => {
    const r = await refresh(first.refresh_token);
    assert.equal(r.status, 200);
    rotated = r.body as Login;
    assert.notEqual(rotated.refresh_token, first.refresh_token);
    assert.equal(rotated.session_id, first.session_id);
    assert.equal((await profile(rotated.access_token)).status, 200);
  });

  it('replaying the used refresh token outside the grace window revokes the whole session', async () => {
    const replay = await refresh(first.refresh_token);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal((await refresh(rotated.refresh_token)).status, 401, 'the successor dies with its session');
    assert.equal((await profile(rotated.access_token)).status, 401);
    assert.equal((await api('GET', '/auth/me', { token: first.access_token })).status, 401);
  });

  it('logout revokes the access token at once', async () => {
    loggedOut = await login('alice@example.com');
    assert.equal((await profile(loggedOut.access_token)).status, 200);
    assert.equal((await api('POST', '/auth/logout', { token: loggedOut.access_token })).status, 204);
    assert.equal((await profile(loggedOut.access_token)).status, 401);
    assert.equal((await refresh(loggedOut.refresh_token)).status, 401);
  });

  it('keeps other sessions alive, and the revocation feed lists exactly the revoked ones', async () => {
    alive = await login('alice@example.com');
    assert.equal(
      (await api('POST', '/auth/register', { body: { email: 'bob@example.com', password: PASSWORD } }))
        .status,
      201,
    );
    bob = await login('bob@example.com');
    assert.equal((await profile(alive.access_token)).status, 200);
    assert.equal((await profile(bob.access_token)).status, 200);
    const feed = await api('GET', '/auth/revocations');
    assert.equal(feed.status, 200);
    feedBefore = feed.body.revoked;
    assert.deepEqual(
      [...new Set(feedBefore.map((e) => e.sid))].sort(),
      [first.session_id, loggedOut.session_id].sort(),
    );
    jwksBefore = (await api('GET', '/.well-known/jwks.json')).body;
  });

  it('after SIGKILL and a restart on the same data directory, every revocation still holds', async () => {
    await server.stop('SIGKILL');
    assert.equal(server.process.signalCode, 'SIGKILL');
    server = await startServer(ws.storeArgs);

    assert.deepEqual((await api('GET', '/.well-known/jwks.json')).body, jwksBefore);
    for (const token of [first.access_token, rotated.access_token, loggedOut.access_token]) {
      assert.equal((await profile(token)).status, 401);
    }
    for (const token of [first.refresh_token, rotated.refresh_token, loggedOut.refresh_token]) {
      const r = await refresh(token);
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_grant');
    }
    const feed = await api('GET', '/auth/revocations');
    assert.deepEqual(feed.body.revoked, feedBefore);
  });

  it('after the restart, every live session still works and refreshes', async () => {
    // Same keys and issuer as before the crash: the old access tokens of live sessions still pass.
    assert.equal((await profile(alive.access_token)).status, 200);
    assert.equal((await profile(bob.access_token)).status, 200);
    for (const session of [alive, bob]) {
      const r = await refresh(session.refresh_token);
      assert.equal(r.status, 200);
      assert.equal(r.body.session_id, session.session_id);
      assert.equal((await profile(r.body.access_token)).status, 200);
      const me = await api('GET', '/auth/me', { token: r.body.access_token });
      assert.equal(me.status, 200);
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    await server.stop('SIGTERM');
    assert.equal(server.process.exitCode, 0, server.output());
  });
});
