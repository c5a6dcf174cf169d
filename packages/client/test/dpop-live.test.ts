// @tessera/client/dpop against a real Tessera app (buildApp over a temporary SQLite store, on a
// loopback socket, the real clock) with server nonces on: the proofs the client makes with
// WebCrypto are the ones @tessera/server accepts, the session is bound to the client's key, and a
// stolen refresh token is useless elsewhere.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { CONFIG_SCHEMA } from '../../server/src/config/schema.js';
import { openTestApp, type TestApp } from '../../server/test/helpers/http.js';
import { addUser, NO_RATE_LIMITS, PASSWORD } from '../../server/test/helpers/service.js';
import { dpop } from '../src/dpop.js';
import { createClient, type TesseraClient } from '../src/index.js';
import { MemoryStorage } from './support/fake-server.js';
import { LIVE_ISSUER, SystemClock } from './support/live-app.js';

/** Until the server speaks DPoP (its `dpop` configuration), there is nothing to test against. */
const skip = 'dpop' in CONFIG_SCHEMA.properties ? false : 'the server has no DPoP support (no `dpop` config)';

describe('@tessera/client/dpop against the Tessera server', { skip }, () => {
  let t: TestApp;
  let url: string;
  // The client talks to LIVE_ISSUER, the URL the server checks `htu` against; this fetch sends
  // it to the loopback port the app listens on.
  const fetchLive = (input: RequestInfo | URL, init?: RequestInit) =>
    fetch(String(input).replace(LIVE_ISSUER, url), init);
  const open = (storage = new MemoryStorage()): { client: TesseraClient; storage: MemoryStorage } => ({
    client: createClient({
      baseUrl: LIVE_ISSUER,
      mode: 'token',
      fetch: fetchLive,
      storage,
      autoRefresh: false,
      dpop: dpop(),
    }),
    storage,
  });
  const me = (client: TesseraClient) => client.fetch(`${LIVE_ISSUER}/auth/me`);

  before(async () => {
    t = await openTestApp({
      clock: new SystemClock(0),
      config: {
        host: '127.0.0.1',
        issuer: LIVE_ISSUER,
        rateLimits: NO_RATE_LIMITS,
        ...({ dpop: { nonce: true } } as object),
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    await addUser(t.service, 'ada@example.com');
  });
  after(async () => {
    await t?.cleanup();
  });

  test('login, calls, refresh and logout with proofs; the nonce asked for once; the tokens bound to the key', async () => {
    const { client, storage } = open();
    await client.login('ada@example.com', PASSWORD);
    const access = (await client.getAccessToken()) as string;
    const cnf = decodeJwtUnverified(access).payload.cnf as { jkt?: string } | undefined;
    assert.match(cnf?.jkt ?? '', /^[A-Za-z0-9_-]{43}$/, 'the access token is bound (cnf.jkt)');

    const res = await me(client);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).email, 'ada@example.com');

    // The same token as Bearer, or as DPoP without a proof, is refused.
    const bearer = await fetchLive(`${LIVE_ISSUER}/auth/me`, {
      headers: { authorization: `Bearer ${access}` },
    });
    assert.equal(bearer.status, 401);
    const bare = await fetchLive(`${LIVE_ISSUER}/auth/me`, { headers: { authorization: `DPoP ${access}` } });
    assert.equal(bare.status, 401);

    // A refresh: a proof by the same key, a new bound token that works.
    const next = await client.renew(access);
    assert.ok(next && next !== access);
    assert.equal(
      (decodeJwtUnverified(next).payload.cnf as { jkt: string }).jkt,
      cnf?.jkt,
      'the same key, so the same thumbprint',
    );
    assert.equal((await me(client)).status, 200);

    await client.logout();
    assert.equal(client.status, 'signed-out');
    assert.equal(storage.items.size, 0);
  });

  test('a stolen refresh token is refused to another key (invalid_dpop_proof), and the owner carries on', async () => {
    const owner = open();
    await owner.client.login('ada@example.com', PASSWORD);
    const stolen = new MemoryStorage();
    await stolen.setItem(
      'tessera.refresh_token',
      (await owner.storage.getItem('tessera.refresh_token')) as string,
    );
    const thief = open(stolen);
    assert.equal(await thief.client.restore(), false);
    // The server spent nothing on the refused refresh: the owner still refreshes with its key.
    const access = (await owner.client.getAccessToken()) as string;
    assert.ok(await owner.client.renew(access));
    assert.equal((await me(owner.client)).status, 200);
    await owner.client.logout();
  });

  test('a restart without the key (Node keeps it in memory) cannot use the stored refresh token', async () => {
    const first = open();
    await first.client.login('ada@example.com', PASSWORD);
    const restarted = open(first.storage);
    assert.equal(await restarted.client.restore(), false);
    await first.client.logout();
  });
});
