// Many instances over real sockets: three BUILT `tessera serve` processes on one PostgreSQL
// database (a throwaway one) and one redis-server with AOF (started here), the same KEK on each;
// then the same on PostgreSQL alone (sessions in SQL, revocations announced by LISTEN/NOTIFY).
// A client sends every request to the next instance in turn, through every flow: login,
// refresh, concurrent refresh (one successor), reuse (the session dies), logout, logout-all,
// password change, block and role change, each refused at once on every instance. A guard in
// this process follows the revocation stream through a small TCP proxy that stands for a load
// balancer (docs: packages/server/README.md, "Running many instances"). Then one instance is
// killed with SIGKILL under load: no session is lost, no refresh token yields two successors,
// and the guard's stream moves to another instance and keeps receiving revocations.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createGuard, type Guard } from '@tessera/guard';
import { assertBuilt, makeWorkspace } from './helpers/e2e-cli.js';
import {
  eventually,
  type JsonBody,
  killAllServers,
  type RunningServer,
  startServer,
} from './helpers/e2e-server.js';
import { createTestDatabase, postgresForTests } from './helpers/postgres.js';
import { redisSkipReason, startRedis, type TestRedis } from './helpers/redis.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const ISSUER = 'http://tessera.multi.test';
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'an entirely different passphrase';
const ADMIN = { email: 'root@example.com', password: 'violet monsoon harbor lantern' };
const GRACE_MS = 3000;
const GENEROUS = { max: 1_000_000, windowMs: 60_000 };
const INSTANCES = 3;

interface Tokens {
  access_token: string;
  refresh_token: string;
  session_id: string;
}

interface Answer {
  status: number;
  body: JsonBody;
}

const postgres = await postgresForTests('e2e-multi-instance');
const redisSkip = postgres.skip ?? redisSkipReason('e2e-multi-instance');

multiInstanceSuite('three `tessera serve` on one PostgreSQL and one Redis', { redis: true, skip: redisSkip });
// PostgreSQL alone: sessions in SQL, revocations announced with LISTEN/NOTIFY.
multiInstanceSuite('three `tessera serve` on PostgreSQL alone', { redis: false, skip: postgres.skip });

function multiInstanceSuite(name: string, opts: { redis: boolean; skip: string | undefined }): void {
  describe(name, { skip: opts.skip }, () => {
    let redis: TestRedis | undefined;
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let ws: Awaited<ReturnType<typeof makeWorkspace>>;
    let servers: RunningServer[] = [];
    let proxy: TcpProxy | undefined;
    let guard: Guard | undefined;
    /** The instances the client may use (one is removed when it is killed). */
    let alive = [0, 1, 2];
    let turn = 0;

    /** One request to instance `at`, or to the next live one; a network failure throws. */
    async function send(
      method: string,
      path: string,
      opts: { token?: string; body?: unknown; at?: number } = {},
    ) {
      const at = opts.at ?? (alive[turn++ % alive.length] as number);
      const headers: Record<string, string> = {};
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${servers[at]?.url}${path}`, {
        method,
        headers,
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : JSON.parse(text) } as Answer;
    }

    /** As send, but a request lost with its instance is sent again to the next one (as a client would). */
    async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await send(method, path, opts);
        } catch (error) {
          if (attempt >= 5) throw error;
        }
      }
    }

    const login = async (email: string, password = PASSWORD): Promise<Tokens> => {
      const r = await call('POST', '/auth/login', { body: { email, password } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as Tokens;
    };
    const register = async (email: string): Promise<string> => {
      const r = await call('POST', '/auth/register', { body: { email, password: PASSWORD } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const refresh = (token: string) => call('POST', '/auth/refresh', { body: { refresh_token: token } });
    /** `/auth/me` with `token` on every live instance: their statuses. */
    const meEverywhere = async (token: string) =>
      Promise.all(alive.map(async (at) => (await send('GET', '/auth/me', { token, at })).status));

    const verdict = async (token: string): Promise<string> => {
      try {
        await guard?.check(`Bearer ${token}`);
        return 'accepted';
      } catch (error) {
        return (error as { reason?: string }).reason ?? String(error);
      }
    };

    before(async () => {
      assertBuilt();
      if (opts.redis) redis = await startRedis();
      db = await createTestDatabase(postgres.url);
      ws = await makeWorkspace({
        issuer: ISSUER,
        refreshGraceMs: GRACE_MS,
        revocationStreamHeartbeatMs: 1000,
        rateLimits: {
          loginPerIp: GENEROUS,
          loginPerEmailAndIp: GENEROUS,
          loginPerEmail: GENEROUS,
          registerPerIp: GENEROUS,
          registerPerEmail: GENEROUS,
          refreshPerIp: GENEROUS,
          passwordChangePerUser: GENEROUS,
        },
      });
      const kek = randomBytes(32).toString('base64url');
      const args = [...ws.storeArgs, '--database-url', db.url];
      if (redis !== undefined) args.push('--redis-url', redis.server.url);
      // All at once: migrations and the first signing key must not race each other.
      servers = await Promise.all(
        Array.from({ length: INSTANCES }, (_, i) =>
          startServer(args, 60_000, {
            TESSERA_KEK: kek,
            ...(i === 0 ? { TESSERA_ADMIN_EMAIL: ADMIN.email, TESSERA_ADMIN_PASSWORD: ADMIN.password } : {}),
          }),
        ),
      );
    });

    after(async () => {
      await guard?.close();
      await proxy?.close();
      await killAllServers();
      await db?.drop();
      await redis?.stop();
      await ws?.remove();
    });

    it('started at once, the instances serve one key set', async () => {
      const sets = await Promise.all(
        servers.map(async (_, at) =>
          JSON.stringify((await send('GET', '/.well-known/jwks.json', { at })).body),
        ),
      );
      assert.equal(new Set(sets).size, 1);
      assert.equal(JSON.parse(sets[0] as string).keys.length, 1);
    });

    it('login, refresh and /auth/me, each request on the next instance', async () => {
      await register('alice@example.com');
      const first = await login('alice@example.com');
      assert.deepEqual(await meEverywhere(first.access_token), [200, 200, 200]);
      const next = await refresh(first.refresh_token);
      assert.equal(next.status, 200);
      assert.equal(next.body.session_id, first.session_id);
      assert.deepEqual(await meEverywhere(next.body.access_token), [200, 200, 200]);
    });

    let spent = '';
    let successor: Tokens;

    it('concurrent refreshes of one token on every instance get one and the same successor', async () => {
      const session = await login('alice@example.com');
      const answers = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          send('POST', '/auth/refresh', {
            body: { refresh_token: session.refresh_token },
            at: i % INSTANCES,
          }),
        ),
      );
      assert.deepEqual(
        answers.map((a) => a.status),
        answers.map(() => 200),
      );
      assert.equal(new Set(answers.map((a) => a.body.refresh_token)).size, 1, 'one successor');
      spent = session.refresh_token;
      successor = answers[0]?.body as Tokens;
      assert.deepEqual(await meEverywhere(successor.access_token), [200, 200, 200]);
    });

    it('reuse after the grace window: the whole session dies on every instance', async () => {
      await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 1000));
      const replay = await refresh(spent);
      assert.equal(replay.status, 401);
      assert.equal(replay.body.error, 'invalid_grant');
      assert.equal((await refresh(successor.refresh_token)).status, 401, 'the successor dies with it');
      assert.deepEqual(await meEverywhere(successor.access_token), [401, 401, 401]);
    });

    it('logout on one instance is refused at once on the others', async () => {
      const session = await login('alice@example.com');
      assert.equal((await send('POST', '/auth/logout', { token: session.access_token, at: 0 })).status, 204);
      assert.equal((await send('GET', '/auth/me', { token: session.access_token, at: 1 })).status, 401);
      assert.equal((await send('GET', '/auth/me', { token: session.access_token, at: 2 })).status, 401);
      assert.equal((await refresh(session.refresh_token)).status, 401);
    });

    it('logout-all ends every session of the user on every instance', async () => {
      const a = await login('alice@example.com');
      const b = await login('alice@example.com');
      assert.equal((await send('POST', '/auth/logout-all', { token: a.access_token, at: 1 })).status, 204);
      for (const session of [a, b]) {
        assert.deepEqual(await meEverywhere(session.access_token), [401, 401, 401]);
        assert.equal((await refresh(session.refresh_token)).status, 401);
      }
    });

    it('a password change ends the other sessions and cuts every access token, everywhere', async () => {
      const a = await login('alice@example.com');
      const b = await login('alice@example.com');
      const changed = await send('POST', '/auth/password', {
        token: a.access_token,
        body: { current_password: PASSWORD, new_password: NEW_PASSWORD },
        at: 2,
      });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
      assert.deepEqual(await meEverywhere(b.access_token), [401, 401, 401]);
      assert.deepEqual(await meEverywhere(a.access_token), [401, 401, 401]);
      assert.equal((await refresh(b.refresh_token)).status, 401);
      const kept = await refresh(a.refresh_token);
      assert.equal(kept.status, 200, 'the session that changed it goes on');
      assert.deepEqual(await meEverywhere(kept.body.access_token), [200, 200, 200]);
      assert.equal(
        (await call('POST', '/auth/login', { body: { email: 'alice@example.com', password: PASSWORD } }))
          .status,
        401,
      );
      await login('alice@example.com', NEW_PASSWORD);
    });

    it('a role change and a block by an admin are refused at once on every instance', async () => {
      const admin = await login(ADMIN.email, ADMIN.password);
      const bobId = await register('bob@example.com');
      const bob = await login('bob@example.com');
      const roles = await send('PATCH', `/admin/users/${bobId}`, {
        token: admin.access_token,
        body: { roles: ['user', 'editor'] },
        at: 0,
      });
      assert.equal(roles.status, 200, JSON.stringify(roles.body));
      assert.deepEqual(await meEverywhere(bob.access_token), [401, 401, 401], 'tokens with the old roles');
      const renewed = await refresh(bob.refresh_token);
      assert.equal(renewed.status, 200);
      const me = await send('GET', '/auth/me', { token: renewed.body.access_token, at: 2 });
      assert.deepEqual(me.body.roles, ['user', 'editor']);

      const blocked = await send('PATCH', `/admin/users/${bobId}`, {
        token: admin.access_token,
        body: { blocked: true },
        at: 1,
      });
      assert.equal(blocked.status, 200);
      assert.deepEqual(await meEverywhere(renewed.body.access_token), [401, 401, 401]);
      assert.equal((await refresh(renewed.body.refresh_token)).status, 401);
      assert.notEqual(
        (await call('POST', '/auth/login', { body: { email: 'bob@example.com', password: PASSWORD } }))
          .status,
        200,
      );
    });

    it('a guard on the stream of one instance refuses a token revoked on another at once', async () => {
      proxy = await startTcpProxy(servers.map((s) => new URL(s.url).host));
      guard = createGuard({
        issuer: ISSUER,
        audience: 'tessera',
        algorithms: ['EdDSA'],
        jwksUri: `${proxy.url}/.well-known/jwks.json`,
        // Polling so rarely that only the stream can bring a revocation within the test.
        revocations: { url: `${proxy.url}/auth/revocations`, intervalMs: 600_000, streamIdleMs: 10_000 },
      });
      await guard.ready();
      assert.equal(guard.status().revocations?.transport, 'stream');
      assert.ok((proxy.connections[0] ?? 0) > 0 && proxy.connections[1] === 0, 'the guard is on instance 0');
      await register('carol@example.com');
      const carol = await login('carol@example.com');
      assert.equal(await verdict(carol.access_token), 'accepted');
      assert.equal((await send('POST', '/auth/logout', { token: carol.access_token, at: 2 })).status, 204);
      await eventually('the guard refuses the token', async () =>
        (await verdict(carol.access_token)) === 'ERR_GUARD_REVOKED' ? true : undefined,
      );
    });

    it('SIGKILL of one instance under load: no session lost, no refresh token spent twice, the guard moves over', async () => {
      const WORKERS = 6;
      const sessions: Tokens[] = [];
      for (let i = 0; i < WORKERS; i++) {
        await register(`load-${i}@example.com`);
        sessions.push(await login(`load-${i}@example.com`));
      }
      /** Every successor each refresh token got (a token must never get two). */
      const successors = new Map<string, Set<string>>();
      const problems: string[] = [];
      let refreshes = 0;
      let stop = false;
      let killedAt = 0;

      const worker = async (i: number) => {
        while (!stop) {
          const current = sessions[i] as Tokens;
          const r = await refresh(current.refresh_token);
          if (r.status !== 200) {
            problems.push(`worker ${i}: refresh ${r.status} ${JSON.stringify(r.body)}`);
            return;
          }
          const seen = successors.get(current.refresh_token) ?? new Set<string>();
          seen.add(r.body.refresh_token);
          successors.set(current.refresh_token, seen);
          sessions[i] = r.body as Tokens;
          refreshes++;
          const me = await call('GET', '/auth/me', { token: r.body.access_token });
          if (me.status !== 200) problems.push(`worker ${i}: /auth/me ${me.status}`);
        }
      };
      const load = Array.from({ length: WORKERS }, (_, i) => worker(i));

      await eventually('load before the kill', async () => (refreshes >= 30 ? true : undefined), {
        intervalMs: 20,
      });
      await servers[0]?.stop('SIGKILL');
      alive = [1, 2];
      killedAt = refreshes;
      await eventually('load after the kill', async () => (refreshes >= killedAt + 60 ? true : undefined), {
        intervalMs: 20,
      });
      stop = true;
      await Promise.all(load);

      assert.deepEqual(problems, []);
      for (const [token, next] of successors) {
        assert.equal(next.size, 1, `refresh token ${token.slice(0, 6)}… got ${next.size} successors`);
      }
      // Every session is still alive on every remaining instance.
      for (const session of sessions) {
        assert.deepEqual(await meEverywhere(session.access_token), [200, 200]);
        const r = await refresh(session.refresh_token);
        assert.equal(r.status, 200);
        assert.equal(r.body.session_id, session.session_id);
      }

      // The guard's stream broke with instance 0; it reconnected through the proxy to instance 1.
      await eventually('the guard back on a stream', async () => {
        return guard?.status().revocations?.transport === 'stream' && (proxy?.connections[1] ?? 0) > 0
          ? true
          : undefined;
      });
      await register('dave@example.com');
      const dave = await login('dave@example.com');
      assert.equal(await verdict(dave.access_token), 'accepted');
      assert.equal((await send('POST', '/auth/logout', { token: dave.access_token, at: 2 })).status, 204);
      await eventually('the guard refuses the token', async () =>
        (await verdict(dave.access_token)) === 'ERR_GUARD_REVOKED' ? true : undefined,
      );
    });
  });
}
