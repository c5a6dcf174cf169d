// The client in Node, token mode, against the BUILT `tessera serve` over a real socket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertBuilt, makeWorkspace, runCli } from '../../server/test/helpers/e2e-cli.js';
import { killAllServers, type RunningServer, startServer } from '../../server/test/helpers/e2e-server.js';
import { type ClientEvent, createClient, type TesseraClient, type TesseraClientError } from '../src/index.js';
import { MemoryStorage } from './support/fake-server.js';

const PASSWORD = 'correct horse battery staple';
const GENEROUS = { max: 10_000, windowMs: 60_000 };

describe('@tessera/client in Node (token mode) against tessera serve', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: RunningServer;
  let admin: TesseraClient;
  const clients: TesseraClient[] = [];
  const open = (storage = new MemoryStorage()) => {
    const events: ClientEvent[] = [];
    const client = createClient({ baseUrl: server.url, mode: 'token', storage });
    client.subscribe((e) => events.push(e));
    clients.push(client);
    return { client, events, storage };
  };
  const me = async (client: TesseraClient) => (await client.fetch(`${server.url}/auth/me`)).json();

  before(async () => {
    assertBuilt();
    ws = await makeWorkspace({
      rateLimits: {
        loginPerIp: GENEROUS,
        loginPerEmail: GENEROUS,
        registerPerIp: GENEROUS,
        refreshPerIp: GENEROUS,
      },
    });
    const added = await runCli(
      ['users', 'add', 'admin@example.com', '--role', 'admin', '--password-stdin', ...ws.storeArgs],
      { input: PASSWORD },
    );
    assert.equal(added.code, 0, added.stderr);
    server = await startServer(ws.storeArgs);
    admin = open().client;
    await admin.login('admin@example.com', PASSWORD);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.logout().catch(() => {})));
    await killAllServers();
    await ws?.remove();
  });

  test('register, login, fetch; a restart resumes from storage with a rotated refresh token', async () => {
    const first = open();
    assert.equal((await first.client.register('ada@example.com', PASSWORD)).email, 'ada@example.com');
    await first.client.login('ada@example.com', PASSWORD);
    assert.equal((await me(first.client)).email, 'ada@example.com');
    const stored = first.storage.items.get('tessera.refresh_token');
    assert.match(stored ?? '', /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);

    const restarted = open(first.storage);
    assert.equal(await restarted.client.restore(), true);
    assert.deepEqual(restarted.events, ['signed-in']);
    assert.notEqual(first.storage.items.get('tessera.refresh_token'), stored);
    assert.equal((await me(restarted.client)).email, 'ada@example.com');
  });

  test('a wrong password and a too-short one: coded errors, nothing leaked', async () => {
    const { client } = open();
    await assert.rejects(client.login('ada@example.com', 'not the password'), (err: TesseraClientError) => {
      assert.equal(err.code, 'ERR_CLIENT_INVALID_CREDENTIALS');
      assert.ok(!err.message.includes('not the password'));
      return true;
    });
    await assert.rejects(client.register('ada@example.com', 'short'), { code: 'ERR_CLIENT_INVALID_REQUEST' });
  });

  test('a role change revokes the access token: one refresh, one retry, the new role', async () => {
    const { client, events } = open();
    await client.login('ada@example.com', PASSWORD);
    const { id } = await me(client);
    const before = await client.getAccessToken();
    const patched = await admin.fetch(`${server.url}/admin/users/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roles: ['user', 'editor'] }),
    });
    assert.equal(patched.status, 200);
    const after = await me(client);
    assert.deepEqual(after.roles, ['user', 'editor']);
    assert.notEqual(await client.getAccessToken(), before);
    assert.deepEqual(events, ['signed-in', 'refreshed']);
  });

  test('an admin revoking the sessions signs the client out on its next call', async () => {
    const { client, events, storage } = open();
    await client.login('ada@example.com', PASSWORD);
    const { id } = await me(client);
    const revoked = await admin.fetch(`${server.url}/admin/users/${id}/revoke-sessions`, { method: 'POST' });
    assert.equal(revoked.status, 204);
    await assert.rejects(client.fetch(`${server.url}/auth/me`), { code: 'ERR_CLIENT_NOT_SIGNED_IN' });
    assert.deepEqual(events, ['signed-in', 'signed-out']);
    assert.equal(storage.items.size, 0);
  });

  test('logout and logoutEverywhere end the sessions on the server', async () => {
    const one = open();
    const two = open();
    await one.client.login('ada@example.com', PASSWORD);
    await two.client.login('ada@example.com', PASSWORD);
    const oneRefresh = one.storage.items.get('tessera.refresh_token');
    await one.client.logout();
    const reuse = await fetch(`${server.url}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: oneRefresh }),
    });
    assert.equal(reuse.status, 401);
    assert.equal((await me(two.client)).email, 'ada@example.com');
    const three = open();
    await three.client.login('ada@example.com', PASSWORD);
    await three.client.logoutEverywhere();
    await assert.rejects(two.client.fetch(`${server.url}/auth/me`), { code: 'ERR_CLIENT_NOT_SIGNED_IN' });
  });

  test('a cookie refresh without the cookie says so', async () => {
    const res = await fetch(`${server.url}/auth/refresh`, { method: 'POST' });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error_description, 'no refresh cookie: was it set for this site?');
  });
});
