// `tessera users …` through the built CLI, on a temporary data directory.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';

const PASSWORD = 'correct horse battery staple';

describe('tessera users', () => {
  let ws: Awaited<ReturnType<typeof makeWorkspace>>;

  before(async () => {
    assertBuilt();
    ws = await makeWorkspace();
  });
  after(() => ws.remove());

  const users = (args: string[], input?: string) =>
    runCli(['users', ...args, ...ws.storeArgs], input === undefined ? {} : { input });
  const listJson = async () => {
    const r = await users(['list', '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as {
      email: string;
      roles: string[];
      permissions: string[];
      blocked: boolean;
    }[];
  };

  it('refuses to read a data directory that has no database, and creates none', async () => {
    const r = await users(['list']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^tessera: no Tessera database in .*--data-dir/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(existsSync(join(ws.dataDir, 'tessera.db')), false);
  });

  it('adds a user with the password from stdin and the given roles and permissions', async () => {
    const r = await users(
      [
        'add',
        'Ada@Example.com',
        '--password-stdin',
        '--role',
        'admin',
        'ops',
        '--permission',
        'reports:read',
      ],
      `${PASSWORD}\n`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /created ada@example\.com \(id [0-9a-f-]{36}\) with roles admin, ops/);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(PASSWORD));
    const [ada] = await listJson();
    assert.deepEqual(
      { email: ada?.email, roles: ada?.roles, permissions: ada?.permissions, blocked: ada?.blocked },
      { email: 'ada@example.com', roles: ['admin', 'ops'], permissions: ['reports:read'], blocked: false },
    );
  });

  it('gives role "user" by default and refuses a duplicate email in any case', async () => {
    assert.equal((await users(['add', 'bob@example.com', '--password-stdin'], PASSWORD)).code, 0);
    const dup = await users(['add', 'BOB@example.com', '--password-stdin'], PASSWORD);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /^tessera: a user with email bob@example\.com already exists\n$/);
    const bob = (await listJson()).find((u) => u.email === 'bob@example.com');
    assert.deepEqual(bob?.roles, ['user']);
  });

  it('never takes a password as an argument, and never echoes one', async () => {
    for (const args of [['--password', 'hunter2-hunter2'], ['--password=hunter2-hunter2']]) {
      const r = await users(['add', 'eve@example.com', ...args]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /never taken as arguments/);
      assert.ok(!r.stderr.includes('hunter2'));
    }
    const extra = await users(['add', 'eve@example.com', 'hunter2-hunter2']);
    assert.equal(extra.code, 1);
    assert.ok(!extra.stderr.includes('hunter2'));
    assert.equal(
      (await listJson()).some((u) => u.email === 'eve@example.com'),
      false,
    );
  });

  it('asks on a terminal only: without --password-stdin and without a TTY it fails', async () => {
    const r = await users(['add', 'eve@example.com'], PASSWORD);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not a terminal.*--password-stdin/);
  });

  it('refuses a short password and an invalid email', async () => {
    const short = await users(['add', 'eve@example.com', '--password-stdin'], 'short');
    assert.equal(short.code, 1);
    assert.match(short.stderr, /too short/);
    const bad = await users(['add', 'not-an-email', '--password-stdin'], PASSWORD);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not a valid email/);
  });

  it('lists users as a table without password hashes', async () => {
    const r = await users(['list']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^EMAIL\s+ID\s+ROLES\s+PERMISSIONS\s+BLOCKED\s+CREATED$/);
    assert.match(r.stdout, /ada@example\.com .* admin,ops\s+reports:read\s+no /);
    assert.ok(!r.stdout.includes('argon2'));
    assert.ok(!(await users(['list', '--json'])).stdout.includes('argon2'));
  });

  it('replaces roles with set-role', async () => {
    const r = await users(['set-role', 'BOB@example.com', 'admin', 'user']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /roles of bob@example\.com: admin, user; current access tokens revoked/);
    assert.deepEqual((await listJson()).find((u) => u.email === 'bob@example.com')?.roles, ['admin', 'user']);
  });

  it('blocks and unblocks', async () => {
    assert.equal((await users(['block', 'bob@example.com'])).code, 0);
    assert.equal((await listJson()).find((u) => u.email === 'bob@example.com')?.blocked, true);
    assert.equal((await users(['unblock', 'bob@example.com'])).code, 0);
    assert.equal((await listJson()).find((u) => u.email === 'bob@example.com')?.blocked, false);
  });

  it('fails with one line for an unknown email', async () => {
    for (const args of [
      ['block', 'nobody@example.com'],
      ['set-role', 'nobody@example.com', 'admin'],
    ]) {
      const r = await users(args);
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'tessera: no user with email nobody@example.com\n');
    }
  });

  it('reads the data directory and config file from TESSERA_DATA_DIR and TESSERA_CONFIG', async () => {
    const r = await runCli(['users', 'list', '--json'], {
      env: { TESSERA_DATA_DIR: ws.dataDir, TESSERA_CONFIG: ws.configFile },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 2);
  });

  it('reports an unreadable or invalid config file by name only', async () => {
    const r = await runCli([
      'users',
      'list',
      '--data-dir',
      ws.dataDir,
      '--config',
      join(ws.dir, 'nope.json'),
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^tessera: invalid configuration: cannot read the config file .*nope\.json \(ENOENT\)\n$/,
    );
    const broken = join(ws.dir, 'broken.json');
    // V8 quotes the start of the text in its parse error: an unquoted key would be shown.
    await writeFile(broken, '{ "kek": c2VjcmV0LWtlay12YWx1ZQ }');
    const b = await runCli(['users', 'list', '--data-dir', ws.dataDir, '--config', broken]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /is not valid JSON/);
    assert.ok(!b.stderr.includes('c2VjcmV0'));
  });
});
