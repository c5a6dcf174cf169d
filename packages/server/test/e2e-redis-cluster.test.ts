// Two Tessera instances on one 6-node Redis Cluster (3 masters, 3 replicas, AOF on every node)
// started by the test: the session lifecycle across instances (login, refresh, concurrent refresh,
// reuse, logout, logout-all, password change, block, role change), then a master failed over to
// its replica (CLUSTER FAILOVER) while refresh chains keep rotating: rotations keep working and no
// refresh token is ever spent twice (every token's one successor is the next token of its chain).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Cluster } from 'ioredis';
import { assertBuilt, makeWorkspace, runCli } from './helpers/e2e-cli.js';
import { call, eventually, killAllServers, type RunningServer, startServer } from './helpers/e2e-server.js';
import { listKeys, redisSkipReason, startRedisCluster, type TestRedisCluster } from './helpers/redis.js';

const skip = redisSkipReason('e2e-redis-cluster');

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'another horse, another staple';
const GENEROUS = { max: 100_000, windowMs: 60_000 };
const PREFIX = 'tessera:';
const PARALLEL = 20;
const CHAINS = 12;

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

interface Login {
  access_token: string;
  refresh_token: string;
  session_id: string;
}

if (skip !== undefined) {
  it('tessera serve on a Redis Cluster', { skip }, () => {});
} else {
  describe('tessera serve on a Redis Cluster, two instances', () => {
    let cluster: TestRedisCluster;
    let admin: Cluster;
    let ws: Awaited<ReturnType<typeof makeWorkspace>>;
    let a: RunningServer;
    let b: RunningServer;
    let adminToken = '';

    const api = (
      on: RunningServer,
      method: string,
      path: string,
      opts?: { token?: string; body?: unknown },
    ) => call(on.url, method, path, opts);
    const login = async (on: RunningServer, email: string, password = PASSWORD): Promise<Login> => {
      const r = await api(on, 'POST', '/auth/login', { body: { email, password } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as Login;
    };
    const refresh = (on: RunningServer, token: string) =>
      api(on, 'POST', '/auth/refresh', { body: { refresh_token: token } });
    const me = (on: RunningServer, token: string) => api(on, 'GET', '/auth/me', { token });
    const register = async (email: string): Promise<string> => {
      const r = await api(a, 'POST', '/auth/register', { body: { email, password: PASSWORD } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    /** The session's hash in Redis, its tokens included (layout: packages/server/src/store/redis/keys.ts). */
    const sessionHash = (sessionId: string) => admin.hgetall(`${PREFIX}{s:${sessionId}}`);
    /** The digests of the session's used tokens. */
    const usedTokens = (stored: Record<string, string>) =>
      Object.keys(stored)
        .filter((field) => field.startsWith('.'))
        .map((field) => field.slice(1));

    before(async () => {
      assertBuilt();
      cluster = await startRedisCluster();
      admin = cluster.client();
      ws = await makeWorkspace({
        rateLimits: {
          loginPerIp: GENEROUS,
          loginPerEmail: GENEROUS,
          loginPerEmailAndIp: GENEROUS,
          registerPerIp: GENEROUS,
          registerPerEmail: GENEROUS,
          refreshPerIp: GENEROUS,
        },
      });
      const add = await runCli(
        ['users', 'add', 'root@example.com', '--password-stdin', '--role', 'admin', ...ws.storeArgs],
        {
          input: `${PASSWORD}\n`,
        },
      );
      assert.equal(add.code, 0, add.stderr);
      // The built CLI, twice, on one data directory (users, keys) and the cluster (everything hot).
      const env = { TESSERA_REDIS_CLUSTER_NODES: cluster.nodes.join(',') };
      a = await startServer(ws.storeArgs, 30_000, env);
      b = await startServer(ws.storeArgs, 30_000, env);
      adminToken = (await login(a, 'root@example.com')).access_token;
    });
    after(async () => {
      await killAllServers();
      admin?.disconnect();
      await cluster?.stop();
      await ws?.remove();
    });

    it('logs in on one instance, refreshes on the other, and keeps the hot state in Redis', async () => {
      const id = await register('alice@example.com');
      const first = await login(a, 'alice@example.com');
      const r = await refresh(b, first.refresh_token);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.session_id, first.session_id);
      assert.notEqual(r.body.refresh_token, first.refresh_token);
      const who = await me(a, r.body.access_token);
      assert.equal(who.status, 200);
      assert.equal(who.body.id, id);
      // The session and both tokens are in the cluster, in the session's one hash.
      const stored = await sessionHash(first.session_id);
      assert.equal(stored.u, id);
      assert.deepEqual(usedTokens(stored), [hashOf(first.refresh_token)]);
      assert.equal(stored.t, hashOf(r.body.refresh_token));
      assert.ok((await listKeys(admin, PREFIX)).length > 0);
    });

    it('concurrent refreshes of one token over both instances get one successor', async () => {
      const start = await login(a, 'alice@example.com');
      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) => refresh(i % 2 === 0 ? a : b, start.refresh_token)),
      );
      for (const r of responses) assert.equal(r.status, 200, JSON.stringify(r.body));
      const successors = new Set(responses.map((r) => r.body.refresh_token as string));
      assert.equal(successors.size, 1, 'every 200 carries the same successor');
      const [successor] = [...successors] as [string];
      const stored = await sessionHash(start.session_id);
      assert.deepEqual(usedTokens(stored), [hashOf(start.refresh_token)], 'spent once');
      assert.equal(stored.p, hashOf(start.refresh_token));
      assert.equal(stored.t, hashOf(successor), 'its one successor is the live token');
      assert.equal((await refresh(b, successor)).status, 200, 'the successor rotates');
    });

    it('a used token replayed after its successor was used revokes the whole session', async () => {
      const t0 = await login(a, 'alice@example.com');
      const t1 = (await refresh(b, t0.refresh_token)).body as Login;
      const t2 = (await refresh(a, t1.refresh_token)).body as Login;
      assert.equal((await me(b, t2.access_token)).status, 200);
      const replay = await refresh(b, t0.refresh_token);
      assert.equal(replay.status, 401);
      assert.equal(replay.body.error, 'invalid_grant');
      assert.equal((await refresh(a, t2.refresh_token)).status, 401, 'the live token dies with its session');
      assert.equal((await me(a, t2.access_token)).status, 401);
      assert.equal((await me(b, t2.access_token)).status, 401);
    });

    it('logout on one instance is refused at once by the other', async () => {
      const s = await login(a, 'alice@example.com');
      assert.equal((await me(b, s.access_token)).status, 200);
      assert.equal((await api(a, 'POST', '/auth/logout', { token: s.access_token })).status, 204);
      assert.equal((await me(b, s.access_token)).status, 401);
      assert.equal((await refresh(b, s.refresh_token)).status, 401);
    });

    it("the other instance's feed has the logout: polled after its last cursor, and pushed on its stream", async () => {
      // Polling: a guard asks for what came after the cursor it was given (Redis's clock in
      // microseconds: 16 digits).
      const first = await api(b, 'GET', '/auth/revocations');
      assert.equal(first.status, 200);
      const cursor = String(first.body.cursor);
      assert.ok(cursor.length >= 16, cursor);
      // The stream of instance B, open before the logout on instance A.
      const abort = new AbortController();
      const stream = await fetch(`${b.url}/auth/revocations/stream`, { signal: abort.signal });
      assert.equal(stream.status, 200);
      const reader = (stream.body as ReadableStream<Uint8Array>)
        .pipeThrough(new TextDecoderStream())
        .getReader();
      let received = '';
      const until = async (text: string) => {
        while (!received.includes(text)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`the stream ended before ${text}`);
          received += value;
        }
      };
      try {
        await until('event: ready');
        const s = await login(a, 'alice@example.com');
        assert.equal((await api(a, 'POST', '/auth/logout', { token: s.access_token })).status, 204);
        await until(s.session_id);
        const next = await api(b, 'GET', `/auth/revocations?after=${cursor}`);
        assert.equal(next.status, 200, JSON.stringify(next.body));
        assert.ok(
          next.body.revoked.some((e: { sid?: string }) => e.sid === s.session_id),
          JSON.stringify(next.body),
        );
        assert.ok(String(next.body.cursor) > cursor);
      } finally {
        abort.abort();
      }
    });

    it('logout-all ends every session of the user on both instances', async () => {
      const s1 = await login(a, 'alice@example.com');
      const s2 = await login(b, 'alice@example.com');
      assert.equal((await api(b, 'POST', '/auth/logout-all', { token: s1.access_token })).status, 204);
      for (const s of [s1, s2]) {
        assert.equal((await me(a, s.access_token)).status, 401);
        assert.equal((await refresh(b, s.refresh_token)).status, 401);
      }
    });

    it('a password change ends the other sessions and keeps the current one', async () => {
      await register('pat@example.com');
      const current = await login(a, 'pat@example.com');
      const other = await login(b, 'pat@example.com');
      const changed = await api(b, 'POST', '/auth/password', {
        token: current.access_token,
        body: { current_password: PASSWORD, new_password: NEW_PASSWORD },
      });
      assert.equal(changed.status, 204, JSON.stringify(changed.body));
      assert.equal((await refresh(a, other.refresh_token)).status, 401);
      assert.equal((await me(a, other.access_token)).status, 401);
      const next = await refresh(a, current.refresh_token);
      assert.equal(next.status, 200, 'the session that changed the password stays');
      const old = await api(b, 'POST', '/auth/login', {
        body: { email: 'pat@example.com', password: PASSWORD },
      });
      assert.equal(old.status, 401);
      await login(b, 'pat@example.com', NEW_PASSWORD);
    });

    it('blocking a user ends its sessions and refuses login; unblocking lets it back in', async () => {
      const id = await register('bo@example.com');
      const s = await login(a, 'bo@example.com');
      const blocked = await api(b, 'PATCH', `/admin/users/${id}`, {
        token: adminToken,
        body: { blocked: true },
      });
      assert.equal(blocked.status, 200, JSON.stringify(blocked.body));
      assert.equal((await me(a, s.access_token)).status, 401);
      assert.equal((await refresh(a, s.refresh_token)).status, 401);
      const refused = await api(a, 'POST', '/auth/login', {
        body: { email: 'bo@example.com', password: PASSWORD },
      });
      assert.equal(refused.status, 403);
      const unblocked = await api(a, 'PATCH', `/admin/users/${id}`, {
        token: adminToken,
        body: { blocked: false },
      });
      assert.equal(unblocked.status, 200);
      assert.equal((await me(b, (await login(b, 'bo@example.com')).access_token)).status, 200);
    });

    it('a role change refuses the current access token; the next refresh carries the new role', async () => {
      const id = await register('ro@example.com');
      const s = await login(a, 'ro@example.com');
      const changed = await api(a, 'PATCH', `/admin/users/${id}`, {
        token: adminToken,
        body: { roles: ['user', 'editor'] },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal((await me(b, s.access_token)).status, 401);
      const next = await refresh(b, s.refresh_token);
      assert.equal(next.status, 200, 'the session survives a role change');
      const who = await me(a, next.body.access_token);
      assert.equal(who.status, 200);
      assert.deepEqual(who.body.roles, ['user', 'editor']);
    });

    it('keeps rotating through a master failover, and never spends a refresh token twice', async (t) => {
      await register('chains@example.com');
      const chains: { sessionId: string; tokens: string[] }[] = [];
      for (let i = 0; i < CHAINS; i++) {
        const s = await login(i % 2 === 0 ? a : b, 'chains@example.com');
        chains.push({ sessionId: s.session_id, tokens: [s.refresh_token] });
      }
      let stop = false;
      let retried = 0;
      const failures: string[] = [];
      // One rotation at a time per chain, alternating instances. A request that fails (a 5xx or a
      // dropped connection while a master moves) is retried with the same token, as a client
      // would: within the grace window that yields the very successor the first attempt made.
      const run = async (chain: (typeof chains)[number], n: number) => {
        let turn = n;
        while (!stop) {
          const token = chain.tokens.at(-1) as string;
          let next: string | undefined;
          for (let attempt = 0; attempt < 20 && next === undefined; attempt++) {
            const on = turn++ % 2 === 0 ? a : b;
            try {
              const r = await refresh(on, token);
              if (r.status === 200) next = r.body.refresh_token as string;
              else if (r.status >= 500) retried++;
              else {
                failures.push(`${r.status} ${JSON.stringify(r.body)}`);
                return;
              }
            } catch {
              retried++;
            }
            if (next === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
          }
          if (next === undefined) {
            failures.push('no successor after 20 attempts');
            return;
          }
          chain.tokens.push(next);
        }
      };
      const rotations = () => chains.reduce((n, c) => n + c.tokens.length - 1, 0);
      const running = chains.map((c, i) => run(c, i));
      try {
        await eventually(
          'rotations before the failover',
          async () => (rotations() >= 50 ? true : undefined),
          {
            intervalMs: 50,
          },
        );

        // Fail over the master that serves the first chain's session slot.
        const slot = Number(await admin.cluster('KEYSLOT', `${PREFIX}{s:${chains[0]?.sessionId}}`));
        const { master, replica } = await shardOf(admin, slot);
        const before = rotations();
        const reply = await replica.cluster('FAILOVER');
        assert.equal(reply, 'OK');
        await eventually(
          'the replica to take over',
          async () => ((await replica.role())[0] === 'master' ? true : undefined),
          { intervalMs: 100 },
        );
        await eventually('the old master to follow it', async () =>
          (await master.role())[0] === 'slave' ? true : undefined,
        );
        // Rotations go on after the switch.
        await eventually(
          'rotations after the failover',
          async () => (rotations() >= before + 100 ? true : undefined),
          { intervalMs: 50 },
        );
        replica.disconnect();
        master.disconnect();
      } finally {
        stop = true;
        await Promise.all(running);
      }
      t.diagnostic(`${rotations()} rotations over ${CHAINS} chains, ${retried} attempts retried`);
      assert.deepEqual(failures, []);
      // Every token of every chain is distinct; Redis holds each chain's tokens but the last as used,
      // each one created when the one before it was used (a successor is created by the rotation
      // that spends its predecessor), and the last as the live one: none was spent twice, no
      // chain forked.
      const all = chains.flatMap((c) => c.tokens);
      assert.equal(new Set(all).size, all.length);
      for (const chain of chains) {
        const stored = await sessionHash(chain.sessionId);
        const spent = chain.tokens.slice(0, -1).map(hashOf);
        assert.deepEqual(usedTokens(stored).sort(), [...spent].sort(), `chain ${chain.sessionId}`);
        const times = spent.map((digest) => (stored[`.${digest}`] as string).split(',').map(Number));
        for (let i = 1; i < times.length; i++) {
          assert.equal(times[i]?.[0], times[i - 1]?.[2], `chain ${chain.sessionId} step ${i}`);
        }
        assert.equal(stored.t, hashOf(chain.tokens.at(-1) as string), 'the last token of a chain is live');
        assert.equal((await refresh(a, chain.tokens.at(-1) as string)).status, 200, 'every chain is alive');
      }
    });
  });
}

/**
 * The master serving `slot` and one of its replicas, as direct connections, once that replica is
 * listed and its link to the master is up (a replica joins CLUSTER SLOTS a moment after
 * `cluster_state:ok`, and CLUSTER FAILOVER needs it in sync).
 */
async function shardOf(client: Cluster, slot: number) {
  const { Redis } = await import('ioredis');
  const [master, replica] = await eventually(
    `a replica of slot ${slot}`,
    async () => {
      const shard = (await client.cluster('SLOTS')).find(([from, to]) => from <= slot && slot <= to);
      const [, , m, r] = shard ?? [];
      return m !== undefined && r !== undefined ? ([m, r] as const) : undefined;
    },
    { intervalMs: 100 },
  );
  const pair = { master: new Redis(master[1], master[0]), replica: new Redis(replica[1], replica[0]) };
  await eventually(
    'the replica linked to its master',
    async () => ((await pair.replica.role())[3] === 'connected' ? true : undefined),
    { intervalMs: 100 },
  );
  return pair;
}
