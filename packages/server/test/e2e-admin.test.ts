// The CLI's user commands against a running `tessera serve` that shares the data directory.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';
import { call, killAllServers, type RunningServer, startServer } from './helpers/e2e-server.js';

const PASSWORD = 'correct horse battery staple';
const GENEROUS = { max: 10_000, windowMs: 60_000 };

describe('tessera users against a running server', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  let server: RunningServer;
  const api = (method: string, path: string, opts?: { token?: string; body?: unknown }) =>
    call(server.url, method, path, opts);
  const login = async (email: string) => {
    const r = await api('POST', '/auth/login', { body: { email, password: PASSWORD } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { access_token: string; refresh_token: string };
  };
  const users = async (args: string[], input?: string) => {
    const r = await runCli(['users', ...args, ...ws.storeArgs], input === undefined ? {} : { input });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  let plain: { access_token: string; refresh_token: string };

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
    server = await startServer(ws.storeArgs);
  });
  after(async () => {
    await killAllServers();
    await ws.remove();
  });

  it('an admin added with `users add --password-stdin --role admin` may delete; a plain user may not', async () => {
    await users(['add', 'root@example.com', '--password-stdin', '--role', 'admin'], `${PASSWORD}\n`);
    const admin = await login('root@example.com');
    assert.equal((await api('DELETE', '/demo/users/x', { token: admin.access_token })).status, 204);

    const reg = await api('POST', '/auth/register', {
      body: { email: 'pat@example.com', password: PASSWORD },
    });
    assert.equal(reg.status, 201);
    plain = await login('pat@example.com');
    const denied = await api('DELETE', '/demo/users/x', { token: plain.access_token });
    assert.equal(denied.status, 403);
    assert.equal((await api('GET', '/demo/profile', { token: plain.access_token })).status, 200);
  });

  it('`users set-role` revokes the current access token; the next refresh carries the new role', async () => {
    await users(['set-role', 'pat@example.com', 'admin', 'user']);
    assert.equal((await api('GET', '/demo/profile', { token: plain.access_token })).status, 401);
    const next = await api('POST', '/auth/refresh', { body: { refresh_token: plain.refresh_token } });
    assert.equal(next.status, 200, 'the session survives a role change');
    const me = await api('GET', '/auth/me', { token: next.body.access_token });
    assert.deepEqual(me.body.roles, ['admin', 'user']);
    assert.equal((await api('DELETE', '/demo/users/x', { token: next.body.access_token })).status, 204);
    plain = next.body;
  });

  it('`users block` kills every session and refuses login; `users unblock` lets the user back in', async () => {
    await users(['block', 'pat@example.com']);
    assert.equal((await api('GET', '/demo/profile', { token: plain.access_token })).status, 401);
    assert.equal(
      (await api('POST', '/auth/refresh', { body: { refresh_token: plain.refresh_token } })).status,
      401,
    );
    const refused = await api('POST', '/auth/login', {
      body: { email: 'pat@example.com', password: PASSWORD },
    });
    assert.equal(refused.status, 403);
    await users(['unblock', 'pat@example.com']);
    const back = await login('pat@example.com');
    assert.equal((await api('GET', '/demo/profile', { token: back.access_token })).status, 200);
  });

  it('`users list` sees accounts registered over HTTP while the server runs', async () => {
    const list = JSON.parse(await users(['list', '--json'])) as { email: string; roles: string[] }[];
    assert.deepEqual(
      list.map((u) => [u.email, u.roles]),
      [
        ['pat@example.com', ['admin', 'user']],
        ['root@example.com', ['admin']],
      ],
    );
  });
});
