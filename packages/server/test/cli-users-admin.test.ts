// The operator's account commands of the built CLI (show, set-permissions, set-password,
// delete) and the audit rows every changing command writes: the same as the admin API's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type AuditEvent, createSqlStore } from '../src/store/index.js';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';
import { PASSWORD } from './helpers/service.js';

const NEW_PASSWORD = 'an even better passphrase';

describe('tessera users: operator commands', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;

  before(async () => {
    assertBuilt();
    ws = await makeWorkspace();
    for (const [email, role] of [
      ['root@example.com', 'admin'],
      ['ada@example.com', 'user'],
    ] as const) {
      const r = await runCli(['users', 'add', email, '--role', role, '--password-stdin', ...ws.storeArgs], {
        input: PASSWORD,
      });
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(() => ws.remove());

  const users = (args: string[], input?: string) =>
    runCli(['users', ...args, ...ws.storeArgs], input === undefined ? {} : { input });
  /** Reads the store the CLI wrote, with no CLI running. */
  const withStore = async <T>(fn: (store: Awaited<ReturnType<typeof createSqlStore>>) => Promise<T>) => {
    const store = await createSqlStore({ dialect: 'sqlite', filename: join(ws.dataDir, 'tessera.db') });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  const audit = (type: string): Promise<AuditEvent[]> => withStore((s) => s.audit.list({ limit: 50, type }));

  it('show prints one account, and --json the shape of GET /admin/users/:id', async () => {
    const table = await users(['show', 'ADA@example.com']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^email\s+ada@example\.com\nid\s+[0-9a-f-]{36}\nroles\s+user\n/);
    assert.match(table.stdout, /\nsessions\s+0\n$/);
    const shown = JSON.parse((await users(['show', 'ada@example.com', '--json'])).stdout) as Record<
      string,
      unknown
    >;
    assert.deepEqual(Object.keys(shown).sort(), [
      'blocked',
      'created_at',
      'email',
      'id',
      'permissions',
      'roles',
      'sessions',
      'updated_at',
    ]);
    assert.ok(!table.stdout.includes('argon2'));
    const none = await users(['show', 'nobody@example.com']);
    assert.deepEqual([none.code, none.stderr], [1, 'tessera: no user with email nobody@example.com\n']);
  });

  it('set-permissions replaces them; --none removes them all; nothing at all is a usage error', async () => {
    const set = await users(['set-permissions', 'ada@example.com', 'reports:read', 'invoices:write']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(
      set.stdout,
      /permissions of ada@example\.com: reports:read, invoices:write; current access tokens revoked/,
    );
    const empty = await users(['set-permissions', 'ada@example.com']);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /--none/);
    const none = await users(['set-permissions', 'ada@example.com', '--none']);
    assert.equal(none.code, 0, none.stderr);
    const ada = await withStore((s) => s.users.findByEmail('ada@example.com'));
    assert.deepEqual([ada?.roles, ada?.permissions], [['user'], []]);
  });

  it('set-password reads stdin only, never an argument, and changes the hash', async () => {
    const before = await withStore((s) => s.users.findByEmail('ada@example.com'));
    const refused = await users(['set-password', 'ada@example.com', '--password', NEW_PASSWORD]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /never taken as arguments/);
    assert.ok(!refused.stderr.includes(NEW_PASSWORD));
    const short = await users(['set-password', 'ada@example.com', '--password-stdin'], 'short');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /too short/);
    const r = await users(['set-password', 'ada@example.com', '--password-stdin'], `${NEW_PASSWORD}\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /password of ada@example\.com set; 0 session\(s\)/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(NEW_PASSWORD));
    const after = await withStore((s) => s.users.findByEmail('ada@example.com'));
    assert.notEqual(after?.passwordHash, before?.passwordHash);
  });

  it('delete removes the account; the audit log keeps its id', async () => {
    const ada = await withStore((s) => s.users.findByEmail('ada@example.com'));
    const r = await users(['delete', 'ada@example.com']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^deleted ada@example\.com \(id [0-9a-f-]{36}\)/);
    assert.equal(await withStore((s) => s.users.findByEmail('ada@example.com')), null);
    const [row] = await audit('user-deleted');
    assert.equal(row?.userId, ada?.id);
    const again = await users(['delete', 'ada@example.com']);
    assert.deepEqual([again.code, again.stderr], [1, 'tessera: no user with email ada@example.com\n']);
  });

  it('every changing command writes the audit row the admin API writes, marked as the CLI', async () => {
    for (const args of [
      ['block', 'root@example.com'],
      ['add', 'bob@example.com', '--password-stdin'],
      ['block', 'bob@example.com'],
      ['unblock', 'bob@example.com'],
      ['set-role', 'bob@example.com', 'editor'],
    ]) {
      const r = await users(args, PASSWORD);
      // Blocking the only admin is refused (H10) and writes nothing.
      assert.equal(r.code, args[1] === 'root@example.com' ? 1 : 0, `${args.join(' ')}: ${r.stderr}`);
    }
    const rotate = await runCli(['keys', 'rotate', ...ws.storeArgs]);
    assert.equal(rotate.code, 0, rotate.stderr);
    const cli = { userAgent: 'tessera-cli' };
    const expected: [string, Record<string, unknown>][] = [
      ['register', cli],
      ['user-blocked', { by: null, ...cli }],
      ['user-unblocked', { by: null, ...cli }],
      ['access-changed', { roles: ['editor'], permissions: [], by: null, ...cli }],
      ['password-set', { revokedSessions: 0, by: null, ...cli }],
      ['user-deleted', { revokedSessions: 0, by: null, ...cli }],
    ];
    for (const [type, details] of expected) {
      const [row] = await audit(type);
      assert.deepEqual(row?.details, details, type);
      assert.equal(row?.ip, null, type);
    }
    assert.equal((await audit('user-blocked')).length, 1, 'the refused block wrote no row');
    const [rotated] = await audit('key-rotated');
    const kid = /new key (\S+) /.exec(rotate.stdout)?.[1];
    assert.deepEqual(
      [rotated?.userId, rotated?.details],
      [null, { kid, immediate: false, by: null, ...cli }],
    );
  });
});
