// End to end, over real sockets: the BUILT auth server (`tessera serve`, a child
// process) issues tokens, and an Express app and a Fastify app protected by the
// guard (remote JWKS + revocation feed) accept and refuse them. The guard does not
// depend on @tessera/server: the server is reached only through its CLI and HTTP API.
//
// Timing: the Express guard polls the feed every 200 ms, the Fastify one follows its stream. A
// logout must show in the apps once the guard's cursor reaches the feed's (the first poll that
// began after it, or the push; watched through guard.status(), not a clock);
// other changes within a generous deadline (5 s), polled every 50 ms. No duration
// is asserted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import type { Guard } from '../src/index.js';
import { type ResourceApp, startExpressApp, startFastifyApp } from './e2e-support/apps.js';
import { type AuthServer, startAuthServer } from './e2e-support/auth-server.js';
import { type Answer, eventually, post, send, describe as show, type Tokens } from './e2e-support/http.js';
import { waitFor } from './support/http-server.js';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const USER = { email: 'user@example.com', password: 'a perfectly ordinary passphrase' };
const REALM = 'tessera';
const INVALID_TOKEN = `Bearer realm="${REALM}", error="invalid_token"`;
const INSUFFICIENT_SCOPE = `Bearer realm="${REALM}", error="insufficient_scope"`;

let server: AuthServer | undefined;
const apps: ResourceApp[] = [];
let userId = '';

before(async () => {
  server = await startAuthServer({ admin: ADMIN });
  const registered = await post(`${server.url}/auth/register`, USER, 201);
  userId = String(registered?.id);
  // Pushed one by one: whatever started is closed by `after`, even if the next one fails.
  apps.push(await startExpressApp(server.url));
  apps.push(await startFastifyApp(server.url));
});

after(async () => {
  for (const app of apps) {
    await app.close().catch(() => {});
    await app.guard.close();
  }
  await server?.stop();
});

function auth(): AuthServer {
  assert.ok(server, 'the auth server did not start');
  return server;
}

async function login(credentials: { email: string; password: string }): Promise<Tokens> {
  return (await post(`${auth().url}/auth/login`, credentials, 200)) as unknown as Tokens;
}

let adminLogin: Promise<Tokens> | undefined;
/** The admin's access token (one login, shared: admin tokens are never revoked here). */
async function adminToken(): Promise<string> {
  adminLogin ??= login(ADMIN);
  return (await adminLogin).access_token;
}

const get = (app: ResourceApp, path: string, token?: string): Promise<Answer> =>
  send(`${app.url}${path}`, token === undefined ? {} : { token });

const kidOf = (token: string): string | undefined => decodeJwtUnverified(token).header.kid;

function assertAccepted(app: ResourceApp, answer: Answer, what: string): void {
  assert.equal(answer.status, 200, `${app.name}: ${what}: ${show(answer)}`);
  assert.equal(answer.body?.subject, userId, `${app.name}: ${what}: subject`);
}

function assertRevoked(app: ResourceApp, answer: Answer, what: string): void {
  assert.equal(answer.status, 401, `${app.name}: ${what} still accepted after the deadline: ${show(answer)}`);
  assert.deepEqual(
    answer.body,
    { error: 'invalid_token', error_description: 'the access token was revoked' },
    `${app.name}: ${what}`,
  );
  assert.equal(answer.wwwAuthenticate, INVALID_TOKEN, `${app.name}: ${what}`);
}

/**
 * Resolves once the guard holds every revocation the server had written when this was called:
 * its cursor reached the feed's. A polling guard gets there at the first poll that began after
 * this call (within one interval); a streaming one as soon as the server pushed the entry.
 */
async function pollBeganAfterNow(guard: Guard): Promise<void> {
  const feed = await fetch(`${auth().url}/auth/revocations?limit=5000`);
  const { cursor } = (await feed.json()) as { cursor: number };
  await waitFor(() => Number(guard.status().revocations?.cursor ?? 0) >= cursor, 'the revocation feed');
}

/** Polls `path` on the app with `token` until it is refused (or the deadline passes). */
const untilRefused = (app: ResourceApp, path: string, token: string) =>
  eventually(
    () => get(app, path, token),
    (answer) => answer.status !== 200,
  );

describe('tessera serve + @tessera/guard over real sockets (Express and Fastify)', () => {
  test('a token issued by tessera serve is accepted on /profile by both apps', async () => {
    const { access_token: token } = await login(USER);
    const { header, payload } = decodeJwtUnverified(token);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.iss, auth().url);
    assert.equal(payload.aud, 'tessera');
    assert.equal(payload.sub, userId);

    for (const app of apps) {
      const answer = await get(app, '/profile', token);
      assertAccepted(app, answer, 'the user token');
      assert.deepEqual(answer.body?.roles, ['user'], app.name);

      const anonymous = await get(app, '/profile');
      assert.equal(anonymous.status, 401, `${app.name}: ${show(anonymous)}`);
      assert.equal(
        anonymous.wwwAuthenticate,
        `Bearer realm="${REALM}", DPoP realm="${REALM}", algs="ES256 EdDSA PS256 RS256"`,
        app.name,
      );
    }
  });

  test('an admin route: 403 insufficient_scope for the plain user, 200 for the admin', async () => {
    const { access_token: userToken } = await login(USER);
    const admin = await adminToken();
    assert.deepEqual(decodeJwtUnverified(admin).payload.roles, ['admin']);

    for (const app of apps) {
      const refused = await get(app, '/admin', userToken);
      assert.equal(refused.status, 403, `${app.name}: ${show(refused)}`);
      assert.equal(refused.body?.error, 'insufficient_scope', app.name);
      assert.equal(refused.wwwAuthenticate, INSUFFICIENT_SCOPE, app.name);

      const allowed = await get(app, '/admin', admin);
      assert.equal(allowed.status, 200, `${app.name}: ${show(allowed)}`);
      assert.deepEqual(allowed.body?.roles, ['admin'], app.name);
    }
  });

  test('a client_credentials token from POST /oauth/token passes requireScope; a user token does not', async () => {
    const created = await post(
      `${auth().url}/admin/clients`,
      { name: 'jobs runner', scopes: ['jobs:run', 'jobs:read'] },
      201,
      await adminToken(),
    );
    const clientId = String(created?.client_id);
    const basic = Buffer.from(`${clientId}:${String(created?.client_secret)}`).toString('base64');
    const tokenFor = async (scope: string) => {
      const response = await fetch(`${auth().url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      });
      assert.equal(response.status, 200);
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const runner = await tokenFor('jobs:run');
    const reader = await tokenFor('jobs:read');
    const { access_token: userToken } = await login(USER);
    for (const app of apps) {
      const allowed = await get(app, '/jobs', runner);
      assert.equal(allowed.status, 200, `${app.name}: ${show(allowed)}`);
      assert.deepEqual(allowed.body, { subject: clientId, clientId, scopes: ['jobs:run'] }, app.name);
      for (const token of [reader, userToken]) {
        const refused = await get(app, '/jobs', token);
        assert.equal(refused.status, 403, `${app.name}: ${show(refused)}`);
        assert.equal(refused.wwwAuthenticate, INSUFFICIENT_SCOPE, app.name);
      }
    }
  });

  test('after POST /auth/logout the token is refused by both apps within a feed interval', async () => {
    const kept = (await login(USER)).access_token; // another session of the same user
    const { access_token: token } = await login(USER);
    for (const app of apps) assertAccepted(app, await get(app, '/profile', token), 'before logout');

    const loggedOut = await send(`${auth().url}/auth/logout`, { method: 'POST', token });
    assert.equal(loggedOut.status, 204, show(loggedOut));

    for (const app of apps) {
      // Not a timing assertion: once the guard's cursor reaches the feed's (the first poll that
      // began after the logout, for the polling Express guard; the push, for the streaming
      // Fastify one), the entry is applied.
      await pollBeganAfterNow(app.guard);
      assertRevoked(app, await get(app, '/profile', token), 'the logged-out token after one feed poll');
    }
    // Only that session is revoked: the user's other session goes on.
    for (const app of apps) assertAccepted(app, await get(app, '/profile', kept), 'another session');
  });

  test('after a key rotation a new token (new kid) is accepted without restarting the apps; the old one still is', async () => {
    const { access_token: oldToken } = await login(USER);
    const oldKid = kidOf(oldToken);
    assert.ok(oldKid, 'the token has a kid');
    for (const app of apps) assertAccepted(app, await get(app, '/profile', oldToken), 'before rotation');

    const rotated = await post(
      `${auth().url}/admin/keys/rotate`,
      { immediate: true },
      200,
      await adminToken(),
    );
    assert.equal(typeof rotated?.kid, 'string');
    assert.notEqual(rotated?.kid, oldKid);

    const { access_token: newToken } = await login(USER);
    assert.equal(kidOf(newToken), rotated?.kid, 'the new login is signed with the new key');

    for (const app of apps) {
      // The unknown kid makes the guard refetch the JWKS (at most once per cooldown).
      const answer = await eventually(
        () => get(app, '/profile', newToken),
        (a) => a.status === 200,
      );
      assertAccepted(app, answer, 'the token signed with the rotated key');
      assertAccepted(app, await get(app, '/profile', oldToken), 'the token signed with the previous key');
    }
  });

  test('a role change revokes the current token; after a refresh the token carries the new role', async () => {
    const tokens = await login(USER);
    for (const app of apps) {
      assertAccepted(app, await get(app, '/profile', tokens.access_token), 'before the role change');
      const refused = await get(app, '/editor', tokens.access_token);
      assert.equal(refused.status, 403, `${app.name}: ${show(refused)}`);
      assert.equal(refused.body?.error, 'insufficient_scope', app.name);
    }

    const patched = await send(`${auth().url}/admin/users/${userId}`, {
      method: 'PATCH',
      token: await adminToken(),
      json: { roles: ['user', 'editor'] },
    });
    assert.equal(patched.status, 200, show(patched));
    assert.deepEqual(patched.body?.roles, ['user', 'editor']);

    for (const app of apps) {
      assertRevoked(app, await untilRefused(app, '/profile', tokens.access_token), 'the pre-change token');
    }

    const refreshed = (await post(
      `${auth().url}/auth/refresh`,
      { refresh_token: tokens.refresh_token },
      200,
    )) as unknown as Tokens;
    const { payload } = decodeJwtUnverified(refreshed.access_token);
    assert.deepEqual(payload.roles, ['user', 'editor']);
    assert.equal(payload.sid, tokens.session_id, 'same session');

    for (const app of apps) {
      const editor = await get(app, '/editor', refreshed.access_token);
      assertAccepted(app, editor, 'the refreshed token on the editor route');
      assert.deepEqual(editor.body?.roles, ['user', 'editor'], app.name);
      assertAccepted(app, await get(app, '/profile', refreshed.access_token), 'the refreshed token');
    }
  });
});
