// The Redis cases of `npm run bench:server -- --redis` (see benchmarks/README.md): Tessera with
// its hot state (sessions, refresh tokens, revocations, rate limits) in a redis-server of the
// benchmark's own, AOF on, users and signing keys in the SQLite file of the data directory.
//
//   redis/refresh 1k      one instance on the server CPU, Redis on the other CPU with the load
//                          generator, 1,000 sessions in Redis (the chains and seeded ones)
//   redis ceiling         redis-benchmark running one EVALSHA that does what one rotation asks of
//                          Redis, on the same Redis: the rate Redis alone would allow
//   redis/refresh 1M      the same, after seeding Redis up to 1,000,000 sessions; the memory
//                          delta of that seed per session
//   redis/refresh x2      two instances (one per CPU) on the one Redis, against one instance with
//                          the same placement (Redis and the load generator unpinned)
//   revocation propagation: see revocation-propagation.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from '../lib/http-client.mjs';
import { runNode } from '../lib/process.mjs';
import { redisBenchmark, startRedis } from '../lib/redis.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PASSWORD = 'correct horse battery staple';

/**
 * One EVALSHA with a rotation's Redis work, for redis-benchmark (one Redis, so no slots to
 * respect): the refresh rate-limit hit, the session's user read, then the rotation script's
 * reads and writes on the session's hash and its grace key, answering the session's fields.
 * KEYS: session, grace key, rate-limit window. ARGV: now, successor digest, sealed successor,
 * user id.
 */
export const ROTATION_SHAPED_LUA = `
local now = tonumber(ARGV[1])
local v = redis.call('HMGET', KEYS[3], 'n', 'r')
if not v[2] then redis.call('HSET', KEYS[3], 'n', 1, 'r', now + 60000) else redis.call('HINCRBY', KEYS[3], 'n', 1) end
redis.call('PEXPIRE', KEYS[3], 120000)
if not redis.call('HGET', KEYS[1], 'u') then
  redis.call('HSET', KEYS[1], 'u', ARGV[4], 'c', now, 'a', now + 2592000000, 'l', now, 'n', 0, 'ip', '127.0.0.1',
    't', ARGV[2], 'le', now + 1209600000)
end
local s = redis.call('HMGET', KEYS[1], 'u', 'jk', 'r', 'a', 't', 'le', 'l', 'p')
redis.call('HSET', KEYS[1], '.' .. ARGV[2], s[7] .. ',' .. s[6] .. ',' .. now,
  't', ARGV[2], 'le', now + 1209600000, 'l', now, 'p', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', 90000)
return redis.call('HMGET', KEYS[1], 'u', 'c', 'a', 'l', 'r', 'rr', 'ua', 'ip', 'n', 'le', 'jk')
`;

/** Lets a running process (all its threads) use `cpus` (e.g. "0,1"). */
function setAffinity(pid, cpus) {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

/**
 * The Redis cases. `ctx`: { plans, cfg, log, expect, fmtRun, startTessera(plan, dir, env),
 * selected(cfg, name) }. Returns { redis: {version, fsync}, cases, ceiling, memory, seeds }.
 */
export async function benchRedis(ctx) {
  const { plans, cfg, log, expect, fmtRun } = ctx;
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-redis-server-'));
  const out = { cases: [], seeds: [], memory: null, ceiling: null };
  const procs = [];
  let redis;
  // Every login and every seeded session is one session in Redis (none ends during the run).
  let sessions = 0;
  const sessionsInRedis = async () => sessions;
  try {
    // Redis on the other core, with the load generator: the Tessera instance has its core alone.
    redis = await startRedis(plans.client, { fsync: cfg.redisFsync });
    out.redis = { fsync: redis.fsync, cpus: plans.client.pinned ? String(plans.client.cpu) : null };
    log(`redis-server: pid ${redis.pid}, port ${redis.port}, appendonly yes, appendfsync ${redis.fsync}`);
    const env = { TESSERA_REDIS_URL: redis.url };
    const a = await ctx.startTessera(plans.server, dir, env);
    procs.push(a);
    log(`tessera serve on Redis: pid ${a.pid}, port ${a.port}`);

    const users = Math.max(1, Math.min(10, cfg.sessions));
    for (let i = 0; i < users; i++) {
      const r = await request(a.port, {
        method: 'POST',
        path: '/auth/register',
        body: { email: `bench-${i}@example.com`, password: PASSWORD },
      });
      expect(r.status === 201, `register got ${r.status} ${r.text}`);
    }
    const login = async (port, i) => {
      const r = await request(port, {
        method: 'POST',
        path: '/auth/login',
        body: { email: `bench-${i % users}@example.com`, password: PASSWORD },
      });
      expect(r.status === 200 && r.json?.refresh_token, `login got ${r.status} ${r.text}`);
      sessions++;
      return r.json;
    };
    const chains = [];
    for (let i = 0; i < cfg.sessions; i++) chains.push((await login(a.port, i)).refresh_token);
    const tokensFile = join(dir, 'refresh-tokens.json');
    writeFileSync(tokensFile, JSON.stringify(chains), { mode: 0o600 });

    // Probe: a rotation answers a new pair, an unknown token a 401, and the keys are in Redis.
    const probe = await login(a.port, 0);
    const rotated = await request(a.port, {
      method: 'POST',
      path: '/auth/refresh',
      body: { refresh_token: probe.refresh_token },
    });
    expect(
      rotated.status === 200 && rotated.json.refresh_token !== probe.refresh_token,
      `refresh on Redis got ${rotated.status} ${rotated.text}`,
    );
    const bogus = await request(a.port, {
      method: 'POST',
      path: '/auth/refresh',
      body: { refresh_token: 'A'.repeat(43) },
    });
    expect(bogus.status === 401, `an unknown refresh token got ${bogus.status}`);
    const sessionKey = (await redis.cli(['--scan', '--pattern', `tessera:{s:${probe.session_id}}`])).trim();
    expect(sessionKey !== '', 'the session is not in Redis: is TESSERA_REDIS_URL wired?');

    const seed = async (count) => {
      if (count <= 0) return;
      const t0 = performance.now();
      const res = await runNode(
        plans.client,
        join(HERE, 'redis-seed.mjs'),
        [
          JSON.stringify({
            url: redis.url,
            count,
            perUser: cfg.seedPerUser,
            sqlFile: join(dir, `seed-${count}.db`),
          }),
        ],
        { timeoutMs: 3600_000 },
      );
      const line = res.stdout.trim().split('\n').pop();
      if (res.code !== 0 || !line) throw new Error(`seeding failed: ${res.stderr.slice(-2000)}`);
      const seeded = JSON.parse(line);
      sessions += seeded.count;
      out.seeds.push(seeded);
      log(
        `  seeded ${count.toLocaleString('en-US')} sessions in ${((performance.now() - t0) / 1000).toFixed(1)} s (${Math.round(seeded.perSec).toLocaleString('en-US')}/s)`,
      );
    };

    const refreshCase = async (name, { ports, pids, clientPlan = plans.client, file = tokensFile }) => {
      const res = await runNode(
        clientPlan,
        join(HERE, 'refresh-client.mjs'),
        [
          JSON.stringify({
            ports,
            tokensFile: file,
            warmup: cfg.warmup,
            duration: cfg.duration,
            runs: cfg.runs,
            serverPids: pids,
            redisPort: redis.port,
          }),
        ],
        { timeoutMs: (cfg.warmup + cfg.runs * (cfg.duration + 5) + 120) * 1000 },
      );
      const line = res.stdout.trim().split('\n').pop();
      if (res.code !== 0 || !line) throw new Error(`refresh client failed: ${res.stderr.slice(-2000)}`);
      const r = JSON.parse(line);
      r.runs.forEach((run, i) => {
        log(
          `${fmtRun(`${name} ${i + 1}/${cfg.runs}`, run)}  redis ${run.redisCpuUsPerReq?.toFixed(0)} µs/req (${Math.round(run.redisCpuUse * 100)}% CPU), ${run.redisCommandsPerReq?.toFixed(1)} commands/req`,
        );
      });
      if (r.errors > 0) log(`  !! refresh errors ${r.errors}: ${r.errorSamples.join(' | ')}`);
      // Every chain's last token must still rotate: try the first live one, and keep its successor
      // in the file (the next case carries on with these chains).
      const last = JSON.parse(readFileSync(file, 'utf8'));
      const live = last.findIndex(Boolean);
      const again = await request(ports[0], {
        method: 'POST',
        path: '/auth/refresh',
        body: { refresh_token: last[live] },
      });
      expect(again.status === 200, `a chain's last token did not rotate after the run (${again.status})`);
      last[live] = again.json.refresh_token;
      writeFileSync(file, JSON.stringify(last), { mode: 0o600 });
      const c = {
        name,
        kind: 'refresh-client',
        chains: r.chains,
        brokenChains: r.brokenChains,
        errors: r.errors,
        errorSamples: r.errorSamples,
        sessionsInRedis: await sessionsInRedis(),
        runs: r.runs,
      };
      out.cases.push(c);
      return c;
    };

    // 1. 1,000 sessions in Redis.
    await seed(cfg.smallSessions - (await sessionsInRedis()));
    log(`  sessions in Redis: ${(await sessionsInRedis()).toLocaleString('en-US')}`);
    if (ctx.selected(cfg, 'redis/refresh'))
      await refreshCase('redis/refresh', { ports: [a.port], pids: [a.pid] });

    // 2. Seed up to 1,000,000 sessions; Redis memory per session is the seed's INFO memory delta.
    if (cfg.largeSessions > cfg.smallSessions && ctx.selected(cfg, 'redis/refresh-1m')) {
      const before = await redis.info('memory');
      const n0 = await sessionsInRedis();
      await seed(cfg.largeSessions - n0);
      const after = await redis.info('memory');
      const n1 = await sessionsInRedis();
      out.memory = {
        sessions: n1 - n0,
        usedMemoryBefore: before.used_memory,
        usedMemoryAfter: after.used_memory,
        bytesPerSession: (after.used_memory - before.used_memory) / (n1 - n0),
        datasetBytesPerSession: (after.used_memory_dataset - before.used_memory_dataset) / (n1 - n0),
        keys: Number((await redis.cli(['dbsize'])).trim()),
        allocator: after.mem_allocator,
      };
      out.memory.breakdown = await memoryBreakdown(redis, 20);
      log(
        `  per session, MEMORY USAGE of its keys (mean of ${out.memory.breakdown.samples}): ${out.memory.breakdown.parts
          .map((p) => `${p.label} ${p.bytes.toFixed(0)}`)
          .join(', ')}`,
      );
      log(
        `  Redis memory: ${(after.used_memory / 2 ** 20).toFixed(0)} MiB for ${n1.toLocaleString('en-US')} sessions; ` +
          `${out.memory.bytesPerSession.toFixed(0)} bytes per seeded session (dataset ${out.memory.datasetBytesPerSession.toFixed(0)})`,
      );
      await refreshCase('redis/refresh-1m', { ports: [a.port], pids: [a.pid] });
    }

    // 3. The Redis ceiling: redis-benchmark on the server CPU (the instance idle meanwhile).
    if (ctx.selected(cfg, 'redis/ceiling')) {
      const sha = (await redis.cli(['script', 'load', ROTATION_SHAPED_LUA])).trim();
      const rnd = '__rand_int__';
      const ceiling = await redisBenchmark(plans.server, redis.port, {
        requests: cfg.ceilingRequests,
        connections: cfg.connections,
        keyspace: 1_000_000,
        command: [
          'EVALSHA',
          sha,
          '3',
          `bench:{s:${rnd}}`,
          `bench:{s:${rnd}}:g`,
          `bench:{rl:refresh:ip:${rnd}}`,
          '1765000000000',
          'x'.repeat(43),
          'y'.repeat(150),
          '1'.repeat(36),
        ],
      });
      out.ceiling = { ...ceiling, requests: cfg.ceilingRequests, connections: cfg.connections };
      log(
        `  redis-benchmark, rotation-shaped EVALSHA: ${Math.round(ceiling.perSec).toLocaleString('en-US')}/s, p50 ${ceiling.p50} ms, p99 ${ceiling.p99} ms`,
      );
    }

    // 4. Two instances, one per CPU, on the one Redis; Redis and the load generator unpinned.
    if (ctx.selected(cfg, 'redis/refresh-x2') && plans.server.pinned && plans.client.pinned) {
      const both = `${plans.client.cpu},${plans.server.cpu}`;
      setAffinity(redis.pid, both);
      const free = { pinned: false, cpu: null };
      const b = await ctx.startTessera(plans.client, dir, env);
      procs.push(b);
      log(`second tessera serve on Redis: pid ${b.pid}, port ${b.port}, CPU ${plans.client.cpu}`);
      const more = [];
      for (let i = 0; i < cfg.sessions; i++) more.push((await login(b.port, i)).refresh_token);
      const file2 = join(dir, 'refresh-tokens-x2.json');
      const alive = JSON.parse(readFileSync(tokensFile, 'utf8')).filter(Boolean);
      writeFileSync(file2, JSON.stringify([...alive, ...more]), {
        mode: 0o600,
      });
      // The same 2 x sessions chains on one instance, the same placement, as the reference.
      await refreshCase('redis/refresh-x1-unpinned', {
        ports: [a.port],
        pids: [a.pid],
        clientPlan: free,
        file: file2,
      });
      await refreshCase('redis/refresh-x2', {
        ports: [a.port, b.port],
        pids: [a.pid, b.pid],
        clientPlan: free,
        file: file2,
      });
    }
    // 5. Revocation propagation from instance A to a guard on instance B: stream, then polling.
    if (ctx.selected(cfg, 'redis/propagation')) {
      let b = procs[1];
      if (b === undefined) {
        b = await ctx.startTessera(plans.client, dir, env);
        procs.push(b);
      }
      // Both instances back on their own CPU, Redis too (as in the first runs).
      if (plans.client.pinned) setAffinity(redis.pid, String(plans.client.cpu));
      out.propagation = [];
      const modes = [
        { label: 'SSE stream (transport auto)', transport: 'auto', intervalMs: 5000 },
        {
          label: `polling every ${cfg.propagationPollMs} ms (transport poll)`,
          transport: 'poll',
          intervalMs: cfg.propagationPollMs,
        },
      ];
      for (const mode of modes.filter((m) => cfg.propagationModes.includes(m.transport))) {
        const access = [];
        for (let i = 0; i < cfg.propagationRevocations; i++)
          access.push((await login(a.port, i)).access_token);
        const file = join(dir, `access-${mode.transport}.json`);
        writeFileSync(file, JSON.stringify(access), { mode: 0o600 });
        const res = await runNode(
          plans.client,
          join(HERE, 'revocation-propagation.mjs'),
          [
            JSON.stringify({
              portA: a.port,
              portB: b.port,
              issuer: ctx.issuer,
              audience: 'tessera',
              tokensFile: file,
              transport: mode.transport,
              intervalMs: mode.intervalMs,
              spacingMs: cfg.propagationSpacingMs,
            }),
          ],
          { timeoutMs: 600_000 },
        );
        const line = res.stdout.trim().split('\n').pop();
        if (res.code !== 0 || !line)
          throw new Error(`propagation (${mode.transport}) failed: ${res.stderr.slice(-2000)}`);
        const p = { ...JSON.parse(line), label: mode.label };
        out.propagation.push(p);
        const l = p.latency;
        log(
          `  revocation propagation, ${mode.label}: ${p.n} revocations, p50 ${l.p50.toFixed(1)} ms, p90 ${l.p90.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms, max ${l.max.toFixed(1)} ms, missed ${p.missed}`,
        );
      }
    }

    out.procs = procs.map((p) => p.pid);
    return out;
  } finally {
    for (const p of procs) await p.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * MEMORY USAGE (key, value and their allocations; not the expires entry nor the hash-table slot)
 * of `samples` sessions' hashes, averaged: a session is that one key.
 */
async function memoryBreakdown(redis, samples) {
  const cli = async (...args) => (await redis.cli(args)).trim();
  const usage = async (key) => Number(await cli('memory', 'usage', key, 'samples', '0'));
  let sum = 0;
  let n = 0;
  let cursor = '0';
  while (n < samples) {
    const [next, ...keys] = (await cli('scan', cursor, 'match', 'tessera:{s:*}', 'count', '1000')).split(
      '\n',
    );
    for (const key of keys) {
      if (n >= samples || !key.endsWith('}')) continue;
      sum += await usage(key);
      n++;
    }
    cursor = next;
    if (cursor === '0') break;
  }
  const bytes = n === 0 ? Number.NaN : sum / n;
  return { samples: n, parts: [{ label: 'session hash with its live token {s:<id>}', bytes }] };
}
