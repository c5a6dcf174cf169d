// H8 end to end, over real sockets: the BUILT auth server (`tessera serve`, a child process) and
// an Express app protected by the guard (remote JWKS + revocation feed). A signing key leaks: an
// immediate rotation alone leaves the old key's tokens valid (it stays in the JWKS until they
// expire); revoking the kid takes it out of the JWKS, the server refuses its tokens at once, and
// the guard, whose cached JWKS still has the key, refuses them at its next feed poll. Then
// "revoke everything": every token issued until then is refused, sessions stay, a refresh works.
// The guard does not depend on @tessera/server: the server is reached through its HTTP API only.
//
// Timing: the guard polls the feed every 200 ms. A revocation must show at the first poll that
// began after it answered (watched through guard.status(), not a clock). No duration is asserted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import type { Guard } from '../src/index.js';
import { type ResourceApp, startExpressApp } from './e2e-support/apps.js';
import { type AuthServer, startAuthServer } from './e2e-support/auth-server.js';
import { type Answer, post, send, describe as show, type Tokens } from './e2e-support/http.js';
import { waitFor } from './support/http-server.js';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const USER = { email: 'user@example.com', password: 'a perfectly ordinary passphrase' };
const REVOKED = { error: 'invalid_token', error_description: 'the access token was revoked' };

let server: AuthServer | undefined;
let app: ResourceApp | undefined;

before(async () => {
  server = await startAuthServer({ admin: ADMIN });
  await post(`${server.url}/auth/register`, USER, 201);
  app = await startExpressApp(server.url);
});

after(async () => {
  await app?.close().catch(() => {});
  await app?.guard.close();
  await server?.stop();
});

function auth(): AuthServer {
  assert.ok(server, 'the auth server did not start');
  return server;
}

function guarded(): ResourceApp {
  assert.ok(app, 'the protected app did not start');
  return app;
}

const login = async (credentials: { email: string; password: string }): Promise<Tokens> =>
  (await post(`${auth().url}/auth/login`, credentials, 200)) as unknown as Tokens;
const kidOf = (token: string): string => String(decodeJwtUnverified(token).header.kid);
const atGuard = (token: string): Promise<Answer> => send(`${guarded().url}/profile`, { token });
const atServer = (token: string): Promise<Answer> => send(`${auth().url}/auth/me`, { token });
const jwksKids = async (): Promise<string[]> => {
  const jwks = (await send(`${auth().url}/.well-known/jwks.json`)).body as { keys: { kid: string }[] };
  return jwks.keys.map((k) => k.kid);
};

/** Resolves once a feed poll that began after this call has completed (two completed polls from now). */
async function pollBeganAfterNow(guard: Guard): Promise<void> {
  const syncedAt = () => guard.status().revocations?.lastSyncAt;
  for (let i = 0; i < 2; i++) {
    const before = syncedAt();
    await waitFor(() => syncedAt() !== before, 'the next revocation poll');
  }
}

describe('H8 tessera serve + @tessera/guard: revoking a compromised signing key, and everything', () => {
  let admin: Tokens;
  let user: Tokens;
  let leakedKid = '';

  test('a token of the old key still passes after an immediate rotation (rotation alone is not enough)', async () => {
    admin = await login(ADMIN);
    user = await login(USER);
    leakedKid = kidOf(user.access_token);
    assert.equal((await atGuard(user.access_token)).status, 200);

    const rotated = await post(
      `${auth().url}/admin/keys/rotate`,
      { immediate: true },
      200,
      admin.access_token,
    );
    assert.notEqual(rotated?.kid, leakedKid);
    assert.ok((await jwksKids()).includes(leakedKid));
    const still = await atGuard(user.access_token);
    assert.equal(still.status, 200, show(still));
    assert.equal((await atServer(user.access_token)).status, 200);
    // The admin's token is of the leaked key too: a refresh gets one of the new key.
    admin = (await post(
      `${auth().url}/auth/refresh`,
      { refresh_token: admin.refresh_token },
      200,
    )) as unknown as Tokens;
    assert.equal(kidOf(admin.access_token), rotated?.kid);
  });

  test('revoking the old kid: gone from the JWKS, refused by the server at once, by the guard within a feed interval', async () => {
    const revoked = await post(
      `${auth().url}/admin/keys/${leakedKid}/revoke`,
      undefined,
      200,
      admin.access_token,
    );
    assert.deepEqual([revoked?.kid, revoked?.already_revoked], [leakedKid, false]);
    assert.ok(!(await jwksKids()).includes(leakedKid));
    const atOnce = await atServer(user.access_token);
    assert.equal(atOnce.status, 401, show(atOnce));
    assert.equal(atOnce.body?.error, 'invalid_token');

    // Not a timing assertion: the first feed poll that began after the revocation answered must carry it.
    await pollBeganAfterNow(guarded().guard);
    const refused = await atGuard(user.access_token);
    assert.equal(refused.status, 401, show(refused));
    assert.deepEqual(refused.body, REVOKED);

    // The session stays: a refresh gets a token of the current key, which passes.
    user = (await post(
      `${auth().url}/auth/refresh`,
      { refresh_token: user.refresh_token },
      200,
    )) as unknown as Tokens;
    assert.notEqual(kidOf(user.access_token), leakedKid);
    const fresh = await atGuard(user.access_token);
    assert.equal(fresh.status, 200, show(fresh));
  });

  test('revoke-all: every token issued until now refused by the server and the guard; a refresh works', async () => {
    const before = user.access_token;
    assert.equal((await atGuard(before)).status, 200);
    await post(`${auth().url}/admin/revoke-all`, undefined, 200, admin.access_token);
    assert.equal((await atServer(before)).status, 401);
    await pollBeganAfterNow(guarded().guard);
    const refused = await atGuard(before);
    assert.equal(refused.status, 401, show(refused));
    assert.deepEqual(refused.body, REVOKED);

    user = (await post(
      `${auth().url}/auth/refresh`,
      { refresh_token: user.refresh_token },
      200,
    )) as unknown as Tokens;
    const fresh = await atGuard(user.access_token);
    assert.equal(fresh.status, 200, show(fresh));
  });
});
