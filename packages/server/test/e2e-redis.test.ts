// The built `tessera serve` with its hot state in Redis (`--redis-url`): sessions, refresh tokens,
// revocations and rate-limit counters in a redis-server the test starts (AOF on, in a temporary
// directory); users, keys and audit in SQLite or PostgreSQL. A Redis without AOF is refused with
// one coded line, unless redisAllowVolatile (then a coded warning on every start).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';
import { call, eventually, killAllServers, type RunningServer, startServer } from './helpers/e2e-server.js';
import { createTestDatabase, postgresForTests } from './helpers/postgres.js';
import { listKeys, RedisProcess, redisSkipReason, startRedis, type TestRedis } from './helpers/redis.js';

const PASSWORD = 'correct horse battery staple';
const GENEROUS = { max: 10_000, windowMs: 60_000 };
const LIMITS = {
  issuer: 'http://tessera.e2e.test',
  rateLimits: {
    loginPerIp: GENEROUS,
    loginPerEmail: GENEROUS,
    registerPerIp: GENEROUS,
    refreshPerIp: GENEROUS,
  },
};

/** Register (when new), login, refresh, logout: checks each step on `base` and returns what is left alive. */
async function lifecycle(base: string, email: string) {
  const reg = await call(base, 'POST', '/auth/register', { body: { email, password: PASSWORD } });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const login = async () => {
    const r = await call(base, 'POST', '/auth/login', { body: { email, password: PASSWORD } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { access_token: string; refresh_token: string; session_id: string };
  };
  const first = await login();
  const rotated = await call(base, 'POST', '/auth/refresh', { body: { refresh_token: first.refresh_token } });
  assert.equal(rotated.status, 200);
  assert.equal(rotated.body.session_id, first.session_id);
  assert.equal((await call(base, 'GET', '/auth/me', { token: rotated.body.access_token })).status, 200);
  const gone = await login();
  assert.equal((await call(base, 'POST', '/auth/logout', { token: gone.access_token })).status, 204);
  assert.equal((await call(base, 'GET', '/auth/me', { token: gone.access_token })).status, 401);
  return {
    alive: rotated.body as { access_token: string; refresh_token: string; session_id: string },
    spent: first.refresh_token,
    gone,
  };
}

/** Waits until the server has printed a line matching `pattern` (the lines after "listening" come a moment later). */
function printed(server: RunningServer, pattern: RegExp): Promise<true> {
  return eventually(
    `output matching ${pattern}`,
    async () => (pattern.test(server.output()) ? true : undefined),
    {
      intervalMs: 50,
    },
  );
}

const skip = redisSkipReason('e2e-redis');

describe('tessera serve with Redis', { skip }, () => {
  let redis: TestRedis;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    assertBuilt();
    redis = await startRedis();
  });
  after(async () => {
    await killAllServers();
    for (const cleanup of cleanups.reverse()) await cleanup();
    await redis?.stop();
  });

  it('refuses a Redis without AOF in one coded line saying how to enable it', {
    timeout: 60_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-redis-volatile-'));
    const volatile = await RedisProcess.start(dir, ['--appendonly', 'no']);
    cleanups.push(async () => {
      await volatile.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    });
    const ws = await makeWorkspace(LIMITS);
    cleanups.push(ws.remove);
    const refused = await runCli(['serve', '--port', '0', ...ws.storeArgs, '--redis-url', volatile.url]);
    assert.equal(refused.code, 1, refused.stderr);
    const lines = refused.stderr.trim().split('\n');
    assert.equal(lines.length, 1, refused.stderr);
    assert.match(
      lines[0] ?? '',
      /^tessera: ERR_STORE_REDIS_VOLATILE: Redis 127\.0\.0\.1:\d+: appendonly is off/,
    );
    assert.match(lines[0] ?? '', /appendonly yes/);
    assert.match(lines[0] ?? '', /redisAllowVolatile/);

    // Allowed: it starts, and says so on every start.
    for (let start = 0; start < 2; start++) {
      const server = await startServer([...ws.storeArgs, '--redis-url', volatile.url], 30_000, {
        TESSERA_REDIS_ALLOW_VOLATILE: 'true',
      });
      await eventually('the volatile warning', async () =>
        /tessera: warning: TESSERA_REDIS_VOLATILE: Redis 127\.0\.0\.1:\d+: appendonly is off/.test(
          server.output(),
        )
          ? true
          : undefined,
      );
      assert.equal((await call(server.url, 'GET', '/healthz')).status, 200);
      await server.stop('SIGTERM');
    }
  });

  it('SQLite + Redis: sessions, refresh tokens and revocations live in Redis and survive SIGKILL of the server', async () => {
    const ws = await makeWorkspace({ ...LIMITS, refreshGraceMs: 0 });
    cleanups.push(ws.remove);
    const args = [...ws.storeArgs, '--redis-url', redis.server.url];
    let server: RunningServer = await startServer(args);
    await printed(server, /data in \S+, sessions and revocations in Redis/);
    assert.doesNotMatch(server.output(), /TESSERA_REDIS_/);
    const { alive, spent, gone } = await lifecycle(server.url, 'alice@example.com');

    const client = redis.client();
    const keys = await listKeys(client, 'tessera:');
    assert.ok(keys.includes(`tessera:{s:${alive.session_id}}`), 'the session is a Redis hash');
    assert.ok(
      keys.some((key) => key.startsWith('tessera:{rv}')),
      'the revocation list is in Redis',
    );
    assert.ok(
      keys.some((key) => key.startsWith('tessera:{rl:')),
      'the rate-limit counters are in Redis',
    );

    await server.stop('SIGKILL');
    server = await startServer(args);
    assert.equal((await call(server.url, 'GET', '/auth/me', { token: alive.access_token })).status, 200);
    assert.equal((await call(server.url, 'GET', '/auth/me', { token: gone.access_token })).status, 401);
    const again = await call(server.url, 'POST', '/auth/refresh', {
      body: { refresh_token: alive.refresh_token },
    });
    assert.equal(again.status, 200);
    const reuse = await call(server.url, 'POST', '/auth/refresh', { body: { refresh_token: spent } });
    assert.equal(reuse.status, 401);
    const feed = await call(server.url, 'GET', '/auth/revocations');
    assert.ok(feed.body.revoked.some((entry: { sid?: string }) => entry.sid === gone.session_id));
    await server.stop('SIGTERM');
    assert.equal(server.process.exitCode, 0, server.output());
  });

  describe('PostgreSQL + Redis', async () => {
    const postgres = await postgresForTests('e2e-redis (PostgreSQL)');
    it('`--database-url` and `--redis-url`: users and keys in PostgreSQL, sessions in Redis', {
      skip: postgres.skip,
    }, async () => {
      const db = await createTestDatabase(postgres.url);
      cleanups.push(db.drop);
      const ws = await makeWorkspace(LIMITS);
      cleanups.push(ws.remove);
      const server = await startServer(
        [...ws.storeArgs, '--database-url', db.url, '--redis-url', redis.server.url],
        30_000,
        { TESSERA_KEK: randomBytes(32).toString('base64url') },
      );
      await printed(server, /data in PostgreSQL, sessions and revocations in Redis/);
      const { alive } = await lifecycle(server.url, 'pg-redis@example.com');
      const keys = await listKeys(redis.client(), 'tessera:');
      assert.ok(keys.includes(`tessera:{s:${alive.session_id}}`));
      const sql = new pg.Client({ connectionString: db.url });
      await sql.connect();
      try {
        const users = await sql.query('select count(*)::int as n from tessera.users');
        assert.equal(users.rows[0].n, 1);
        const sessions = await sql.query('select count(*)::int as n from tessera.sessions');
        assert.equal(sessions.rows[0].n, 0, 'no session in SQL');
      } finally {
        await sql.end();
      }
      await server.stop('SIGTERM');
    });
  });
});
