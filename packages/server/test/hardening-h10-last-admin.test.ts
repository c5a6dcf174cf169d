// H10: the last admin removes their own admin role, or blocks or deletes the last admin, and
// nobody can administer the server any more. Refused with 409 (HTTP) and ERR_CLI_LAST_ADMIN (CLI).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwtUnverified } from '@tessera/jwt';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';
import { bearer, errorBody, json, openTestApp, profile, signIn, type TestApp } from './helpers/http.js';
import { addUser, openTestService, PASSWORD, type TestService } from './helpers/service.js';

describe('H10 the last admin, through HTTP', () => {
  let t: TestApp;
  let token: string;
  let rootId: string;
  before(async () => {
    t = await openTestApp();
    token = (await signIn(t, 'root@example.com', { roles: ['admin', 'user'] })).access_token;
    rootId = decodeJwtUnverified(token).payload.sub!;
  });
  after(() => t.cleanup());

  const change = (method: 'PATCH' | 'DELETE', id: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/admin/users/${id}`,
      headers: bearer(token),
      ...(payload === undefined ? {} : { payload }),
    });

  it('refuses removing their own admin role, blocking or deleting themselves: 409, nothing changes', async () => {
    for (const [method, payload] of [
      ['PATCH', { roles: ['user'] }],
      ['PATCH', { roles: [] }],
      ['PATCH', { blocked: true }],
      ['DELETE', undefined],
    ] as const) {
      const res = await change(method, rootId, payload);
      assert.equal(res.statusCode, 409, `${method} ${JSON.stringify(payload)}`);
      assert.equal(errorBody(res).error, 'conflict');
      assert.match(errorBody(res).error_description, /last unblocked admin/);
    }
    const root = await t.store.users.findById(rootId);
    assert.deepEqual([root?.roles, root?.blocked], [['admin', 'user'], false]);
    assert.equal((await profile(t.app, token)).statusCode, 200, 'the admin token still works');
  });

  it('a blocked admin does not count; a second unblocked admin lets the first step down', async () => {
    const ops = decodeJwtUnverified((await signIn(t, 'ops@example.com', { roles: ['admin'] })).access_token)
      .payload.sub!;
    assert.equal((await change('PATCH', ops, { blocked: true })).statusCode, 200);
    assert.equal((await change('PATCH', rootId, { roles: ['user'] })).statusCode, 409);
    assert.equal((await change('PATCH', ops, { blocked: false })).statusCode, 200);
    const res = await change('PATCH', rootId, { roles: ['user'] });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(json(res).roles, ['user']);
  });
});

describe('H10 the last admin, in the service', () => {
  let t: TestService;
  before(async () => {
    t = await openTestService();
  });
  after(() => t.cleanup());

  it('two admins demoting, blocking or deleting each other at once: one admin always stays', async () => {
    for (const operation of ['demote', 'block', 'delete'] as const) {
      const a = await addUser(t.service, `a-${operation}@example.com`, { roles: ['admin'] });
      const b = await addUser(t.service, `b-${operation}@example.com`, { roles: ['admin'] });
      const run = (id: string) =>
        operation === 'demote'
          ? t.service.accounts.setAccess(id, { roles: ['user'] })
          : operation === 'block'
            ? t.service.accounts.setBlocked(id, true)
            : t.service.accounts.delete(id);
      const results = await Promise.all([run(a), run(b)]);
      assert.ok(
        results.some((r) => r.status === 'last-admin'),
        `${operation}: ${results.map((r) => r.status)}`,
      );
      assert.ok((await t.store.users.count({ role: 'admin', blocked: false })) >= 1, operation);
      // Back to no admin at all for the next round: delete whoever is left.
      for (const id of [a, b]) {
        const user = await t.store.users.findById(id);
        if (user !== null) await t.store.users.delete(id);
      }
    }
  });
});

describe('H10 the last admin, through the CLI', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;
  before(async () => {
    assertBuilt();
    ws = await makeWorkspace();
    const add = await runCli(
      ['users', 'add', 'root@example.com', '--role', 'admin', '--password-stdin', ...ws.storeArgs],
      {
        input: PASSWORD,
      },
    );
    assert.equal(add.code, 0, add.stderr);
  });
  after(() => ws.remove());

  const users = (args: string[]) => runCli(['users', ...args, ...ws.storeArgs]);

  it('refuses set-role without admin, block and delete of the last admin, on one line', async () => {
    for (const args of [
      ['set-role', 'root@example.com', 'user'],
      ['block', 'root@example.com'],
      ['delete', 'root@example.com'],
    ]) {
      const r = await users(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(
        r.stderr,
        /^tessera: root@example\.com is the last unblocked admin: give another user the admin role first/,
      );
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    const list = await users(['list', '--json']);
    const [root] = JSON.parse(list.stdout) as { roles: string[]; blocked: boolean }[];
    assert.deepEqual([root?.roles, root?.blocked], [['admin'], false]);
  });

  it('with a second admin, the first may step down', async () => {
    const add = await runCli(
      ['users', 'add', 'ops@example.com', '--role', 'admin', '--password-stdin', ...ws.storeArgs],
      {
        input: PASSWORD,
      },
    );
    assert.equal(add.code, 0, add.stderr);
    const r = await users(['set-role', 'root@example.com', 'user']);
    assert.equal(r.code, 0, r.stderr);
  });
});
